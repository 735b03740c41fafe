/** Structured JSON logs on stderr (stdout is kept for command output such as `parse` JSON). */
import { pino, type Logger } from 'pino';

export function createLogger(level = process.env.LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'feedagg' } }, pino.destination({ fd: 2, sync: true }));
}
