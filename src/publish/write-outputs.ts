/** Atomic writes of published documents: temp file, fsync, rename; nothing when unchanged. */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

/** Write `content` to `path` unless it already holds exactly that; true when written. */
export async function writeIfChanged(path: string, content: string): Promise<boolean> {
  const existing = await readFile(path, 'utf8').catch(() => null);
  if (existing === content) return false;
  await mkdir(dirname(path), { recursive: true });
  const temp = join(dirname(path), `.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, 'w', 0o644);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync(); // durable before the rename makes it visible
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return true;
}
