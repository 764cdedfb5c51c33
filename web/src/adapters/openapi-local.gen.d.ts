// The local daemon's API, generated from its OpenAPI document by openapi-typescript:
// do not edit. Regenerate with `npm run gen:api` in web/ (docs/web-ui.md).

export interface paths {
    "/": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /`: the web UI's page. */
        get: operations["index"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/alerts": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["alerts"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/conversations": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["list_conversations"];
        put?: never;
        post: operations["create_conversation"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/conversations/{id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["get_conversation"];
        put?: never;
        post?: never;
        delete: operations["delete_conversation"];
        options?: never;
        head?: never;
        patch: operations["update_conversation"];
        trace?: never;
    };
    "/api/conversations/{id}/messages": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["list_messages"];
        put?: never;
        post: operations["create_message"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/api/conversations/{id}/messages/{message_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        delete: operations["delete_message"];
        options?: never;
        head?: never;
        patch: operations["update_message"];
        trace?: never;
    };
    "/api/maestra/advisor/ask": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** `POST /api/maestra/advisor/ask` (local). */
        post: operations["ask"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/audit": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /audit`: the caller's audit entries, newest first. */
        get: operations["list_audit_entries"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/debug/sync/{peer_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["debug_sync"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/e2e": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["status"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/e2e/accept": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["accept"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/e2e/approve": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["approve"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/e2e/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["enable"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/e2e/recover": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["recover"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/e2e/request": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["request"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/e2e/requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["requests"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/e2e/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post: operations["rotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/health": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /health`. */
        get: operations["health"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/identity": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * `GET /identity`, for any state that can hand out the identity (the daemon's `AppState`
         *     does): identity is infrastructure and does not depend on the state's type.
         * @description Public, no authentication. The hosted profile lets any origin read it (a UI served by a
         *     local daemon detects the hosted backend this way); the local profile sends no CORS
         *     headers at all.
         */
        get: operations["identity"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/launch": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Spends a launch token: sets the session cookie and sends the browser to the UI. The
         *     one GET with an effect, by necessity (a URL opened in a browser); HEAD spends nothing.
         */
        get: operations["launch"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/launch-tokens": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * Issues a one-time launch URL. Only the Bearer secret may: a UI session cannot extend
         *     itself into more sessions.
         */
        post: operations["create_launch_token"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/metrics": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * `GET /metrics`: Prometheus text format (version 0.0.4).
         * @description The daemon's metrics in the Prometheus text exposition format: requests by route template and status, sync and telemetry counters, the outbox, peers by state, alerts firing, the database pool. No label carries a peer, account or message id. On a hosted daemon the bearer is `metrics.token` from the configuration; with none configured every request is refused (401 `metrics_disabled`). See docs/operations.md.
         */
        get: operations["metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/openapi.json": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /openapi.json`: the OpenAPI 3.1 document of this daemon's mode. */
        get: operations["serve"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/peers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * `GET /peers` (local): every peer of this daemon, with how sync with it stands and its
         *     network state (docs/sync.md, "Network states").
         */
        get: operations["list"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/peers/{peer_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        post?: never;
        /** `DELETE /peers/{peer_id}` (local). */
        delete: operations["revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/peers/{peer_id}/remote-binding": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * `GET /peers/{peer_id}/remote-binding` (local): asks the hosted peer, with a signed
         *     request, how it sees the binding, next to how this side sees it.
         */
        get: operations["remote_binding"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/peers/{peer_id}/renew": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** `POST /peers/{peer_id}/renew` (local): renew now rather than wait for the task. */
        post: operations["renew_now"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/peers/{peer_id}/sync": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** `POST /peers/{peer_id}/sync` (local): sync now. */
        post: operations["sync_now_route"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/privacy-settings": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /privacy-settings`: the settings in force. */
        get: operations["get"];
        /** `PUT /privacy-settings`: sets the fields given; the others keep their value. Audited. */
        put: operations["put"];
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/register-peer": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * `POST /register-peer` (local).
         * @description Pairs with a hosted backend: fetches and pins its identity, spends the pairing code there, and stores the grant (docs/protocol.md).
         */
        post: operations["register"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/session": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * Tells the UI's script its CSRF token. Other origins cannot read this answer: the daemon
         *     sends no CORS headers, and the cookie is SameSite=Strict.
         */
        get: operations["session"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sync/{peer_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** `POST /sync/{peer_id}` (both modes). */
        post: operations["respond"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/sync/metrics/{peer_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get: operations["sync_metrics"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/telemetry/status": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /telemetry/status` (local): the outbox's counts and each hosted peer's socket. */
        get: operations["telemetry_status"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/ui/{path}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * `GET /ui/{*path}`: one of the web UI's files. Mounted as a wildcard; the document lists
         *     it as `/ui/{path}` (OpenAPI has no wildcard), where `path` may contain `/`.
         */
        get: operations["asset"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
}
export type webhooks = Record<string, never>;
export interface components {
    schemas: {
        /** @description One alert, as `GET /alerts` lists it. */
        Alert: {
            /**
             * Format: int64
             * @description Unix ms, this daemon's clock.
             */
            fired_at: number;
            /** @description What is wrong and why, in words (the last error, the numbers). */
            message: string;
            /** Format: int64 */
            resolved_at?: number | null;
            /** @description The rule (`sync_lag`, `sync_consecutive_failures`, ...; docs/operations.md). */
            rule: string;
            /** @description `warning` or `critical`. */
            severity: string;
            /** @description `firing` or `resolved`. */
            state: string;
            /** @description The peer it is about, or `daemon`. */
            subject: string;
        };
        /** @description `GET /alerts`. */
        AlertsView: {
            /** @description Firing first (newest first), then the latest resolved. */
            alerts: components["schemas"]["Alert"][];
            /** @description How many are firing, by rule (every rule listed). */
            firing: {
                [key: string]: number;
            };
        };
        AskRequest: {
            conversation_id?: string | null;
            question: string;
        };
        AskResponse: {
            answer: components["schemas"]["MessageView"];
            conversation_id: string;
            question: components["schemas"]["MessageView"];
        };
        /** @description One entry of the audit log. */
        AuditEntryView: {
            account_id?: string | null;
            /** @description When it happened (for a coalesced refusal, the last repeat), RFC 3339. */
            at: string;
            /**
             * Format: int64
             * @description How many events the entry stands for: more than 1 for the repeats of a refusal
             *     within the coalescing window.
             */
            count: number;
            /** @description The refusal's code; for a checkpoint, what retention removed. */
            detail?: string | null;
            /**
             * @description What happened: `register_peer`, `renew_peer`, `peer_request`, `telemetry_upgrade`,
             *     `pairing_attempt`, `local_api`, `audit_checkpoint`.
             */
            event: string;
            /** @description SHA-256 over the entry's fields and `prev_hash` (docs/security.md). */
            hash?: string | null;
            /** Format: int64 */
            id: number;
            /**
             * @description The client's address, where there is one; `*` for refusals from several addresses
             *     counted together.
             */
            ip?: string | null;
            /** @description `ok` or `refused`. */
            outcome: string;
            peer_id?: string | null;
            /** @description The hash of the entry before it in the chain. */
            prev_hash?: string | null;
            /**
             * Format: int64
             * @description The entry's place in its chain (1, 2, ...).
             */
            seq?: number | null;
        };
        AuditPage: {
            entries: components["schemas"]["AuditEntryView"][];
            /**
             * Format: int64
             * @description Pass as `before` for the next (older) page; `null` on the last one.
             */
            next_before?: number | null;
        };
        /** @description A backend's stable id: 32 lowercase hex digits. */
        BackendId: string;
        /** @description The scheduler's wait before it tries a failing peer again. */
        Backoff: {
            /** @description The code of the failure that set it. */
            code: string;
            /**
             * Format: int32
             * @description Failed attempts in a row.
             */
            failures: number;
            /**
             * Format: int64
             * @description Unix milliseconds of the next attempt, on this daemon's clock.
             */
            next_attempt_at: number;
        };
        /** @description `GET /peers/{peer_id}/binding`: the binding as the answering side holds it. */
        BindingView: {
            account_id: string;
            hosted_id: string;
            hosted_key_id: string;
            kid: string;
            local_id: string;
            local_key_id: string;
            peer_id: string;
            /**
             * Format: int64
             * @description Unix seconds.
             */
            sbt_expires_at: number;
            status: string;
        };
        ConversationInput: {
            title?: string | null;
        };
        ConversationView: {
            created_at: string;
            /** @description Present, `true`, when the title is end-to-end encrypted (docs/e2e.md). */
            encrypted?: boolean;
            id: string;
            /** @description What to show instead of the encrypted text. */
            notice?: string | null;
            source_backend: string;
            /** @description `null` when the conversation is end-to-end encrypted (the hosted side cannot read it). */
            title?: string | null;
            updated_at: string;
        };
        /** @description A feed position in a store of the given epoch. */
        Cursor: {
            epoch: string;
            /** Format: int64 */
            seq: number;
        };
        /** @description Both sides' store epochs and this side's cursors for the peer. */
        CursorsView: {
            failing_since?: string | null;
            /**
             * Format: int64
             * @description This side's feed position now: `feed_head - push_seq` versions are after the peer's.
             */
            feed_head: number;
            last_error?: string | null;
            last_error_at?: string | null;
            last_error_code?: string | null;
            last_success_at?: string | null;
            /** @description This side's store epoch. */
            local_epoch: string;
            /** @description The peer's epoch that `pull_seq` counts in, and the one that acknowledged `push_seq`. */
            pull_epoch?: string | null;
            /** Format: int64 */
            pull_seq: number;
            push_epoch?: string | null;
            /** Format: int64 */
            push_seq: number;
        };
        /** @description How end-to-end encryption stands with one hosted peer, as this device sees it. */
        DeviceE2e: {
            account_id: string;
            account_key?: components["schemas"]["KeyRef"] | null;
            /**
             * @description Encryption was on already under this device's key (an enable whose answer was
             *     lost): the records were rewritten; the recovery code is the one made then.
             */
            already?: boolean;
            /** @description The recovery code opened the account's keyring; nothing was changed (`check`). */
            checked?: boolean;
            device_key?: components["schemas"]["KeyRef"] | null;
            /**
             * @description Whether the hosted side says the account is encrypted; `null` when it could not be
             *     asked (`hosted_error` says why).
             */
            enabled?: boolean | null;
            /** @description When the account was encrypted (RFC 3339). */
            enabled_at?: string | null;
            hosted_error?: string | null;
            peer_id: string;
            /** @description Records rewritten to sync sealed (enable only). */
            rewritten?: number | null;
            /**
             * @description Since when the account's key is due for a new epoch (a device was revoked): a device
             *     that holds the key rotates it (`POST /e2e/rotate`).
             */
            rotation_due?: string | null;
            /** @description Pulled versions set aside because they did not open here. */
            unopened: number;
        };
        /** @description A transfer request, as this device tells it. */
        DeviceTransfer: {
            /** Format: int32 */
            attempts_left: number;
            /** @description The requesting device's pairing id and registered identity key id. */
            device_peer_id: string;
            expires_at: string;
            key_id: string;
            /** @description The hosted peer the request went through. */
            peer_id: string;
            request_id: string;
            /** @description `pending`, `approved`, `accepted`, `failed` or `expired`. */
            state: string;
        };
        /**
         * @description Which side started an exchange: this daemon (`outbound`, a local daemon's sync) or the
         *     peer (`inbound`, a `POST /sync` answered here).
         * @enum {string}
         */
        Direction: "outbound" | "inbound";
        /**
         * @description `POST /e2e/enable`. The recovery code is made by the caller (the CLI shows it); this
         *     daemon uses it to seal the keyring and never answers it back.
         */
        EnableInput: {
            /** @description The hosted peer whose account to encrypt [default: the only active peer]. */
            peer_id?: string | null;
            /** @description A new recovery code (32 Crockford base32 characters, dashes and spaces ignored). */
            recovery_code: string;
        };
        /** @description The body of every error answer. */
        ErrorBody: {
            error: components["schemas"]["ErrorDetail"];
        };
        ErrorDetail: {
            /**
             * @description A stable, machine-readable code to branch on (`not_found`, `invalid_request`,
             *     `sync_paused`, ...); each route's answers name the codes it gives.
             */
            code: string;
            /** @description What went wrong and what to do, for people; never a secret. */
            message: string;
        };
        /**
         * @description One sync with a peer: on the calling side a whole sync (every round trip), on the
         *     answering side one request.
         */
        Exchange: {
            /**
             * Format: int64
             * @description Unix milliseconds when it ended, on this daemon's clock.
             */
            at: number;
            direction: components["schemas"]["Direction"];
            /** Format: double */
            duration_ms: number;
            /** @description The error code and message (never a secret: the codes and messages the API answers). */
            error_code?: string | null;
            error_message?: string | null;
            /** Format: int64 */
            pulled: number;
            /**
             * Format: int64
             * @description Versions sent to the peer, and taken from it.
             */
            pushed: number;
            /**
             * @description `ok`, `error`, or `paused` (refused because sync is paused on either end: not a
             *     failure).
             */
            status: string;
        };
        /** @description One backend's fingerprint. */
        Fingerprint: {
            backend_id: string;
            key_id: string;
        };
        Health: {
            database: string;
            mode: components["schemas"]["Mode"];
            status: string;
            version: string;
        };
        /** @description The public identity document, exactly as `GET /identity` serves it. */
        IdentityDocument: {
            backend_id: components["schemas"]["BackendId"];
            backend_type: components["schemas"]["Mode"];
            capabilities: string[];
            key_id: components["schemas"]["KeyId"];
            /**
             * @description Earlier identity keys still in their grace after a rotation, each with the
             *     statement it signed for its successor. Absent when there are none.
             */
            previous_keys?: components["schemas"]["PreviousKeyView"][];
            public_key: string;
            version: string;
        };
        /**
         * @description The old key's word for the new one. Every field but `signature` is signed (see
         *     [`KeyChange::transcript`]).
         */
        KeyChange: {
            backend_id: components["schemas"]["BackendId"];
            /**
             * Format: int64
             * @description Unix seconds.
             */
            created_at: number;
            new_key_id: components["schemas"]["KeyId"];
            /** @description PEM SubjectPublicKeyInfo of the new key. */
            new_public_key: string;
            /** @description The key that signs this statement. */
            old_key_id: components["schemas"]["KeyId"];
            /** @description RSASSA-PSS (SHA-256) by the old key over the transcript, unpadded base64url. */
            signature: string;
            /**
             * Format: int32
             * @description Always 1.
             */
            v: number;
            /**
             * Format: int64
             * @description Unix seconds: the end of the grace. No peer takes the statement after it.
             */
            valid_until: number;
        };
        /** @description Lowercase hex SHA-256 of a public key's DER SubjectPublicKeyInfo. */
        KeyId: string;
        /**
         * @description The key an account's envelopes are sealed under: its epoch and public id. A sync
         *     request carries the caller's, a sync answer the account's, so that each end notices a
         *     second key.
         */
        KeyRef: {
            /** @description 32 lowercase hex characters. */
            ck_id: string;
            /** Format: int32 */
            epoch: number;
        };
        /** @description How far behind sync with a peer is. */
        Lag: {
            /**
             * Format: int64
             * @description How far this side is behind the peer's feed, as of the peer's last answer (local:
             *     the hosted backend's feed after this side's pull cursor); `null` before an answer
             *     and on hosted, which is not told the caller's head.
             */
            behind_peer_versions?: number | null;
            /**
             * Format: int64
             * @description How far the peer is behind this side: versions of this side's feed after the peer's
             *     position in it.
             */
            behind_versions: number;
            /**
             * Format: int64
             * @description Age in ms of the oldest change of this side's feed the peer has not acknowledged
             *     (`null`: it has them all).
             */
            oldest_unacknowledged_ms?: number | null;
            /**
             * Format: int64
             * @description Ms since this side last caught up with the peer's feed: the last successful sync,
             *     which ends only when the peer has nothing more (`null`: never).
             */
            since_caught_up_ms?: number | null;
        };
        /** @description No fields yet; an empty body or `{}` is accepted. */
        LaunchTokenRequest: Record<string, never>;
        LaunchTokenResponse: {
            expires_at: string;
            url: string;
        };
        MessageInput: {
            content: string;
            /** @enum {string} */
            role: "user" | "assistant" | "system";
        };
        MessagePatch: {
            content?: string | null;
            role?: string | null;
        };
        MessageView: {
            /** @description `null` when the message is end-to-end encrypted (the hosted side cannot read it). */
            content?: string | null;
            conversation_id: string;
            created_at: string;
            /** @description Present, `true`, when the content is end-to-end encrypted (docs/e2e.md). */
            encrypted?: boolean;
            id: string;
            /** @description What to show instead of the encrypted text. */
            notice?: string | null;
            role: string;
            source_backend: string;
            updated_at: string;
        };
        /**
         * @description Which profile the daemon runs.
         * @enum {string}
         */
        Mode: "local" | "hosted";
        /**
         * @description The network state of one peer.
         * @enum {string}
         */
        NetState: "online" | "degraded" | "offline";
        /** @description A hosted peer's network state and what waits for it, as `GET /peers` (local) shows it. */
        NetworkView: {
            /** @description When the oldest of them was written (RFC 3339); `null` when none waits. */
            oldest_pending_at?: string | null;
            /**
             * Format: int64
             * @description Their approximate size: the characters of their titles and contents.
             */
            pending_bytes: number;
            /**
             * Format: int64
             * @description Versions written or received here that the peer has not acknowledged yet.
             */
            pending_versions: number;
            /** @description When it entered this state (RFC 3339); `null` before any call to it was seen. */
            since?: string | null;
            /**
             * @description `online`, `degraded` (slow, or refusing with `429`/`5xx` some of the time) or
             *     `offline` (unreachable: only a `GET /health` probe goes to it until it answers).
             */
            state: components["schemas"]["NetState"];
            /**
             * Format: int64
             * @description Telemetry events in the outbox for this peer.
             */
            telemetry_outbox: number;
        };
        /**
         * @description The outbox's counters. `accepted`, `dropped` and `delivered` count rows since the
         *     database was created.
         */
        OutboxStatus: {
            /** Format: int64 */
            accepted: number;
            /** Format: int64 */
            delivered: number;
            /** Format: int64 */
            dropped: number;
            /** Format: int64 */
            pending: number;
            /** Format: int64 */
            pending_bytes: number;
        };
        OutboxView: components["schemas"]["OutboxStatus"] & {
            /** Format: int64 */
            max_bytes: number;
            /** Format: int64 */
            max_items: number;
        };
        Page_ConversationView: {
            items: {
                created_at: string;
                /** @description Present, `true`, when the title is end-to-end encrypted (docs/e2e.md). */
                encrypted?: boolean;
                id: string;
                /** @description What to show instead of the encrypted text. */
                notice?: string | null;
                source_backend: string;
                /** @description `null` when the conversation is end-to-end encrypted (the hosted side cannot read it). */
                title?: string | null;
                updated_at: string;
            }[];
            /** @description Pass as `cursor` for the next page; `null` on the last one. */
            next_cursor?: string | null;
        };
        Page_MessageView: {
            items: {
                /** @description `null` when the message is end-to-end encrypted (the hosted side cannot read it). */
                content?: string | null;
                conversation_id: string;
                created_at: string;
                /** @description Present, `true`, when the content is end-to-end encrypted (docs/e2e.md). */
                encrypted?: boolean;
                id: string;
                /** @description What to show instead of the encrypted text. */
                notice?: string | null;
                role: string;
                source_backend: string;
                updated_at: string;
            }[];
            /** @description Pass as `cursor` for the next page; `null` on the last one. */
            next_cursor?: string | null;
        };
        PairRequest: {
            expected_hosted_key_id?: components["schemas"]["KeyId"] | null;
            hosted_url: string;
            pairing_code: string;
        };
        /** @description What pairing made: the peer, and both fingerprints to compare. */
        PairResponse: {
            hosted: components["schemas"]["Fingerprint"];
            local: components["schemas"]["Fingerprint"];
            peer: components["schemas"]["PeerView"];
        };
        /** @description The counters of one peer. */
        PeerCounters: {
            /** Format: int64 */
            attempted: number;
            /** Format: int64 */
            bytes_pulled: number;
            /**
             * Format: int64
             * @description Bytes of request and answer bodies, as sent and as received.
             */
            bytes_pushed: number;
            /**
             * Format: int64
             * @description Failures since the last success.
             */
            consecutive_failures: number;
            /** Format: int64 */
            failed: number;
            /** @description Failures by error code. */
            failed_by_code: {
                [key: string]: number;
            };
            /**
             * Format: int64
             * @description Refused because sync is paused (here, or for the account on the hosted side).
             */
            paused: number;
            /** Format: int64 */
            succeeded: number;
            /** Format: int64 */
            versions_pulled: number;
            /** Format: int64 */
            versions_pushed: number;
        };
        /** @description One hosted peer's socket as `GET /telemetry/status` shows it. */
        PeerLink: {
            /** Format: int64 */
            acked_batches: number;
            connected: boolean;
            /**
             * Format: int64
             * @description Sockets opened since this daemon started.
             */
            connects: number;
            /**
             * Format: int64
             * @description Unix ms of the last acknowledgement.
             */
            last_ack_at?: number | null;
            /** @description Why the last attempt or socket ended (an error code, never a secret). */
            last_error?: string | null;
            /**
             * @description The hosted backend said sync is paused for the account (until it says it resumed,
             *     or the socket closes): no batch and no sync goes to it meanwhile.
             */
            paused_remotely: boolean;
            peer_id: string;
            /**
             * Format: int64
             * @description Outbox rows waiting for this peer.
             */
            pending: number;
            /** Format: int64 */
            pokes: number;
            /**
             * Format: int64
             * @description Batches sent since this daemon started; those past `acked_batches` are in flight.
             */
            sent_batches: number;
        };
        /** @description A peer as `GET /peers` lists it. */
        PeerView: {
            account_id: string;
            created_at: string;
            kid: string;
            network?: components["schemas"]["NetworkView"] | null;
            peer_id: string;
            remote: components["schemas"]["RemoteView"];
            sbt_expires_at: string;
            status: string;
            sync?: components["schemas"]["SyncStatusView"] | null;
        };
        /** @description Sync durations over the recent window, in milliseconds. */
        Percentiles: {
            /** @description How many syncs the window holds (at most 200). */
            count: number;
            /** Format: double */
            max?: number | null;
            /** Format: double */
            p50?: number | null;
            /** Format: double */
            p90?: number | null;
            /** Format: double */
            p99?: number | null;
        };
        /** @description One earlier key as `GET /identity` shows it during its grace. */
        PreviousKeyView: {
            /** @description The statement this key signed for its successor. */
            key_change: components["schemas"]["KeyChange"];
            key_id: components["schemas"]["KeyId"];
            /** @description PEM SubjectPublicKeyInfo. */
            public_key: string;
            /**
             * Format: int64
             * @description Unix seconds: the end of its grace.
             */
            valid_until: number;
        };
        /** @description An account's (or the local daemon's) privacy settings. */
        PrivacySettings: {
            /**
             * Format: int32
             * @description Audit entries older than this are deleted (with a checkpoint); 0 keeps them.
             */
            audit_retention_days: number;
            /** @description Personal data in telemetry, advisor records and logs is replaced by typed tokens. */
            redact_pii: boolean;
            /**
             * @description Message content and titles are redacted in what is sent to the hosted backend (the
             *     local copy keeps the original).
             */
            redact_synced_content: boolean;
            /**
             * Format: int32
             * @description Conversations unchanged for this many days are deleted (by tombstone, so the deletion
             *     syncs); 0 keeps them.
             */
            retention_days: number;
            /**
             * @description Pause Sync. On a local daemon: no sync and no telemetry leave or are accepted; local
             *     writes are kept and sent on resume. On the hosted side: the account's peers are
             *     refused with `409 sync_paused` and told over their telemetry socket.
             */
            sync_paused: boolean;
            /** @description Whether telemetry events are recorded at all (`false`: dropped where they are made). */
            telemetry_enabled: boolean;
            /**
             * Format: int32
             * @description Telemetry events older than this are deleted on the hosted side; 0 keeps them.
             */
            telemetry_retention_days: number;
        };
        /**
         * @description A change of settings: the fields given are set, the others keep their value. Also the
         *     stored form (every field given), so a setting added later takes its default.
         */
        PrivacyUpdate: {
            /**
             * Format: int32
             * @description 0 to 36500.
             */
            audit_retention_days?: number | null;
            redact_pii?: boolean | null;
            redact_synced_content?: boolean | null;
            /**
             * Format: int32
             * @description 0 to 36500.
             */
            retention_days?: number | null;
            sync_paused?: boolean | null;
            telemetry_enabled?: boolean | null;
            /**
             * Format: int32
             * @description 0 to 36500.
             */
            telemetry_retention_days?: number | null;
        };
        /** @description The hosted daemon's per-peer sync limit (docs/security.md). */
        RateLimitView: {
            /** @description Of the exchanges listed, how many were refused as rate limited. */
            recent_refused_by_limit: number;
            /** Format: int32 */
            sync_per_peer_burst: number;
            /**
             * Format: int32
             * @description `rate_limits.sync_per_peer_*` on the hosted daemon (`0`: off).
             */
            sync_per_peer_per_minute: number;
        };
        /**
         * @description The latest version of a conversation or a message. `version` orders versions (Last-
         *     Write-Wins): a Hybrid Logical Clock timestamp and the writing backend's id, fixed width,
         *     so that comparing the strings compares `(hlc, backend_id)`.
         */
        Record: {
            content?: string | null;
            conversation_id?: string | null;
            /** Format: int64 */
            created_at: number;
            deleted: boolean;
            /**
             * @description The sealed form of the title or content (or, for a tombstone, of nothing) in an
             *     end-to-end encrypted account (docs/e2e.md): then `title` and `content` are null.
             *     Absent in a plaintext account, and in a device's own store, which keeps plaintext.
             */
            e2e?: string | null;
            id: string;
            kind: string;
            role?: string | null;
            source_backend: string;
            title?: string | null;
            /** Format: int64 */
            updated_at: number;
            version: string;
        };
        /** @description `POST /e2e/recover`. */
        RecoverInput: {
            /** @description Only check that the code opens the account's keyring; change nothing. */
            check?: boolean;
            /** @description The hosted peer of the account [default: the only active peer]. */
            peer_id?: string | null;
            /** @description The account's recovery code. */
            recovery_code: string;
        };
        /** @description A pushed version the responder did not take. */
        RefusedVersion: {
            /**
             * @description `invalid_request` (a rule of docs/sync.md), `clock_offset_exceeded`, `wrong_source`
             *     (a version of another backend, pushed by a peer that does not relay), or, in an end-
             *     to-end encrypted account, `e2e_enabled` (plaintext), `e2e_key` (not declared under
             *     the account's key), `e2e_epoch` (another epoch); `e2e_not_enabled` (sealed, in a
             *     plaintext account).
             */
            code: string;
            id: string;
            message: string;
            version: string;
        };
        RemoteBinding: {
            hosted: components["schemas"]["BindingView"];
            local: components["schemas"]["BindingView"];
        };
        /** @description The other backend of a pairing. */
        RemoteView: {
            backend_id: string;
            key_id: string;
            url?: string | null;
        };
        /** @description `POST /e2e/request`. */
        RequestInput: {
            /** @description The hosted peer of the account [default: the only active peer]. */
            peer_id?: string | null;
        };
        /** @description What a revocation did. */
        Revoked: {
            /**
             * @description Why it could not be told (`null` when it was): revoke the peer there as well
             *     (`DELETE /peers/{peer_id}` with the account token), or it refuses the key only when
             *     the SBT ends.
             */
            hosted_error?: string | null;
            /** @description The hosted backend took the notice: it refuses the pair key now too. */
            hosted_notified: boolean;
            peer: components["schemas"]["PeerView"];
        };
        /** @description `POST /e2e/rotate`. */
        RotateInput: {
            /** @description The hosted peer of the account [default: the only active peer]. */
            peer_id?: string | null;
            /**
             * @description A new recovery code (32 Crockford base32 characters): the old one no longer opens
             *     the new epoch.
             */
            recovery_code: string;
        };
        /** @description The pairing's Session Binding Token: which, and until when. Never the token itself. */
        SbtView: {
            expires_at: string;
            /**
             * Format: int64
             * @description Seconds until it ends (negative: ended).
             */
            expires_in_secs: number;
            kid: string;
        };
        SessionResponse: {
            /** @description `session` or `bearer`. */
            auth: string;
            /** @description The `X-CSRF-Token` value for this session's writes; `null` for the Bearer. */
            csrf?: string | null;
            expires_at?: string | null;
        };
        StatusResponse: {
            outbox: components["schemas"]["OutboxView"];
            peers: components["schemas"]["PeerLink"][];
        };
        /** @description `GET /debug/sync/{peer_id}`. */
        SyncDebug: {
            /** @description The alerts about this peer, firing or lately resolved. */
            alerts: components["schemas"]["Alert"][];
            backoff?: components["schemas"]["Backoff"] | null;
            /** Format: int64 */
            clock_skew_secs?: number | null;
            counters: components["schemas"]["PeerCounters"];
            cursors: components["schemas"]["CursorsView"];
            /** @description The last sync exchanges with the peer, newest first (at most 50). */
            exchanges: components["schemas"]["Exchange"][];
            network_since?: string | null;
            network_state?: components["schemas"]["NetState"] | null;
            next_attempt_at?: string | null;
            peer_id: string;
            rate_limit: components["schemas"]["RateLimitView"];
            remote_backend_id: string;
            remote_url?: string | null;
            sbt: components["schemas"]["SbtView"];
            status: string;
            /** @description As in GET /sync/metrics/{peer_id}. */
            sync_state: string;
            /** @description The telemetry socket: open or not, and (local) the sender's view of it. */
            telemetry: components["schemas"]["TelemetryView"];
            telemetry_link?: components["schemas"]["PeerLink"] | null;
        };
        /** @description `GET /sync/metrics/{peer_id}`. */
        SyncMetrics: {
            /**
             * Format: int64
             * @description This clock minus the peer's, in seconds, as learned from its answers (local; `null`
             *     on hosted).
             */
            clock_skew_secs?: number | null;
            /** @description Counted since this daemon (this instance, on hosted) started. */
            counters: components["schemas"]["PeerCounters"];
            duration_ms: components["schemas"]["Percentiles"];
            lag: components["schemas"]["Lag"];
            /** @description When the peer entered that state (RFC 3339); `null` before any call to it. */
            network_since?: string | null;
            network_state?: components["schemas"]["NetState"] | null;
            peer_id: string;
            /**
             * Format: int64
             * @description Versions of this side's feed waiting for the peer.
             */
            pending_outbound: number;
            /**
             * Format: int64
             * @description Versions the peer refused, set aside (docs/sync.md).
             */
            set_aside: number;
            /**
             * @description How sync with the peer stands (`ok`, `unreachable`, `failing`, `never_synced`,
             *     `paused`), as GET /peers says it in `sync.state`.
             */
            sync_state: string;
            telemetry: components["schemas"]["TelemetryView"];
        };
        /** @description Caller → responder. */
        SyncRequest: {
            /**
             * @description The caller's versions after what the responder acknowledged, in the caller's feed
             *     order.
             */
            changes: components["schemas"]["Record"][];
            e2e?: components["schemas"]["KeyRef"] | null;
            /** @description The caller's store epoch. */
            epoch: string;
            /** @description Most versions the caller wants back (at most [`MAX_PAGE`]). */
            limit?: number | null;
            /**
             * Format: int64
             * @description The caller's feed position that `changes` bring the responder up to.
             */
            push_through: number;
            since?: components["schemas"]["Cursor"] | null;
            /** Format: int32 */
            v: number;
        };
        /** @description Responder → caller. */
        SyncResponse: {
            /**
             * Format: int64
             * @description The caller's `push_through`, now durably applied here: every version of `changes`
             *     but those in `refused`.
             */
            ack: number;
            changes: components["schemas"]["Record"][];
            /**
             * Format: int64
             * @description The responder's feed position `changes` bring the caller up to.
             */
            cursor: number;
            e2e?: components["schemas"]["KeyRef"] | null;
            /** @description The responder's store epoch: `cursor` and `ack` count in it. */
            epoch: string;
            /** @description More of the responder's feed is waiting after `cursor`. */
            has_more: boolean;
            /**
             * Format: int64
             * @description The responder's feed head (its highest `seq`) when it read the answer: the caller is
             *     `head - cursor` versions behind it. Absent from responders that predate it.
             */
            head?: number | null;
            /** @description The versions of `changes` this side refused, each with why; absent when none was. */
            refused?: components["schemas"]["RefusedVersion"][];
            /** Format: int32 */
            v: number;
        };
        /** @description Sync status of one peer, as the side that initiates syncs sees it. */
        SyncStatusView: {
            /** @description The first failed attempt since the last success; `null` while syncs succeed. */
            failing_since?: string | null;
            /**
             * Format: int64
             * @description Milliseconds since the last successful sync (`null` before the first).
             */
            lag_ms?: number | null;
            last_error?: string | null;
            last_error_at?: string | null;
            /** @description The code of the last failure (`peer_unreachable`, `peer_refused`, ...). */
            last_error_code?: string | null;
            last_success_at?: string | null;
            /**
             * Format: int64
             * @description Versions written or received here that the peer has not acknowledged yet.
             */
            pending_outbound: number;
            /**
             * Format: int64
             * @description Versions the peer refused, set aside so the others still sync (docs/sync.md).
             */
            set_aside: number;
            /** @description The latest refusal among them: its code and message (`null` when none). */
            set_aside_reason?: string | null;
            /**
             * @description `never_synced`, `ok`, `unreachable` (the peer could not be reached), `failing` (it
             *     answered, with an error), `paused` (Pause Sync is on here: on a local daemon, or for
             *     the account on the hosted side) or `paused_remotely` (the hosted backend paused the
             *     account's sync).
             */
            state: string;
        };
        /** @description What one sync with a peer did. */
        SyncSummary: {
            /**
             * @description The peer's store had another epoch than last time: cursors were reset and everything
             *     was sent again.
             */
            epoch_reset: boolean;
            peer_id: string;
            pulled: number;
            pushed: number;
            round_trips: number;
            /** @description Versions the peer refused in this sync, now set aside (`GET /peers` counts them all). */
            set_aside: number;
            /**
             * @description Versions pulled in this sync that were not applied, now set aside: their envelope did
             *     not open here (an end-to-end encrypted account, docs/e2e.md), or they were stamped
             *     past the clock offset (`clock_offset_exceeded`).
             */
            unopened: number;
        };
        /** @description A peer's telemetry outbox (local) and socket. */
        TelemetryView: {
            /** @description Whether the telemetry socket with the peer is open now. */
            connected: boolean;
            /**
             * Format: int64
             * @description Events waiting for this peer (local; `0` on hosted, which keeps no outbox).
             */
            outbox_depth: number;
            /**
             * Format: int64
             * @description Age in ms of the oldest of them (`null` when none waits).
             */
            outbox_oldest_ms?: number | null;
        };
        /** @description `POST /e2e/approve` and `POST /e2e/accept`. */
        TransferInput: {
            /** @description The hosted peer of the account [default: the only active peer]. */
            peer_id?: string | null;
            /**
             * @description The request [default: approve, the only pending request of another device; accept,
             *     this device's latest].
             */
            request_id?: string | null;
            /**
             * @description The transfer code: made by the caller and shown on the approving device; typed on
             *     the new one (16 Crockford base32 characters, dashes and spaces ignored).
             */
            transfer_code: string;
        };
    };
    responses: never;
    parameters: never;
    requestBodies: never;
    headers: never;
    pathItems: never;
}
export type $defs = Record<string, never>;
export interface operations {
    index: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The web UI */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": unknown;
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    alerts: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The alerts firing and lately resolved (on hosted: those about the account's peers). The runbook of each rule is in docs/operations.md. */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AlertsView"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_conversations: {
        parameters: {
            query?: {
                /** @description The `next_cursor` of the previous page. */
                cursor?: string;
                /** @description How many items, 1 to 200 (default 50). */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of conversations, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_ConversationView"];
                };
            };
            /** @description `bad_request`: `limit` out of range or `cursor` not a record id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    create_conversation: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ConversationInput"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationView"];
                };
            };
            /** @description `bad_request`: the body is not valid JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is over the configured limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unsupported_media_type`: the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_request`: the JSON has the wrong shape or a bad value (the message names the field and what is expected) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get_conversation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The conversation's id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The conversation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationView"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no such conversation in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    delete_conversation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The conversation's id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted (a tombstone that syncs) */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no such conversation in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `edit_conflict`: the record changed faster than the edit could be applied (32 tries); try again */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    update_conversation: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The conversation's id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ConversationInput"];
            };
        };
        responses: {
            /** @description Updated */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ConversationView"];
                };
            };
            /** @description `bad_request`: the body is not valid JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no such conversation in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `edit_conflict`: the record changed faster than the edit could be applied (32 tries); try again */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is over the configured limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unsupported_media_type`: the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_request`: the JSON has the wrong shape or a bad value (the message names the field and what is expected) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_messages: {
        parameters: {
            query?: {
                /** @description The `next_cursor` of the previous page. */
                cursor?: string;
                /** @description How many items, 1 to 200 (default 50). */
                limit?: number;
            };
            header?: never;
            path: {
                /** @description The conversation's id */
                id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of messages, oldest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Page_MessageView"];
                };
            };
            /** @description `bad_request`: `limit` out of range or `cursor` not a record id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no such conversation in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    create_message: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The conversation's id */
                id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MessageInput"];
            };
        };
        responses: {
            /** @description Created */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MessageView"];
                };
            };
            /** @description `bad_request`: the body is not valid JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no such conversation in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is over the configured limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unsupported_media_type`: the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_request`: the JSON has the wrong shape or a bad value (the message names the field and what is expected) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    delete_message: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The conversation's id */
                id: string;
                /** @description The message's id */
                message_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Deleted (a tombstone that syncs) */
            204: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no such conversation or message in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `edit_conflict`: the record changed faster than the edit could be applied (32 tries); try again */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    update_message: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The conversation's id */
                id: string;
                /** @description The message's id */
                message_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["MessagePatch"];
            };
        };
        responses: {
            /** @description Updated */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["MessageView"];
                };
            };
            /** @description `bad_request`: the body is not valid JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no such conversation or message in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `edit_conflict`: the record changed faster than the edit could be applied (32 tries); try again */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is over the configured limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unsupported_media_type`: the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_request`: the JSON has the wrong shape or a bad value (the message names the field and what is expected) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    ask: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AskRequest"];
            };
        };
        responses: {
            /** @description The question and the answer, both stored as messages of the conversation */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AskResponse"];
                };
            };
            /** @description `bad_request`: the body is not valid JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no such conversation */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is over the configured limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unsupported_media_type`: the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_request`: the JSON has the wrong shape or a bad value (the message names the field and what is expected) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `llm_error`: the language model failed */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `llm_not_configured`: no language model is configured */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list_audit_entries: {
        parameters: {
            query?: {
                /** @description Only entries older than this one: the `next_before` of the previous page. */
                before?: number;
                /** @description How many entries, 1 to 200 (default 50). */
                limit?: number;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description A page of the caller's audit log, newest first */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["AuditPage"];
                };
            };
            /** @description `bad_request`: `limit` out of range or `before` not an entry id */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    debug_sync: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The pairing's id */
                peer_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Everything needed to diagnose sync with the peer; never a secret (no token, no key) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SyncDebug"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no such peer (on hosted: in this account) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    status: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description End-to-end encryption with each active hosted peer: the account's key as the hosted side holds it, this device's key, pulled versions that did not open here */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceE2e"][];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    accept: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TransferInput"];
            };
        };
        responses: {
            /** @description The transfer code opened the approved transfer: the account's keyring is kept in this device's key store, and everything is synced again and opened */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceE2e"];
                };
            };
            /** @description `bad_request`: the body is not valid JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `e2e_no_request`: this device has not asked (`backend-8825 e2e request`) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `e2e_transfer_pending`: not approved yet; `e2e_key_substituted`: the transfer was made for another key than this device's (nothing stored); `e2e_not_enabled` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `e2e_transfer_expired`, `e2e_transfer_failed` (too many wrong codes), `e2e_transfer_accepted`: ask again */
            410: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is over the configured limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unsupported_media_type`: the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `transfer_code_wrong`: the code does not open the transfer (a few attempts are allowed); `invalid_request`: not a transfer code */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The hosted backend refused or could not be reached, or sent a keyring without the account's current key */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    approve: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["TransferInput"];
            };
        };
        responses: {
            /** @description Approved: the keyring went to the hosted backend wrapped to the new device's registered key and sealed under the transfer code, which the new device types (`backend-8825 e2e accept`) before the request expires */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceTransfer"];
                };
            };
            /** @description `bad_request`: the body is not valid JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `e2e_no_request`: no such pending request */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `e2e_no_key`: this device does not hold the account's key; `e2e_transfer_expired`, `e2e_transfer_not_pending` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is over the configured limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unsupported_media_type`: the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_request`: not a transfer code, or several requests wait and none is named */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The hosted backend refused or could not be reached */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    enable: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EnableInput"];
            };
        };
        responses: {
            /** @description Encrypted already under this device's key (an enable whose answer was lost): finished now (`already`); the recovery code is the one made then */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceE2e"];
                };
            };
            /** @description The account is encrypted under a key made here, kept in this device's key store; every record was rewritten to sync sealed */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceE2e"];
                };
            };
            /** @description `bad_request`: the body is not valid JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `e2e_already_enabled`: the account (or this device) has a key already; nothing changed */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is over the configured limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unsupported_media_type`: the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_request`: not a recovery code, or several peers and none named */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The hosted backend refused or could not be reached; `e2e_enable_unknown`: its answer to the enable was lost, the key is kept here (enable again to finish) */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    recover: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RecoverInput"];
            };
        };
        responses: {
            /** @description The recovery code opened the account's keyring, kept now in this device's key store; everything is synced again and opened (with `check`: opened, nothing changed) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceE2e"];
                };
            };
            /** @description `bad_request`: the body is not valid JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `e2e_not_enabled`: the account is not encrypted */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is over the configured limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unsupported_media_type`: the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `recovery_code_wrong`: the code does not open the account's keyring; `invalid_request`: not a recovery code */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The hosted backend refused or could not be reached, or keeps a keyring without the account's current key */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    request: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RequestInput"];
            };
        };
        responses: {
            /** @description Asked: a device of the account that holds the key approves it (`backend-8825 e2e approve`) within 15 minutes and shows a transfer code, typed here with `backend-8825 e2e accept` */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceTransfer"];
                };
            };
            /** @description `bad_request`: the body is not valid JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `e2e_not_enabled`: the account is not encrypted; `e2e_already_enabled`: this device holds the account's key already */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is over the configured limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unsupported_media_type`: the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_request`: the JSON has the wrong shape or a bad value (the message names the field and what is expected) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The hosted backend refused or could not be reached */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    requests: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The pending transfer requests of other devices, with each active hosted peer */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceTransfer"][];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    rotate: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RotateInput"];
            };
        };
        responses: {
            /** @description Rotated: the account's key is a new epoch, kept here with the older ones; new writes are sealed under it and the hosted side refuses the old epoch; the new recovery code replaces the old one; the other devices get the new epoch by a transfer (`backend-8825 e2e request` there) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["DeviceE2e"];
                };
            };
            /** @description `bad_request`: the body is not valid JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `e2e_not_enabled`; `e2e_no_key`: this device does not hold the account's current key; `e2e_key_mismatch`: rotated already by another device */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is over the configured limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unsupported_media_type`: the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_request`: not a recovery code */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The hosted backend refused or could not be reached (`e2e_rotate_unknown`: whether it took the new key is not known; this device kept the old one, and the new recovery code opens the new one if it was taken) */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    health: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Up, and the database answers */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description Up, but the database is known to be down, or does not answer within 2 s */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Health"];
                };
            };
        };
    };
    identity: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description This backend's identity document */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["IdentityDocument"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    launch: {
        parameters: {
            query?: {
                /** @description The one-time launch token of the URL `POST /launch-tokens` answered. */
                token?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The session cookie is set; on to the web UI */
            303: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description The link is used, expired or unknown: an HTML page that says how to get a new one */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/html": unknown;
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    create_launch_token: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Empty, or `{}` */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["LaunchTokenRequest"] | null;
            };
        };
        responses: {
            /** @description A one-time launch URL, valid for two minutes */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["LaunchTokenResponse"];
                };
            };
            /** @description `bad_request`: the body is not valid JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden`: only the Bearer secret may issue launch URLs */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is over the configured limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unsupported_media_type`: the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_request`: the JSON has the wrong shape or a bad value (the message names the field and what is expected) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    metrics: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The metrics */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "text/plain; version=0.0.4": string;
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    serve: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The OpenAPI 3.1 document of this daemon's mode */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": unknown;
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    list: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description This daemon's peers, how sync with each stands (`sync`) and, for a hosted peer, its network state and what waits for it (`network`: `online`, `degraded` or `offline`, since when, pending versions, their approximate size, the oldest, the telemetry outbox) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PeerView"][];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    revoke: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The pairing to revoke */
                peer_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked here; whether the hosted backend was told */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Revoked"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no such peer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    remote_binding: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The peer to ask */
                peer_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The binding as each side holds it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["RemoteBinding"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no such peer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The hosted backend refused or could not be reached; the code says which */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    renew_now: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The peer to renew with */
                peer_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Renewed */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PeerView"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no such peer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The hosted backend refused or could not be reached; the code says which */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    sync_now_route: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The peer to sync with */
                peer_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Synced: what went each way */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SyncSummary"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no such active peer */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `sync_paused`: sync is paused here; `remote_paused`: the hosted backend paused the account's sync */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The hosted backend refused or could not be reached; the code says which (`peer_unreachable`, `peer_refused`, `sync_invalid`) */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    get: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The settings in force (defaults for what was never set) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PrivacySettings"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    put: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PrivacyUpdate"];
            };
        };
        responses: {
            /** @description The settings now in force */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PrivacySettings"];
                };
            };
            /** @description `bad_request`: the body is not valid JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is over the configured limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unsupported_media_type`: the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_request`: an unknown setting, a value of the wrong type, or a retention out of range */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    register: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["PairRequest"];
            };
        };
        responses: {
            /** @description Paired, with both fingerprints to compare */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PairResponse"];
                };
            };
            /** @description `bad_request`: the body is not valid JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `hosted_key_mismatch`: the hosted backend has another key than `expected_hosted_key_id` */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: the body is over the configured limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unsupported_media_type`: the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_request`: the JSON has the wrong shape or a bad value (the message names the field and what is expected) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description The hosted backend refused the code or could not be reached; the code says which */
            502: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    session: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description How the caller is authenticated, and the UI session's CSRF token */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SessionResponse"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    respond: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The pairing's id on the responder */
                peer_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["SyncRequest"];
            };
        };
        responses: {
            /** @description Applied; the responder's changes since `since` */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SyncResponse"];
                };
            };
            /** @description `bad_request`: the body is not valid JSON */
            400: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `sync_paused`: sync is paused on this backend (a local daemon's Pause Sync, or the account's on the hosted side); `e2e_key_mismatch`: the account is end-to-end encrypted under another key or epoch than the request's `e2e` declares */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `payload_too_large`: more than 500 versions, or a body over the limit */
            413: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unsupported_media_type`: the body is not `application/json` */
            415: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `invalid_request`: not a sync request, an unsupported `v`, or a field out of bounds (a version this side does not take is listed in the answer's `refused` instead) */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    sync_metrics: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The pairing's id */
                peer_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description How sync with the peer has gone since this daemon started, and how far behind it is */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["SyncMetrics"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no such peer (on hosted: in this account) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    telemetry_status: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The outbox and each hosted peer's socket */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["StatusResponse"];
                };
            };
            /** @description `unauthorized` (or a more precise code): the credential is missing, malformed, expired or not valid here */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
    asset: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description A file of the web UI, such as `pages/pair.js` */
                path: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description The file */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `forbidden_host` or `forbidden_origin`: the local daemon's guard refused the request's `Host` or `Origin` (docs/local-api.md) */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `not_found`: no such file */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `internal`: the daemon failed; the cause is in its log */
            500: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `database_unavailable`: the database cannot be reached now; `Retry-After` says when to try again */
            503: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
        };
    };
}
