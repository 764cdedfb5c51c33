// swift-tools-version:5.9
// The SDK as a Swift package: the Rust library as an XCFramework (built by
// build-xcframework.sh on a Mac), the generated bindings and the thin wrapper as Swift.
import PackageDescription

let package = Package(
    name: "BackendSync",
    platforms: [.iOS(.v15), .macOS(.v12)],
    products: [
        .library(name: "BackendSync", targets: ["BackendSync"])
    ],
    targets: [
        // Static libraries for iOS devices and the simulator, with the C header and the
        // module map of BackendSyncFFI/include.
        .binaryTarget(name: "BackendSyncFFI", path: "BackendSyncFFI.xcframework"),
        .target(
            name: "BackendSync",
            dependencies: ["BackendSyncFFI"],
            path: "Sources/BackendSync"
        ),
    ]
)
