// `npx tsx bench/cpu-profile.ts FILE.cpuprofile [--top 25]`: where a process's time went, from a
// V8 CPU profile (`node --cpu-prof`): idle, garbage collection, and self time by package (or by our
// own folder), then the heaviest functions. The README's "Benchmark" quotes it for the API.
import fs from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const { values, positionals } = parseArgs({ allowPositionals: true, options: { top: { type: 'string', default: '25' } } });
const file = positionals[0];
if (!file) throw new Error('usage: tsx bench/cpu-profile.ts FILE.cpuprofile [--top 25]');
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));

/** A package under node_modules, our own top folder, node's internals, or V8's pseudo-frames. */
function where(url: string, fn: string): string {
  if (!url) return `(${fn || 'anonymous'})`;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  if (url.startsWith('node:')) return 'node internals';
  const own = /\/(api|activities|db|domain|workflows|worker|bench|scripts)\//.exec(url);
  return own ? `our ${own[1]}/` : 'other';
}

const byPlace = new Map<string, number>();
const byFunction = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  const node = byId.get(id)!;
  const { functionName, url, lineNumber } = node.callFrame;
  total += dt;
  const place = where(url, functionName);
  byPlace.set(place, (byPlace.get(place) ?? 0) + dt);
  const fn = `${functionName || '(anonymous)'} ${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*?\/(api|db|bench|workflows|domain)\//, '$1/')}:${lineNumber + 1}`;
  byFunction.set(fn, (byFunction.get(fn) ?? 0) + dt);
});

const pct = (us: number) => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
const top = Number(values.top);
console.log(`${(total / 1e6).toFixed(1)} s sampled`);
for (const [k, v] of [...byPlace].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);
console.log('\nheaviest functions (self time)');
for (const [k, v] of [...byFunction].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}  ${k}`);
