#!/usr/bin/env bash
# The mobile SDK's checks (docs/sdk.md): the FFI crate (sdk/ffi) built in debug, its bindings
# generated with its own uniffi-bindgen, then
#  - Python: the bindings loaded with plain python3, pair / write / sync / read / telemetry
#    against the real backend-8825 binary in the hosted profile, on SQLite and on Postgres;
#  - Kotlin: the bindings, the Android module's wrapper and a test compiled with kotlinc and
#    run on the JVM (JNA) against the real hosted binary, on SQLite and on Postgres;
#  - Swift: the committed bindings (mobile_sdk/ios) are what the library generates, and the C
#    header compiles and links against the library with gcc. Swift itself cannot be compiled
#    here (no Swift toolchain on Linux CI): see mobile_sdk/ios/README.md.
#
# Postgres: DATABASE_URL as scripts/test.sh sets it (each run makes its own schemas in it).
# Installs what it needs when missing: python3, psql, gcc, a JRE, Debian's libjna-java, npm (as
# root, with apt-get), and the Kotlin compiler (npm kotlin-compiler, into a cache under
# $CARGO_TARGET_DIR, outside the checkout).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/lib.sh

target="$CARGO_TARGET_DIR/debug"
gen="$CARGO_TARGET_DIR/sdk-gen"
kotlin_version=2.4.20
kotlin_home="$CARGO_TARGET_DIR/sdk-tools/kotlin-$kotlin_version/node_modules/kotlin-compiler"
jna=/usr/share/java/jna.jar

missing=()
command -v python3 >/dev/null || missing+=(python3)
command -v psql >/dev/null || missing+=(postgresql-client)
command -v gcc >/dev/null || missing+=(gcc)
# kotlinc runs on the JVM and needs no javac.
command -v java >/dev/null || missing+=(openjdk-17-jre-headless)
[ -f "$jna" ] || missing+=(libjna-java)
command -v npm >/dev/null || missing+=(nodejs npm)
if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
if [ ! -f "$kotlin_home/lib/kotlin-compiler.jar" ]; then
  step "npm kotlin-compiler@$kotlin_version (into $CARGO_TARGET_DIR/sdk-tools)"
  npm install --no-audit --no-fund --loglevel=error \
    --prefix "$CARGO_TARGET_DIR/sdk-tools/kotlin-$kotlin_version" "kotlin-compiler@$kotlin_version"
fi

step "cargo build: the daemon, the SDK library and its uniffi-bindgen (debug)"
cargo build --locked --bin backend-8825
cargo build --locked -p backend-8825-ffi --features cli
library="$target/libbackend_8825_ffi.so"

step "bindings: Python, Kotlin, Swift"
rm -rf "$gen"
for language in python kotlin swift; do
  "$target/uniffi-bindgen" generate --library "$library" --language "$language" --no-format \
    --out-dir "$gen/$language" >/dev/null
done
# The Python module loads the library from its own directory.
ln -sf "$library" "$gen/python/"

# A hosted daemon for the Kotlin test, until the function returns.
hosted_pid=
stop_hosted() {
  if [ -n "$hosted_pid" ]; then kill "$hosted_pid" 2>/dev/null || true; wait "$hosted_pid" || true; fi
  hosted_pid=
}
trap stop_hosted EXIT

start_hosted() {
  local info="$gen/hosted-$1.json"
  rm -f "$info"
  python3 sdk/tests/hosted.py "$target/backend-8825" "$1" "$info" &
  hosted_pid=$!
  for _ in $(seq 1 600); do
    [ -f "$info" ] && break
    kill -0 "$hosted_pid" 2>/dev/null || { echo "the hosted daemon did not start" >&2; exit 1; }
    sleep 0.1
  done
  [ -f "$info" ] || { echo "the hosted daemon did not start in time" >&2; exit 1; }
  BACKEND_8825_HOSTED_URL="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["base"])' "$info")"
  BACKEND_8825_HOSTED_TOKEN="$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["token"])' "$info")"
  export BACKEND_8825_HOSTED_URL BACKEND_8825_HOSTED_TOKEN
}

