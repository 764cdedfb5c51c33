// Builds web/dist: the compiled TypeScript, the static files, and the charting library
// (uPlot, from node_modules, served from /ui/vendor/: no network at run time), nothing else. The daemon
// embeds dist/ as it is committed, so the output must depend only on the sources and the
// locked compiler: no timestamps, no source maps, no absolute paths.
import { execFileSync } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
rmSync(dist, { recursive: true, force: true });
execFileSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', join(root, 'tsconfig.json')], {
  stdio: 'inherit',
});
cpSync(join(root, 'static'), dist, { recursive: true });
const uplot = join(root, 'node_modules/uplot');
for (const [from, to] of [
  ['dist/uPlot.iife.min.js', 'vendor/uPlot.iife.min.js'],
  ['dist/uPlot.min.css', 'vendor/uPlot.min.css'],
  ['LICENSE', 'vendor/uPlot.LICENSE.txt'],
]) {
  cpSync(join(uplot, from), join(dist, to));
}
