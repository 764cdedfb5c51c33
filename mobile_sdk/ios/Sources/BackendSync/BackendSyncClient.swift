// A thin Swift face over the generated bindings (BackendSync.swift, made by uniffi-bindgen
// from the Rust library): opening in a directory, a closure for events, and async versions
// of the calls that talk to the network. Every generated call blocks; these run it off the
// caller's thread.

import Foundation

/// Calls a closure with each event, on a thread of the SDK's own (hop to the main actor to
/// touch the UI).
public final class ClosureListener: SyncListener, @unchecked Sendable {
    private let handler: @Sendable (SyncEvent) -> Void

    public init(_ handler: @escaping @Sendable (SyncEvent) -> Void) {
        self.handler = handler
    }

    public func onEvent(event: SyncEvent) {
        handler(event)
    }
}

extension BackendSyncClient {
    /// Opens (creating on first use) the client in `directory` (under Application Support),
    /// with the app's key store (the iOS Keychain).
    public static func open(
        directory: URL,
        keyStore: KeyStore,
        automaticSync: Bool = true
    ) throws -> BackendSyncClient {
        let settings = ClientSettings(
            dataDir: directory.path, automaticSync: automaticSync, syncIntervalSecs: 5)
        return try BackendSyncClient.withSettings(settings: settings, keyStore: keyStore)
    }

    /// Calls `handler` with each event from now on.
    public func onEvent(_ handler: @escaping @Sendable (SyncEvent) -> Void) throws {
        try addListener(listener: ClosureListener(handler))
    }

    /// `pair`, off the caller's thread.
    public func pair(hostedUrl: URL, code: String, expectedHostedKeyId: String? = nil)
        async throws -> Pairing
    {
        try await Task.detached {
            try self.pair(
                hostedUrl: hostedUrl.absoluteString, pairingCode: code,
                expectedHostedKeyId: expectedHostedKeyId)
        }.value
    }

    /// `syncNow`, off the caller's thread.
    public func sync() async throws -> [PeerSyncResult] {
        try await Task.detached { try self.syncNow() }.value
    }
}
