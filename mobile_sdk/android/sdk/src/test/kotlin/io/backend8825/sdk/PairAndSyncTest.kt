// Pairs and syncs through the Kotlin wrapper against a real hosted backend-8825 (the binary,
// started by scripts/sdk-test.sh, which passes its address and an account token in
// BACKEND_8825_HOSTED_URL and BACKEND_8825_HOSTED_TOKEN). Compiled with kotlinc and run with
// plain `java`: no Gradle, no JUnit, so it runs where no Android SDK is installed. Exits
// non-zero on the first failed check.
package io.backend8825.sdk

import io.backend8825.sdk.ffi.SdkException
import io.backend8825.sdk.ffi.SyncEvent
import java.io.File
import java.net.URI
import java.net.http.HttpClient
import java.net.http.HttpRequest
import java.net.http.HttpResponse
import java.nio.file.Files
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import kotlin.system.exitProcess

class FileSecrets(private val dir: File) : SecretStore {
    init {
        dir.mkdirs()
    }

    override fun get(name: String): String? = File(dir, name).takeIf { it.exists() }?.readText()
    override fun set(name: String, value: String) = File(dir, name).writeText(value)
    override fun delete(name: String) {
        File(dir, name).delete()
    }
}

class Hosted(private val base: String, private val token: String) {
    private val http = HttpClient.newHttpClient()

    fun call(method: String, path: String, json: String? = null): Pair<Int, String> {
        val body = json?.let { HttpRequest.BodyPublishers.ofString(it) }
            ?: HttpRequest.BodyPublishers.noBody()
        val request = HttpRequest.newBuilder(URI.create(base + path))
            .header("Authorization", "Bearer $token")
            .header("Content-Type", "application/json")
            .method(method, body)
            .build()
        val response = http.send(request, HttpResponse.BodyHandlers.ofString())
        return response.statusCode() to response.body()
    }

    fun pairingCode(): String {
        val (status, body) = call("POST", "/pairing-codes")
        check(status == 201) { "pairing code: $status $body" }
        return Regex("\"code\":\"([^\"]+)\"").find(body)!!.groupValues[1]
    }
}

fun check(condition: Boolean, what: () -> String) {
    if (!condition) {
        System.err.println("FAILED: ${what()}")
        exitProcess(1)
    }
}

fun main() {
    val base = System.getenv("BACKEND_8825_HOSTED_URL")
    val hosted = Hosted(base, System.getenv("BACKEND_8825_HOSTED_TOKEN"))
    val work = Files.createTempDirectory("kotlin-sdk").toFile()
    val client = BackendSyncClient(
        File(work, "phone"),
        FileSecrets(File(work, "keys")),
        automaticSync = false,
    )
    client.use {
        val events = LinkedBlockingQueue<SyncEvent>()
        client.onEvent { events.put(it) }

        val notPaired = runCatching { client.syncNow() }.exceptionOrNull()
        check(notPaired is SdkException.NotPaired) { "sync before pairing: $notPaired" }

        // The three lines of the README.
        val pairing = client.pair(base, hosted.pairingCode())
        val conversation = client.createConversation("From Kotlin")
        client.addMessage(conversation.id, "hello from the JVM")
        val pushed = client.syncNow().single().summary!!.pushed
        check(pushed == 2u) { "pushed $pushed" }

        val (_, listed) = hosted.call("GET", "/api/conversations")
        check(listed.contains("\"title\":\"From Kotlin\"")) { "hosted list: $listed" }
        val path = "/api/conversations/${conversation.id}/messages"
        val (_, messages) = hosted.call("GET", path)
        check(messages.contains("hello from the JVM")) { "hosted messages: $messages" }

        val reply = """{"role":"assistant","content":"hello from the web"}"""
        val (status, _) = hosted.call("POST", path, reply)
        check(status == 201) { "hosted write: $status" }
        val pulled = client.syncNow().single().summary!!.pulled
        check(pulled == 1u) { "pulled $pulled" }
        val read = client.conversation(conversation.id).messages.map { it.content }
        check(read == listOf("hello from the JVM", "hello from the web")) { "read $read" }

        var changed: SyncEvent? = null
        while (changed == null) {
            val event = events.poll(20, TimeUnit.SECONDS)
            check(event != null) { "no DataChanged event" }
            if (event is SyncEvent.DataChanged) changed = event
        }

        check(client.revoke() == listOf(pairing.peerId)) { "revoke" }
        val (_, peers) = hosted.call("GET", "/peers")
        check(peers.contains("\"status\":\"revoked\"")) { "hosted peers: $peers" }
    }
    work.deleteRecursively()
    println("kotlin: paired, synced both ways, revoked")
}
