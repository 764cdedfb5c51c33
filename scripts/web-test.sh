#!/usr/bin/env bash
# The web UI's checks: the TypeScript type-checks (with the API types generated from the
# daemons' OpenAPI documents), a fresh build of web/ reproduces the committed web/dist byte for
# byte (the daemon embeds web/dist, so `cargo build` needs no Node), the unit tests of
# webAdapter.ts, the generated API types are what the debug binary's documents make, and the
# browser tests: Debian's Chromium, headless, driven by playwright-core against a real hosted
# and a real local daemon (the debug binary), and, in the cross-platform test, a device on the
# mobile SDK (its Python bindings, generated here from the debug FFI library).
#
# Installs what it needs when missing: Debian's chromium (as root, with apt-get) and web/'s
# npm packages (`npm ci`, from package-lock.json). Nothing here downloads a browser build.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

export CHROMIUM_PATH="${CHROMIUM_PATH:-/usr/bin/chromium}"
# playwright-core never downloads browsers; say so anyway, for any tool that looks.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
  apt_install nodejs npm
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
if [ "$node_major" -lt 20 ]; then
  echo "web/ needs Node 20 or newer (found $(node --version))" >&2
  exit 1
fi
if [ ! -x "$CHROMIUM_PATH" ]; then
  apt_install chromium
fi

step "npm ci (web/)"
(cd web && npm ci --no-audit --no-fund --loglevel=error)

step "type-check web/ (tsc --noEmit; src/ and test/, the generated API types included)"
(cd web && npm run --silent typecheck)

step "web/dist is what a fresh build makes"
(cd web && npm run --silent build)
if ! git diff --exit-code --stat -- web/dist || [ -n "$(git status --porcelain -- web/dist)" ]; then
  echo "web/dist differs from a fresh build: run 'cd web && npm run build' and commit web/dist" >&2
  git status --short -- web/dist >&2
  exit 1
fi

step "webAdapter unit tests"
(cd web && npm run --silent test)

# Whether the binary embeds every file of this web/dist.
embeds_dist() {
  node -e '
    const fs = require("fs"), path = require("path");
    const bin = fs.readFileSync(process.argv[1]);
    const walk = (d) => fs.readdirSync(d, { withFileTypes: true })
      .flatMap((e) => e.isDirectory() ? walk(path.join(d, e.name)) : [path.join(d, e.name)]);
    const missing = walk("web/dist").filter((f) => bin.indexOf(fs.readFileSync(f)) < 0);
    if (missing.length) { console.error("not embedded: " + missing.join(", ")); process.exit(1); }
  ' "$1"
}

step "cargo build (the daemon the browser tests run)"
bin_dir="$(mktemp -d)"
trap 'rm -rf "$bin_dir"' EXIT
cargo build --locked --bin backend-8825
# A private copy: another checkout of this crate building into the same shared target dir
# replaces target/debug/backend-8825 with its own (and cargo may then take that build as
# fresh for this one). Such a binary lacks this web/dist: rebuild it once.
cp "$CARGO_TARGET_DIR/debug/backend-8825" "$bin_dir/"
if ! embeds_dist "$bin_dir/backend-8825"; then
  echo "the binary in the target dir is another checkout's build: rebuilding" >&2
  touch src/ui.rs
  cargo build --locked --bin backend-8825
  cp "$CARGO_TARGET_DIR/debug/backend-8825" "$bin_dir/"
  embeds_dist "$bin_dir/backend-8825"
fi

step "the generated API types are what this binary's OpenAPI documents make"
gen_dir="$bin_dir/gen-api"
(cd web && BACKEND_8825_BIN="$bin_dir/backend-8825" node scripts/gen-api.mjs --out "$gen_dir")
stale=""
for file in openapi-local.gen.d.ts openapi-hosted.gen.d.ts; do
  if ! diff -u "web/src/adapters/$file" "$gen_dir/$file" >&2; then
    stale="$stale web/src/adapters/$file"
  fi
done
if [ -n "$stale" ]; then
  echo "not what the daemon's OpenAPI documents make:$stale; regenerate them with" \
    "'cd web && npm run gen:api' (it builds the debug binary first) and commit them" >&2
  exit 1
fi

# The cross-platform test drives a device on the mobile SDK through its Python bindings: the
# FFI library and the bindings it generates, copied beside the daemon's private copy.
step "cargo build: the SDK library and its Python bindings (the cross-platform test)"
command -v python3 >/dev/null || apt_install python3
cargo build --locked -p backend-8825-ffi --features cli
sdk_python="$bin_dir/sdk-python"
"$CARGO_TARGET_DIR/debug/uniffi-bindgen" generate --library \
  "$CARGO_TARGET_DIR/debug/libbackend_8825_ffi.so" --language python --no-format \
  --out-dir "$sdk_python" >/dev/null
cp "$CARGO_TARGET_DIR/debug/libbackend_8825_ffi.so" "$sdk_python/"

step "browser tests (Chromium, headless)"
(cd web && BACKEND_8825_BIN="$bin_dir/backend-8825" BACKEND_8825_SDK_PYTHONPATH="$sdk_python" \
  npm run --silent test:browser)
