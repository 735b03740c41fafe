/** The functions that cost the most CPU in a V8 .cpuprofile (node --cpu-prof), by self time. */
import { readFile } from 'node:fs/promises';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Self time by area: a package under node_modules, a folder of ours, node's internals. */
function areaOf(url: string, functionName: string): string {
  const modules = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (modules?.[1]) return modules[1];
  const ours = /\/dist\/((?:src\/)?[^/]+)/.exec(url);
  if (ours?.[1]) return ours[1];
  if (url.startsWith('node:')) return 'node internals';
  return functionName.startsWith('(') ? functionName : 'native / other';
}

type CallFrame = Profile['nodes'][number]['callFrame'];

/** Self time summed by a key of each sample's call frame, the `count` largest first. */
async function selfTimeBy(path: string, count: number, keyOf: (frame: CallFrame) => string): Promise<string[]> {
  const profile = JSON.parse(await readFile(path, 'utf8')) as Profile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const totals = new Map<string, number>();
  let all = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[index] ?? 0;
    all += delta;
    if (!node) return;
    const key = keyOf(node.callFrame);
    totals.set(key, (totals.get(key) ?? 0) + delta);
  });
  return [...totals].sort((a, b) => b[1] - a[1]).slice(0, count).map(([key, micros]) => `${(micros / 1000).toFixed(0).padStart(6)} ms ${((micros / all) * 100).toFixed(1).padStart(5)}%  ${key}`);
}

export function selfTimeByArea(path: string, count: number): Promise<string[]> {
  return selfTimeBy(path, count, (frame) => areaOf(frame.url, frame.functionName));
}

export function topSelfTime(path: string, count: number): Promise<string[]> {
  return selfTimeBy(path, count, ({ functionName, url, lineNumber }) => {
    const where = url.replace(/^.*\/node_modules\//, '').replace(/^.*\/dist\//, '').replace(/^file:\/\//, '');
    return `${functionName || '(anonymous)'} ${where ? `${where}:${lineNumber + 1}` : ''}`.trim();
  });
}
