// The hosted daemon's API, generated from its OpenAPI document by openapi-typescript:
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
    "/dashboard/telemetry": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /dashboard/telemetry[?window=5m|1h|24h]` (hosted, account token). */
        get: operations["dashboard_route"];
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
        /**
         * `GET /e2e` (hosted, account token): the account's encryption, without the sealed keyring
         *     (its devices fetch that, signed).
         */
        get: operations["account_e2e"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/e2e/reset": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * `POST /e2e/reset` (hosted, account token): turns the account's encryption off and
         *     deletes everything sealed, for when no device holds the key and the recovery code is
         *     lost. Plaintext records stay; a device that still holds the old key can encrypt again
         *     (`backend-8825 e2e enable` makes a new key and uploads its own copies sealed).
         */
        post: operations["reset_e2e"];
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
    "/pairing-codes": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** `POST /pairing-codes` (hosted). */
        post: operations["create_pairing_code"];
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
        /** `GET /peers` (hosted): the peers of the account whose token is presented. */
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
        /** `DELETE /peers/{peer_id}` (hosted, account token): revokes one of the account's peers. */
        delete: operations["revoke"];
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/peers/{peer_id}/binding": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /peers/{peer_id}/binding` (hosted, signed): the binding as this side holds it. */
        get: operations["binding"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/peers/{peer_id}/e2e": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /peers/{peer_id}/e2e` (hosted, signed): the account's encryption. */
        get: operations["status"];
        put?: never;
        post?: never;
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/peers/{peer_id}/e2e/enable": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** `POST /peers/{peer_id}/e2e/enable` (hosted, signed): encrypts the peer's account, once. */
        post: operations["enable"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/peers/{peer_id}/e2e/requests": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** `GET /peers/{peer_id}/e2e/requests` (hosted, signed): the account's transfer requests. */
        get: operations["requests"];
        put?: never;
        /** `POST /peers/{peer_id}/e2e/requests` (hosted, signed): a new device asks for the key. */
        post: operations["request"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/peers/{peer_id}/e2e/rotate": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * `POST /peers/{peer_id}/e2e/rotate` (hosted, signed): the account's key moves to a new
         *     epoch (after a revocation); from then on only versions sealed under it are taken.
         */
        post: operations["rotate"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/peers/{peer_id}/e2e/transfers": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** `POST /peers/{peer_id}/e2e/transfers` (hosted, signed): an approving device's transfer. */
        post: operations["approve"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/peers/{peer_id}/e2e/transfers/attempt": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * `POST /peers/{peer_id}/e2e/transfers/attempt` (hosted, signed): the requesting device
         *     opened its transfer, or a code it was typed did not open it.
         */
        post: operations["attempt"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/peers/{peer_id}/key-change": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /**
         * `POST /peers/{peer_id}/key-change` (hosted, signed).
         * @description The local backend rotated its identity key: the body is the key-change statement its old key signed. Checked with the key pinned for this peer; the new key is pinned in its place. Renew right after: the current SBT binds the old key.
         */
        post: operations["key_change"];
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
        /**
         * `POST /peers/{peer_id}/renew` (hosted): signed with the local identity key, not the SBT,
         *     so a peer whose SBT expired while its machine slept renews without pairing again.
         * @description Renews the pair key and SBT. No header credential: the body carries a proof signed with the local backend's identity key (docs/protocol.md).
         */
        post: operations["renew"];
        delete?: never;
        options?: never;
        head?: never;
        patch?: never;
        trace?: never;
    };
    "/peers/{peer_id}/revoke": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        get?: never;
        put?: never;
        /** `POST /peers/{peer_id}/revoke` (hosted, signed): the local end revoked the pairing. */
        post: operations["revoke_notice"];
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
         * `POST /register-peer` (hosted).
         * @description Spends a pairing code. No header credential: the body carries a proof signed with the local backend's identity key over a fixed transcript (docs/protocol.md).
         */
        post: operations["register"];
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
    "/telemetry/{peer_id}": {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /**
         * `GET /telemetry/{peer_id}`: the upgrade is refused before `101` for a browser (any
         *     `Origin`), a request that is not a WebSocket upgrade, and every failure of the signed
         *     request verifier (unsigned, stale, replayed, revoked, ...).
         * @description Opens the telemetry WebSocket of a paired local backend. The frames are in docs/telemetry.md.
         */
        get: operations["upgrade"];
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
        /** @description `POST /peers/{peer_id}/e2e/transfers`: an approving device's answer to a request. */
        ApproveRequest: {
            request_id: string;
            /** @description The keyring sealed under the transfer key (`k1.<nonce>.<ciphertext>`). */
            sealed: string;
            /** @description `w` wrapped to the requesting device's registered key (RSA-OAEP), base64url. */
            wrapped: string;
        };
        /**
         * @description `POST /peers/{peer_id}/e2e/transfers/attempt`: whether the requesting device opened
         *     its transfer with the code typed.
         */
        AttemptRequest: {
            opened: boolean;
            request_id: string;
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
        /**
         * @description Which side started an exchange: this daemon (`outbound`, a local daemon's sync) or the
         *     peer (`inbound`, a `POST /sync` answered here).
         * @enum {string}
         */
        Direction: "outbound" | "inbound";
        /**
         * @description `POST /peers/{peer_id}/e2e/enable`: the key a device made, and its keyring sealed under
         *     the recovery code it showed.
         */
        EnableRequest: {
            /** @description The key's public id (32 lowercase hex characters). */
            ck_id: string;
            /**
             * Format: int32
             * @description Its epoch: 1 for a first enable.
             */
            epoch: number;
            /** @description The keyring sealed under the recovery code (`k1.<nonce>.<ciphertext>`). */
            recovery: string;
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
        /** @description Hosted → local: the answer to a registration or a renewal. */
        Grant: {
            account_id: string;
            hosted_id: components["schemas"]["BackendId"];
            hosted_key_id: components["schemas"]["KeyId"];
            kid: components["schemas"]["Kid"];
            peer_id: string;
            sbt: string;
            /**
             * Format: int64
             * @description Unix seconds.
             */
            sbt_expires_at: number;
            /** @description base64url RSA-PSS signature of the hosted identity key over the grant transcript. */
            signature: string;
            /** Format: int32 */
            v: number;
            /** @description base64url RSA-OAEP-SHA256 encryption of the 32-byte pair key to the local key. */
            wrapped_key: string;
        };
        Health: {
            database: string;
            mode: components["schemas"]["Mode"];
            status: string;
            version: string;
        };
        /** @description An account's encryption as the hosted side holds it (`GET /peers/{peer_id}/e2e`). */
        HostedE2e: {
            /** @description Whether the account's conversations are end-to-end encrypted. */
            enabled: boolean;
            /** @description When it was enabled (RFC 3339); `null` while not enabled. */
            enabled_at?: string | null;
            key?: components["schemas"]["KeyRef"] | null;
            /**
             * @description The keyring sealed under the recovery code (`k1.…`), which only the code opens;
             *     `null` while not enabled.
             */
            recovery?: string | null;
            /**
             * @description Since when a new epoch is due (a device of the account was revoked; RFC 3339);
             *     `null` when none is.
             */
            rotation_due?: string | null;
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
        /** @description What the hosted side pins for the peer after a key change. */
        KeyChangeAccepted: {
            /** @description False when that key was pinned already (the statement was sent before). */
            changed: boolean;
            peer_id: string;
            /** @description The local backend's identity key now pinned. */
            remote_key_id: components["schemas"]["KeyId"];
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
        /**
         * @description The id of one pair key: 16 random bytes as 32 lowercase hex digits. A renewal draws a new
         *     key and a new `kid`, so a `kid` names exactly one `K`.
         */
        Kid: string;
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
        PairingCodeRequest: {
            local_key_id?: components["schemas"]["KeyId"] | null;
        };
        PairingCodeResponse: {
            code: string;
            expires_at: string;
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
        /** @description Local → hosted `POST /register-peer`. */
        RegisterPeerRequest: {
            /** @description The hosted backend the local one fetched and pinned. */
            hosted_id: components["schemas"]["BackendId"];
            hosted_key_id: components["schemas"]["KeyId"];
            /** @description The local backend's identity document, as its `GET /identity` serves it. */
            identity: components["schemas"]["IdentityDocument"];
            nonce: string;
            pairing_code: string;
            /** @description base64url RSA-PSS signature of the local identity key over the request transcript. */
            proof: string;
            /**
             * Format: int64
             * @description Unix seconds.
             */
            timestamp: number;
            /** Format: int32 */
            v: number;
        };
        /** @description The other backend of a pairing. */
        RemoteView: {
            backend_id: string;
            key_id: string;
            url?: string | null;
        };
        /** @description Local → hosted `POST /peers/{peer_id}/renew`. */
        RenewRequest: {
            /**
             * @description The key-change statements of the local identity key's rotations still in their
             *     grace, oldest first (docs/protocol.md, "Key rotation"): when `local_key_id` is not
             *     the key pinned for the peer, the hosted side follows them from the pinned key to it.
             *     Left out when there are none.
             */
            key_changes?: components["schemas"]["KeyChange"][];
            local_key_id: components["schemas"]["KeyId"];
            nonce: string;
            proof: string;
            /** Format: int64 */
            timestamp: number;
            /** Format: int32 */
            v: number;
        };
        /** @description `POST /e2e/reset` (hosted, account token). */
        ResetInput: {
            /** @description Exactly `delete encrypted data`: the encrypted conversations cannot be brought back. */
            confirm: string;
        };
        /** @description What a reset did. */
        ResetView: {
            /**
             * Format: int64
             * @description How many encrypted records (conversations, messages, tombstones) were deleted.
             */
            deleted_records: number;
            /** @description The account's encryption now: off. */
            e2e: components["schemas"]["HostedE2e"];
        };
        /**
         * @description `POST /peers/{peer_id}/e2e/rotate`: the account's next key, from the key it holds now,
         *     and the keyring with every epoch sealed under a new recovery code.
         */
        RotateRequest: {
            /** @description The new key's public id and epoch (one past `from`). */
            ck_id: string;
            /** Format: int32 */
            epoch: number;
            /** @description The key the account holds now, as the rotating device knows it. */
            from: components["schemas"]["KeyRef"];
            /** @description The keyring, every epoch, sealed under the new recovery code. */
            recovery: string;
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
        /**
         * @description Counts of one group. `error_rate` is errors / count (0 with no events); the percentiles
         *     are nearest-rank over the events that carry a duration (`null` when none does).
         */
        Stats: {
            /** Format: int64 */
            count: number;
            /** Format: double */
            error_rate: number;
            /** Format: int64 */
            errors: number;
            /** Format: double */
            p50_ms?: number | null;
            /** Format: double */
            p95_ms?: number | null;
        };
        Summary: {
            account_id: string;
            /**
             * Format: int64
             * @description Unix ms, the hosted backend's clock.
             */
            now: number;
            /** @description True when more events than [`MAX_SAMPLES`] fell in the widest window. */
            truncated: boolean;
            windows: components["schemas"]["WindowSummary"][];
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
        /**
         * @description A new device's transfer request as the hosted side shows it to the account's devices
         *     (`GET /peers/{peer_id}/e2e/requests`).
         */
        TransferView: {
            /** @description Once approved: the approving device's identity key id. */
            approver_key_id?: string | null;
            /**
             * Format: int32
             * @description Wrong transfer codes the requesting device may still type.
             */
            attempts_left: number;
            /** @description RFC 3339. */
            created_at: string;
            expires_at: string;
            /** @description The request's id (bound into the transfer key). */
            id: string;
            /**
             * @description The identity key the requesting device registered when it paired: its id, and the
             *     key in PEM (an approving device wraps `w` to it).
             */
            key_id: string;
            /** @description The hosted side's pairing id of the requesting device. */
            peer_id: string;
            public_key: string;
            /** @description Once approved, to the requesting device only: the sealed keyring (`k1.…`). */
            sealed?: string | null;
            /** @description `pending`, `approved`, `accepted`, `failed` (too many wrong codes) or `expired`. */
            state: string;
            /** @description Once approved, to the requesting device only: `w` wrapped to its key (base64url). */
            wrapped?: string | null;
        };
        WindowSummary: components["schemas"]["Stats"] & {
            by_name: {
                [key: string]: components["schemas"]["Stats"];
            };
            by_peer: {
                [key: string]: components["schemas"]["Stats"];
            };
            /** Format: int64 */
            since: number;
            window: string;
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
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
            /** @description `not_found`: no such conversation in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
            /** @description `not_found`: no such conversation in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
    dashboard_route: {
        parameters: {
            query?: {
                /** @description One window only: `5m`, `1h` or `24h` (all three without it). */
                window?: string;
            };
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Counts, error rates and latency percentiles per window */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Summary"];
                };
            };
            /** @description `bad_request`: an unknown `window` */
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
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
            /** @description `not_found`: no such peer (on hosted: in this account) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
    account_e2e: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Whether the account's conversations are end-to-end encrypted, its key's epoch and id, and whether a new epoch is due; `recovery` is always null here */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HostedE2e"];
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
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
    reset_e2e: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ResetInput"];
            };
        };
        responses: {
            /** @description Reset: the encrypted records, the transfer requests and the key are deleted; the account is plaintext */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ResetView"];
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
            /** @description `e2e_not_enabled`: the account is not encrypted; nothing changed */
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
            /** @description `confirmation_required`: `confirm` is not `delete encrypted data`; nothing changed */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
    create_pairing_code: {
        parameters: {
            query?: never;
            header?: never;
            path?: never;
            cookie?: never;
        };
        /** @description Empty, or a `local_key_id` the code is bound to */
        requestBody?: {
            content: {
                "application/json": components["schemas"]["PairingCodeRequest"] | null;
            };
        };
        responses: {
            /** @description A one-time pairing code for this account */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["PairingCodeResponse"];
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
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
            /** @description The account's peers */
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
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
            /** @description Revoked: its requests get `401 revoked`, its telemetry socket closes with 1008 */
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
            /** @description `not_found`: no such peer in this account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
    binding: {
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
            /** @description The binding as the hosted side holds it */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["BindingView"];
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
            /** @description `rate_limited`: too many peer requests from this address (more than 2400 a minute, or 1200 at once; `rate_limits.peer_requests_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
            path: {
                /** @description The pairing's id */
                peer_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Whether the peer's account is end-to-end encrypted, its key's epoch and id, its keyring sealed under the recovery code, and whether a new epoch is due (a device was revoked) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HostedE2e"];
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
            /** @description `rate_limited`: too many peer requests from this address (more than 2400 a minute, or 1200 at once; `rate_limits.peer_requests_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
    enable: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The pairing's id */
                peer_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["EnableRequest"];
            };
        };
        responses: {
            /** @description Enabled: from now on the account's versions are taken only sealed under this key */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HostedE2e"];
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
            /** @description `e2e_already_enabled`: the account is encrypted already (by this or another device, under any key); nothing changed */
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
            /** @description `invalid_request`: not an enable request, or a field out of bounds */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `rate_limited`: too many peer requests from this address (more than 2400 a minute, or 1200 at once; `rate_limits.peer_requests_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
    requests: {
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
            /** @description The account's transfer requests, oldest first; the requesting device alone sees its approved transfer (the wrapped secret and the sealed keyring) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TransferView"][];
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
            /** @description `rate_limited`: too many peer requests from this address (more than 2400 a minute, or 1200 at once; `rate_limits.peer_requests_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
    request: {
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
            /** @description The request is kept for 15 minutes, with the identity key this device registered when it paired; a device of the account that holds the key approves it */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TransferView"];
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
            /** @description `e2e_not_enabled`: the account is not encrypted */
            409: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `rate_limited`: too many peer requests from this address (more than 2400 a minute, or 1200 at once; `rate_limits.peer_requests_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
            path: {
                /** @description The pairing's id */
                peer_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RotateRequest"];
            };
        };
        responses: {
            /** @description Rotated: the account's key is the new epoch's; versions sealed under an older epoch are refused from now on */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["HostedE2e"];
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
            /** @description `e2e_not_enabled`; `e2e_key_mismatch`: the account holds another key than `from` (rotated already); nothing changed */
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
            /** @description `invalid_request`: not a rotation */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `rate_limited`: too many peer requests from this address (more than 2400 a minute, or 1200 at once; `rate_limits.peer_requests_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
    approve: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The pairing's id */
                peer_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["ApproveRequest"];
            };
        };
        responses: {
            /** @description Approved: the transfer waits for the requesting device, which opens it with the transfer code */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TransferView"];
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
            /** @description `e2e_no_request`: no such request in the account */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `e2e_not_enabled`; `e2e_transfer_expired`; `e2e_transfer_not_pending`: approved already, or the approving device's own request */
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
            /** @description `invalid_request`: not a transfer */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `rate_limited`: too many peer requests from this address (more than 2400 a minute, or 1200 at once; `rate_limits.peer_requests_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
    attempt: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The pairing's id */
                peer_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["AttemptRequest"];
            };
        };
        responses: {
            /** @description Counted: opened (`accepted`, the transfer is dropped), or a wrong code (after 5, `failed`, the transfer is dropped) */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["TransferView"];
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
            /** @description `e2e_no_request`: no such request of this device */
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
            /** @description `rate_limited`: too many peer requests from this address (more than 2400 a minute, or 1200 at once; `rate_limits.peer_requests_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
    key_change: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The pairing's id */
                peer_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["KeyChange"];
            };
        };
        responses: {
            /** @description The new key is pinned */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["KeyChangeAccepted"];
                };
            };
            /** @description `invalid_request`: the body is not a key-change statement */
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
            /** @description `key_change_conflict`: the pinned key changed meanwhile */
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
            /** @description `key_change_refused`: not signed by the pinned key, about another backend or key, or its grace has ended */
            422: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `rate_limited`: too many peer requests from this address (more than 2400 a minute, or 1200 at once; `rate_limits.peer_requests_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
    renew: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The pairing's id */
                peer_id: string;
            };
            cookie?: never;
        };
        requestBody: {
            content: {
                "application/json": components["schemas"]["RenewRequest"];
            };
        };
        responses: {
            /** @description Renewed: a new grant */
            200: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Grant"];
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
            /** @description `bad_proof`, `stale`, `replay` or `revoked`: the proof signed with the identity key does not hold */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `unknown_peer`: no such pairing */
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
            /** @description `rate_limited`: too many pairing attempts from this address (more than 30 a minute, or 30 at once; `rate_limits.pairing_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
    revoke_notice: {
        parameters: {
            query?: never;
            header?: never;
            path: {
                /** @description The pairing the local end revoked */
                peer_id: string;
            };
            cookie?: never;
        };
        requestBody?: never;
        responses: {
            /** @description Revoked here too */
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
            /** @description `rate_limited`: too many peer requests from this address (more than 2400 a minute, or 1200 at once; `rate_limits.peer_requests_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
                "application/json": components["schemas"]["RegisterPeerRequest"];
            };
        };
        responses: {
            /** @description Paired: the grant, signed by the hosted identity key */
            201: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["Grant"];
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
            /** @description `pairing_code_invalid`, `pairing_code_expired`, `pairing_code_used`, `bad_proof`, `stale` or `replay` */
            401: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `pairing_code_bound`: the code is bound to another local key */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `hosted_key_mismatch`: the request pinned another hosted identity */
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
            /** @description `rate_limited`: too many pairing attempts from this address (more than 30 a minute, or 30 at once; `rate_limits.pairing_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
            /** @description `rate_limited`: too many peer requests from this address (more than 2400 a minute, or 1200 at once; `rate_limits.peer_requests_*`, per instance); `Retry-After` says how many seconds to wait; or `rate_limited`: too many sync requests from this peer (more than 1200 a minute, or 600 at once; `rate_limits.sync_per_peer_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
            /** @description `not_found`: no such peer (on hosted: in this account) */
            404: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `rate_limited`: too many requests from this address (more than 1200 a minute, or 200 at once; `rate_limits.account_api_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
    upgrade: {
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
            /** @description Switching to the WebSocket protocol */
            101: {
                headers: {
                    [name: string]: unknown;
                };
                content?: never;
            };
            /** @description `not_websocket`: not a WebSocket upgrade request */
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
            /** @description `forbidden_origin`: a browser (any `Origin`) may not open it */
            403: {
                headers: {
                    [name: string]: unknown;
                };
                content: {
                    "application/json": components["schemas"]["ErrorBody"];
                };
            };
            /** @description `rate_limited`: too many peer requests from this address (more than 2400 a minute, or 1200 at once; `rate_limits.peer_requests_*`, per instance); `Retry-After` says how many seconds to wait */
            429: {
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
