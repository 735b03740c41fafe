/** The job processors of this package, for the commands that start workers (src/runtime runs them). */
import type { AppContext } from '../src/runtime/context.js';
import type { Processors } from '../src/runtime/runtime.js';
import { createPollProcessor } from './poll-source.js';
import { createPublishProcessor } from './publish-feeds.js';
import { createTickProcessor } from './schedule-tick.js';

export function jobProcessors(context: AppContext): Required<Processors> {
  return {
    poll: createPollProcessor(context),
    publish: createPublishProcessor(context),
    scheduler: createTickProcessor(context),
  };
}
