/**
 * Atomic writes of published documents, all or nothing: every changed document is written to
 * a temporary file (fsync'd) first, and only when all of them succeeded are they renamed into
 * place, so the outputs never disagree (a full disk once left a new feed.xml beside old
 * atom.xml and feed.json). Unchanged documents are not touched.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export interface OutputFile {
  path: string;
  body: string;
}

/** Temporary files are named `.<12 hex>.tmp`: only these are ever removed as stale. */
const TEMP_FILE = /^\.[0-9a-f]{12}\.tmp$/;

async function writeTemp(path: string, content: string): Promise<string> {
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
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  return temp;
}

/** Write every file whose content changed, all or nothing; returns the paths written. */
export async function writeAllIfChanged(files: OutputFile[]): Promise<string[]> {
  const changed: OutputFile[] = [];
  for (const file of files) {
    if ((await readFile(file.path, 'utf8').catch(() => null)) !== file.body) changed.push(file);
  }
  const temps: string[] = [];
  try {
    for (const file of changed) temps.push(await writeTemp(file.path, file.body));
  } catch (error) {
    await Promise.all(temps.map((temp) => rm(temp, { force: true })));
    throw error;
  }
  // Renames within one folder cannot fail for lack of space; each is atomic (POSIX rename(2)).
  for (const [index, file] of changed.entries()) await rename(temps[index] as string, file.path);
  return changed.map((file) => file.path);
}

/** Write `content` to `path` unless it already holds exactly that; true when written. */
export async function writeIfChanged(path: string, content: string): Promise<boolean> {
  return (await writeAllIfChanged([{ path, body: content }])).length > 0;
}

/** Remove temporary files a killed publish left behind in these folders (at start-up). */
export async function removeStaleTemps(folders: string[]): Promise<string[]> {
  const removed: string[] = [];
  for (const folder of new Set(folders)) {
    const names = await readdir(folder).catch(() => [] as string[]);
    for (const name of names) {
      if (!TEMP_FILE.test(name)) continue;
      await rm(join(folder, name), { force: true });
      removed.push(join(folder, name));
    }
  }
  return removed;
}
