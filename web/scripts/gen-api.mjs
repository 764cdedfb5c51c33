// Generates the TypeScript types of the daemon's API (src/adapters/openapi-{local,hosted}.gen.d.ts)
// from the OpenAPI document each mode serves, as `backend-8825 openapi --mode MODE` prints it,
// with openapi-typescript. The output depends only on the binary and the locked generator:
// the binary runs with a clean environment (no config file, no BACKEND_8825_* variables), its
// document's keys are sorted, and nothing here writes a time or a path.
//
//   node scripts/gen-api.mjs              builds the debug binary (cargo build), writes src/adapters/
//   node scripts/gen-api.mjs --out DIR    writes DIR instead (scripts/web-test.sh compares)
//
// BACKEND_8825_BIN names a binary to use instead of building one.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import openapiTS, { astToString } from 'openapi-typescript';

const web = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({ options: { out: { type: 'string' } } });
const out = values.out === undefined ? join(web, 'src/adapters') : resolve(values.out);

/** The binary: BACKEND_8825_BIN, else the debug build, built now (as the browser tests find
 * it: $CARGO_TARGET_DIR, else the checkout's target/). */
function binary() {
  if (process.env.BACKEND_8825_BIN) return process.env.BACKEND_8825_BIN;
  const root = join(web, '..');
  execFileSync('cargo', ['build', '--locked', '--bin', 'backend-8825'], { cwd: root, stdio: 'inherit' });
  const target = process.env.CARGO_TARGET_DIR ?? join(root, 'target');
  return join(target, 'debug/backend-8825');
}

/** `backend-8825 openapi --mode MODE`, run with only PATH and a temporary HOME. */
function document(bin, mode) {
  const home = mkdtempSync(join(tmpdir(), 'b8825-gen-api-'));
  try {
    const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, TMPDIR: home };
    const json = execFileSync(bin, ['openapi', '--mode', mode], { env, maxBuffer: 64 << 20 });
    return JSON.parse(json.toString('utf8'));
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

const bin = binary();
mkdirSync(out, { recursive: true });
for (const mode of ['local', 'hosted']) {
  const nodes = await openapiTS(document(bin, mode), { alphabetize: true, silent: true });
  const header =
    `// The ${mode} daemon's API, generated from its OpenAPI document by openapi-typescript:\n` +
    `// do not edit. Regenerate with \`npm run gen:api\` in web/ (docs/web-ui.md).\n\n`;
  const file = join(out, `openapi-${mode}.gen.d.ts`);
  writeFileSync(file, header + astToString(nodes));
  console.error(`wrote ${values.out === undefined ? `src/adapters/openapi-${mode}.gen.d.ts` : file}`);
}
