/** A configured source, as validated by config/schema.ts. */
export type { SourceConfig as Source } from '../../config/schema.js';
