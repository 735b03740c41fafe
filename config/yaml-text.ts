/**
 * YAML text to plain data with `yaml` (YAML 1.2 core schema, as the config's JSON Schema
 * expects), and its failure as data: the message and the line, so a thread can hand it back.
 */
import { parse, YAMLParseError } from 'yaml';

export type YamlOutcome = { ok: true; value: unknown } | { ok: false; reason: string; line?: number };

export function parseYamlText(text: string): YamlOutcome {
  try {
    // logLevel 'error': a warning (an unknown tag, say) must not go to stderr outside the logger.
    return { ok: true, value: parse(text, { logLevel: 'error', prettyErrors: false }) ?? {} };
  } catch (cause) {
    if (cause instanceof YAMLParseError) {
      // linePos is only filled with prettyErrors; the offset is always there.
      const offset = cause.pos[0];
      const line = Number.isInteger(offset) ? text.slice(0, offset).split('\n').length : undefined;
      return { ok: false, reason: cause.message.split('\n')[0] ?? cause.message, ...(line !== undefined ? { line } : {}) };
    }
    return { ok: false, reason: (cause as Error).message };
  }
}
