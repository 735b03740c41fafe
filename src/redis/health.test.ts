import { Writable } from 'node:stream';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { RedisHealth } from './health.js';

function memoryLog() {
  const lines: Array<{ level: number; msg: string; errors?: number }> = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as { level: number; msg: string });
      done();
    },
  });
  return { lines, log: pino({ level: 'info' }, stream) };
}

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:6379'), { code: 'ECONNREFUSED' });
const settle = () => new Promise((resolve) => setTimeout(resolve, 10));

describe('RedisHealth', () => {
  it('logs a lost connection once, then once per interval with the count it held back, and its return once', async () => {
    const { lines, log } = memoryLog();
    const health = new RedisHealth(log, 60);
    const events: string[] = [];
    health.on('down', () => events.push('down'));
    health.on('up', () => events.push('up'));
    for (let attempt = 0; attempt < 40; attempt += 1) health.report('worker poll', refused);
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(health.isDown).toBe(true);
    health.restored();
    await settle();
    const messages = lines.map((line) => line.msg);
    expect(messages[0]).toBe('redis connection lost; reconnecting');
    expect(messages.filter((message) => message === 'redis still unavailable; reconnecting').length).toBeGreaterThanOrEqual(1);
    expect(messages.filter((message) => message === 'redis still unavailable; reconnecting').length).toBeLessThanOrEqual(3);
    expect(messages.at(-1)).toBe('redis connection restored');
    expect(lines.find((line) => line.msg === 'redis still unavailable; reconnecting')?.errors).toBe(39);
    expect(events).toEqual(['down', 'up']);
    health.stop();
  });

  it('logs errors that do not mean "Redis is away" as they come', async () => {
    const { lines, log } = memoryLog();
    const health = new RedisHealth(log, 60);
    health.report('worker poll', new Error('Missing lock for job 7'));
    health.report('worker poll', new Error('Missing lock for job 8'));
    await settle();
    expect(lines.map((line) => line.msg)).toEqual(['redis client error', 'redis client error']);
    expect(health.isDown).toBe(false);
  });

  it('is silent once stopped (closing connections on shutdown is not an outage)', async () => {
    const { lines, log } = memoryLog();
    const health = new RedisHealth(log, 60);
    health.stop();
    health.report('redis', refused);
    await settle();
    expect(lines).toEqual([]);
  });
});
