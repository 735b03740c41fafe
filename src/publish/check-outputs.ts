/**
 * Can this process write its output folders? Checked at start-up, at every reload and by every
 * publish (issue 16: with output.dir under a file, start came up "ready" while every publish
 * failed ENOTDIR in the log only). A folder is made when missing; a probe file is written and
 * removed, so permissions, a file in the way and a read-only mount all show.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FeedaggError } from '../errors.js';

/** Folders that cannot be written, each with the reason, as one typed error (OUTPUT); null when all can. */
export async function checkOutputFolders(folders: string[]): Promise<FeedaggError | null> {
  const problems: string[] = [];
  for (const folder of new Set(folders)) {
    const probe = join(folder, `.feedagg-probe-${randomUUID()}`);
    try {
      await mkdir(folder, { recursive: true });
      await writeFile(probe, '');
    } catch (error) {
      problems.push(`${folder}: ${describeFsError(error)}`);
    } finally {
      await rm(probe, { force: true }).catch(() => undefined);
    }
  }
  return problems.length === 0 ? null : new FeedaggError('OUTPUT', `cannot write output folder ${problems.join('; ')} (check output.dir)`);
}

/** `ENOTDIR: a file is in the way`, without the syscall noise of Node's message. */
export function describeFsError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const reasons: Record<string, string> = {
    ENOTDIR: 'a file is in the way (a part of the path is not a folder)',
    EEXIST: 'a file is in the way',
    EACCES: 'permission denied',
    EPERM: 'permission denied',
    EROFS: 'read-only file system',
    ENOSPC: 'no space left on the device',
    EISDIR: 'a folder is where a file should be',
  };
  if (code && reasons[code]) return `${code}: ${reasons[code]}`;
  return error instanceof Error ? error.message : String(error);
}