databases=(sqlite)
if [ -n "${DATABASE_URL:-}" ]; then
  databases+=(postgres)
elif [ -n "${BACKEND_8825_REQUIRE_POSTGRES:-}" ]; then
  echo "BACKEND_8825_REQUIRE_POSTGRES is set but DATABASE_URL is not" >&2
  exit 1
fi

step "Python: pair, sync both ways, telemetry (${databases[*]})"
BACKEND_8825_BIN="$target/backend-8825" PYTHONPATH="$gen/python" \
  python3 -W error::ResourceWarning sdk/tests/python/test_sdk.py -v

step "Kotlin: compile the bindings, the Android wrapper and the test with kotlinc"
android=mobile_sdk/android/sdk/src
java -Xmx1g -cp "$kotlin_home/lib/kotlin-compiler.jar:$kotlin_home/lib/kotlin-stdlib.jar" \
  org.jetbrains.kotlin.cli.jvm.K2JVMCompiler -kotlin-home "$kotlin_home" -no-reflect -nowarn \
  -jvm-target 17 -cp "$jna" -d "$gen/kotlin-test.jar" \
  "$gen/kotlin/io/backend8825/sdk/ffi/backend_8825_ffi.kt" \
  "$android/main/kotlin/io/backend8825/sdk/BackendSyncClient.kt" \
  "$android/test/kotlin/io/backend8825/sdk/PairAndSyncTest.kt"
for db in "${databases[@]}"; do
  step "Kotlin: pair and sync on the JVM ($db)"
  start_hosted "$db"
  java -Djna.library.path="$target" \
    -cp "$gen/kotlin-test.jar:$kotlin_home/lib/kotlin-stdlib.jar:$jna" \
    io.backend8825.sdk.PairAndSyncTestKt
  stop_hosted
done

step "Swift: the committed bindings are what the library generates"
ios=mobile_sdk/ios
stale=0
for pair in "BackendSync.swift:$ios/Sources/BackendSync/BackendSync.swift" \
  "BackendSyncFFI.h:$ios/BackendSyncFFI/include/BackendSyncFFI.h" \
  "BackendSyncFFI.modulemap:$ios/BackendSyncFFI/include/module.modulemap"; do
  if ! diff -q "$gen/swift/${pair%%:*}" "${pair#*:}" >/dev/null; then
    echo "${pair#*:} differs from the generated ${pair%%:*}" >&2
    stale=1
  fi
done
if [ "$stale" = 1 ]; then
  echo "refresh them: cp $gen/swift/BackendSync.swift $ios/Sources/BackendSync/ and the header and" \
    "module map into $ios/BackendSyncFFI/include/ (module.modulemap)" >&2
  exit 1
fi

step "Swift: the C header compiles and links against the library (gcc)"
# The contract version the Swift bindings expect must be the library's.
expected="$(sed -n 's/.*let bindings_contract_version = \([0-9]*\).*/\1/p' "$ios/Sources/BackendSync/BackendSync.swift")"
cat > "$gen/header_check.c" <<C
#include <stdio.h>
#include "BackendSyncFFI.h"

int main(void) {
    uint32_t version = ffi_backend_8825_ffi_uniffi_contract_version();
    if (version != $expected) {
        fprintf(stderr, "contract version %u, the Swift bindings expect $expected\n", version);
        return 1;
    }
    printf("C header: contract version %u\n", version);
    return 0;
}
C
gcc -std=c11 -Wall -Werror -D_Nonnull= -D_Nullable= -I "$ios/BackendSyncFFI/include" \
  "$gen/header_check.c" -L "$target" -lbackend_8825_ffi -Wl,-rpath,"$target" \
  -o "$gen/header_check"
"$gen/header_check"

echo
echo "SDK checks passed"
