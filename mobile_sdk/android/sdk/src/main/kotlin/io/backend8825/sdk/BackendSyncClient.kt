// A small Kotlin face over the generated bindings (io.backend8825.sdk.ffi, made by
// uniffi-bindgen from the Rust library): default arguments, a lambda for events, a
// fun interface for the key store, AutoCloseable. Every call blocks: call it from a
// background thread or Dispatchers.IO, never from the main thread.
package io.backend8825.sdk

import io.backend8825.sdk.ffi.BackendSyncClient as FfiClient
import io.backend8825.sdk.ffi.ClientSettings
import io.backend8825.sdk.ffi.ClientStatus
import io.backend8825.sdk.ffi.Conversation
import io.backend8825.sdk.ffi.ConversationDetail
import io.backend8825.sdk.ffi.ConversationPage
import io.backend8825.sdk.ffi.E2eStatus
import io.backend8825.sdk.ffi.EventLevel
import io.backend8825.sdk.ffi.Identity
import io.backend8825.sdk.ffi.KeyStore
import io.backend8825.sdk.ffi.Message
import io.backend8825.sdk.ffi.PeerSyncResult
import io.backend8825.sdk.ffi.Pairing
import io.backend8825.sdk.ffi.SyncEvent
import io.backend8825.sdk.ffi.SyncListener
import io.backend8825.sdk.ffi.TelemetryEvent
import java.io.File

/** Where the app keeps secrets: the Android Keystore (wrapping values it stores), or files in tests. */
interface SecretStore {
    fun get(name: String): String?
    fun set(name: String, value: String)
    fun delete(name: String)
}

/**
 * This device's sync client. Open it once per data directory (the app's files dir), start it
 * when the app comes to the front, stop it when it leaves, close it when done.
 */
class BackendSyncClient private constructor(private val inner: FfiClient) : AutoCloseable {
    constructor(
        dataDir: File,
        secrets: SecretStore,
        automaticSync: Boolean = true,
        syncIntervalSecs: Int = 5,
    ) : this(
        FfiClient.withSettings(
            ClientSettings(dataDir.path, automaticSync, syncIntervalSecs.toUInt()),
            SecretStoreAdapter(secrets),
        ),
    )

    val identity: Identity get() = inner.identity()

    companion object {
        /** A new recovery code for [enableEncryption] (160 random bits, in groups of four). */
        fun newRecoveryCode(): String = io.backend8825.sdk.ffi.newRecoveryCode()
    }

    /** Pairs with the hosted backend using a pairing code from the user's account there. */
    fun pair(hostedUrl: String, code: String, expectedHostedKeyId: String? = null): Pairing =
        inner.pair(hostedUrl, code, expectedHostedKeyId)

    /** Syncs with every paired hosted backend now; what each did. */
    fun syncNow(): List<PeerSyncResult> = inner.syncNow()

    fun start() = inner.start()
    fun stop() = inner.stop()
    fun pause() = inner.pause()
    fun resume() = inner.resume()
    fun status(): ClientStatus = inner.status()
    fun revoke(): List<String> = inner.revoke()

    /** Calls [onEvent] with each event, on a thread of the SDK's own. */
    fun onEvent(onEvent: (SyncEvent) -> Unit) =
        inner.addListener(object : SyncListener {
            override fun onEvent(event: SyncEvent) = onEvent(event)
        })

    fun emit(
        name: String,
        level: EventLevel = EventLevel.INFO,
        durationMs: Double? = null,
        attributes: Map<String, String> = emptyMap(),
    ) = inner.emit(TelemetryEvent(name, level, durationMs, attributes))

    fun conversations(limit: Int? = null, cursor: String? = null): ConversationPage =
        inner.listConversations(limit?.toUInt(), cursor)

    fun conversation(id: String): ConversationDetail = inner.getConversation(id)
    fun createConversation(title: String = ""): Conversation = inner.createConversation(title)
    fun rename(id: String, title: String): Conversation = inner.updateTitle(id, title)
    fun deleteConversation(id: String) = inner.deleteConversation(id)

    fun addMessage(conversationId: String, content: String, role: String = "user"): Message =
        inner.createMessage(conversationId, role, content)

    fun editMessage(conversationId: String, id: String, content: String): Message =
        inner.editMessage(conversationId, id, content)

    fun deleteMessage(conversationId: String, id: String) = inner.deleteMessage(conversationId, id)

    /** End-to-end encryption with each paired hosted backend. */
    fun encryption(): List<E2eStatus> = inner.e2eStatus()

    /** Encrypts the account from this device, once per account; show [recoveryCode] (from
     * [newRecoveryCode]) to the user once, and never store it. */
    fun enableEncryption(recoveryCode: String): E2eStatus = inner.e2eEnable(recoveryCode)

    /** Gets the account's key with its recovery code ([check]: only checks the code). */
    fun recoverKey(recoveryCode: String, check: Boolean = false): E2eStatus =
        inner.e2eRecover(recoveryCode, check)

    override fun close() = inner.close()
}

private class SecretStoreAdapter(private val secrets: SecretStore) : KeyStore {
    override fun get(name: String): String? = secrets.get(name)
    override fun set(name: String, value: String) = secrets.set(name, value)
    override fun delete(name: String) = secrets.delete(name)
}
