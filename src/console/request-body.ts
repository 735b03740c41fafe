/**
 * The body of a console or API request, bounded: JSON or an HTML form, as a plain object of
 * fields (a form's repeated field keeps its first value). More than `limit` bytes is refused
 * as soon as it is seen, without reading the rest.
 */
import type { IncomingMessage } from 'node:http';
import { ConsoleError } from './console-error.js';

export const BODY_LIMIT = 64 * 1024;

async function readText(request: IncomingMessage, limit: number): Promise<string> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) throw new ConsoleError('TOO_LARGE', `the request body is larger than ${limit} bytes`);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      request.destroy();
      throw new ConsoleError('TOO_LARGE', `the request body is larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function readFields(request: IncomingMessage, limit = BODY_LIMIT): Promise<Record<string, unknown>> {
  const type = (request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
  const text = await readText(request, limit);
  if (text.trim() === '') return {};
  if (type === 'application/json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (cause) {
      throw new ConsoleError('INVALID', `the body is not valid JSON: ${(cause as Error).message}`, { field: 'body', cause });
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConsoleError('INVALID', 'the body must be a JSON object', { field: 'body' });
    return value as Record<string, unknown>;
  }
  if (type === 'application/x-www-form-urlencoded' || type === '') {
    const fields: Record<string, unknown> = {};
    for (const [key, value] of new URLSearchParams(text)) if (!(key in fields)) fields[key] = value;
    return fields;
  }
  throw new ConsoleError('INVALID', `content-type ${type} is not taken: send application/json or a form`, { field: 'content-type' });
}
