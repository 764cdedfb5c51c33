#!/usr/bin/env bash
# Builds BackendSyncFFI.xcframework on a Mac with Xcode and rustup: the Rust library for iOS
# devices and for the simulator (arm64 and x86_64 in one), with the generated C header and
# module map, and regenerates the Swift bindings from the same build. Not run by the
# project's test suite (its machines are Linux, without Xcode or Swift).
set -euo pipefail
cd "$(dirname "$0")"
root="$(cd ../.. && pwd)"
target="${CARGO_TARGET_DIR:-$root/target}"

rustup target add aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios
for triple in aarch64-apple-ios aarch64-apple-ios-sim x86_64-apple-ios; do
  cargo build --manifest-path "$root/Cargo.toml" -p backend-8825-ffi --release --target "$triple"
done

# The bindings, from the device library (the same code for every target).
cargo run --manifest-path "$root/Cargo.toml" -p backend-8825-ffi --features cli \
  --bin uniffi-bindgen -- generate --library "$target/aarch64-apple-ios/release/libbackend_8825_ffi.a" \
  --language swift --out-dir "$target/swift-bindings"
cp "$target/swift-bindings/BackendSync.swift" Sources/BackendSync/BackendSync.swift
cp "$target/swift-bindings/BackendSyncFFI.h" BackendSyncFFI/include/BackendSyncFFI.h
cp "$target/swift-bindings/BackendSyncFFI.modulemap" BackendSyncFFI/include/module.modulemap

# One simulator library for both simulator architectures.
mkdir -p "$target/ios-sim"
lipo -create \
  "$target/aarch64-apple-ios-sim/release/libbackend_8825_ffi.a" \
  "$target/x86_64-apple-ios/release/libbackend_8825_ffi.a" \
  -output "$target/ios-sim/libbackend_8825_ffi.a"

rm -rf BackendSyncFFI.xcframework
xcodebuild -create-xcframework \
  -library "$target/aarch64-apple-ios/release/libbackend_8825_ffi.a" -headers BackendSyncFFI/include \
  -library "$target/ios-sim/libbackend_8825_ffi.a" -headers BackendSyncFFI/include \
  -output BackendSyncFFI.xcframework
echo "built $(pwd)/BackendSyncFFI.xcframework"
