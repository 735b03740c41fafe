/** A child process's stderr, line by line, with waits on what it says. */
import type { ChildProcess } from 'node:child_process';

export class ProcessLog {
  readonly lines: string[] = [];
  private partial = '';
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    child.stderr?.on('data', (chunk: Buffer) => {
      const text = this.partial + chunk.toString();
      const parts = text.split('\n');
      this.partial = parts.pop() ?? '';
      this.lines.push(...parts.filter((line) => line.trim() !== ''));
    });
    this.exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));
  }

  get text(): string {
    return this.lines.join('\n');
  }

  async waitFor(pattern: RegExp, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.find((candidate) => pattern.test(candidate));
      if (line) return line;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern} in:\n${this.text.slice(-3000)}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  /** Exit code, or throws when the process is still running after `timeoutMs`. */
  async exitWithin(timeoutMs: number): Promise<number | null> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`still running after ${timeoutMs} ms:\n${this.text.slice(-3000)}`)), timeoutMs);
    });
    try {
      return await Promise.race([this.exited, late]);
    } finally {
      clearTimeout(timer);
    }
  }
}
