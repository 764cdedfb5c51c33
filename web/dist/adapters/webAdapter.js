// The typed client of backend-8825's HTTP API, as the web UI uses it.
//
// Two ways to authenticate, one per profile:
// - local: the browser holds the HttpOnly session cookie set by the launch URL; writes add the
//   session's CSRF token (read once from GET /session) as X-CSRF-Token. The local secret never
//   reaches the browser.
// - hosted: the account token, sent as `Authorization: Bearer`. The caller decides where it
//   lives (the UI keeps it in sessionStorage, for one tab).
//
// Nothing here touches the DOM, so the unit tests run it in Node with a stub fetch.
/** "37 changes waiting", "1 change waiting", "nothing waiting". */
export function changesWaiting(n) {
    if (n <= 0)
        return 'nothing waiting';
    return `${n} ${n === 1 ? 'change' : 'changes'} waiting`;
}
/** The hour and minute of `iso` in the browser's time zone ("10:42"). */
export function hourMinute(iso) {
    const d = new Date(iso);
    if (Number.isNaN(d.getTime()))
        return iso;
    return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}
/**
 * The banner for a set of peers: offline first (the earliest outage, and every change waiting
 * for an offline peer), else degraded; null when every active hosted peer is online.
 */
export function networkBanner(peers) {
    const networks = peers.flatMap((p) => (p.status === 'active' && p.network ? [p.network] : []));
    for (const tone of ['offline', 'degraded']) {
        const hit = networks.filter((n) => n.state === tone);
        if (hit.length === 0)
            continue;
        const since = hit
            .map((n) => n.since)
            .filter((s) => typeof s === 'string')
            .sort((a, b) => Date.parse(a) - Date.parse(b))[0];
        const waiting = changesWaiting(hit.reduce((sum, n) => sum + n.pending_versions, 0));
        const when = since === undefined ? '' : ` since ${hourMinute(since)}`;
        const text = tone === 'offline'
            ? `Offline${when} — ${waiting}`
            : `The hosted backend is slow or refusing some requests${when} — ${waiting}`;
        return { tone, text };
    }
    return null;
}
const ERROR_CODE_PREFIX = /^([a-z][a-z0-9]*(?:_[a-z0-9]+)+):\s*/;
/**
 * A peer's health: a revoked pairing first, then the sync state (`sync.state`; from the
 * other fields for daemons that do not send it). A state this UI does not know is neutral.
 */
export function peerHealth(peer) {
    if (peer.status === 'revoked')
        return { kind: 'revoked', tone: 'bad', since: null, raw: peer.status };
    if (peer.status !== 'active')
        return { kind: 'unknown', tone: 'neutral', since: null, raw: peer.status };
    const sync = peer.sync;
    if (!sync)
        return { kind: 'paired', tone: 'neutral', since: null, raw: peer.status };
    const since = sync.failing_since ?? null;
    // Required in the document; a daemon older than it may still leave it out.
    let state = sync.state;
    if (state === undefined) {
        const code = sync.last_error_code ?? ERROR_CODE_PREFIX.exec(sync.last_error ?? '')?.[1] ?? null;
        if (sync.last_error)
            state = code === 'peer_unreachable' ? 'unreachable' : 'failing';
        else
            state = sync.last_success_at ? 'ok' : 'never_synced';
    }
    switch (state) {
        case 'ok':
            return { kind: 'ok', tone: 'ok', since: null, raw: state };
        case 'never_synced':
            return { kind: 'never_synced', tone: 'neutral', since: null, raw: state };
        case 'unreachable':
            return { kind: 'unreachable', tone: 'bad', since, raw: state };
        case 'failing':
            return { kind: 'failing', tone: 'bad', since, raw: state };
        case 'paused':
            return { kind: 'paused', tone: 'warn', since: null, raw: state };
        case 'paused_remotely':
            return { kind: 'paused_remotely', tone: 'warn', since: null, raw: state };
        default:
            return { kind: 'unknown', tone: 'neutral', since: null, raw: state };
    }
}
/**
 * An error a daemon recorded, as one line of prose: runs of whitespace (a multi-line dump)
 * become one space, and a leading `snake_case_code: ` is dropped (the code is shown apart).
 */
export function readableError(text) {
    return text.replace(/\s+/g, ' ').trim().replace(ERROR_CODE_PREFIX, '');
}
/** Readable messages for the error codes a user can meet. */
const MESSAGES = {
    pairing_code_invalid: 'That pairing code is not valid. Check it, or create a new one on the hosted backend.',
    pairing_code_expired: 'That pairing code has expired (codes last 10 minutes). Create a new one on the hosted backend.',
    pairing_code_used: 'That pairing code has already been used. Create a new one on the hosted backend.',
    pairing_code_bound: 'That pairing code was issued for another local backend.',
    hosted_unreachable: 'The hosted backend could not be reached. Check its URL and your network connection.',
    hosted_key_mismatch: "The hosted backend's fingerprint is not the one you confirmed. Nothing was paired: check the URL before trying again.",
    hosted_identity_invalid: 'That URL did not answer as a hosted backend of backend-8825.',
    hosted_signature_invalid: 'The hosted backend failed to prove its identity. Nothing was paired.',
    not_hosted: 'That URL answers, but it is not a hosted backend.',
    rate_limited: 'Too many attempts. Wait a minute and try again.',
    forbidden_origin: 'The daemon refused a request from another origin.',
    forbidden_host: 'The daemon refused this address: open the UI with `backend-8825 ui`.',
    network: 'The daemon did not answer. Is it running?',
    peer_unreachable: 'The hosted backend cannot be reached. This computer keeps trying every few seconds.',
    sync_paused: 'Sync is paused on this backend.',
};
/** An error from the daemon (or the network), with a message a person can act on. */
export class ApiError extends Error {
    status;
    code;
    detail;
    constructor(status, code, message, 
    /** The daemon's own message, for details. */
    detail = message) {
        super(message);
        this.status = status;
        this.code = code;
        this.detail = detail;
        this.name = 'ApiError';
    }
}
/** The readable message for `code`, or the daemon's own message when none is known. */
export function describeError(code, detail, auth) {
    if (code === 'unauthorized') {
        if (auth === 'session') {
            return 'Your UI session is missing or has ended. Run `backend-8825 ui` and open the new link.';
        }
        if (auth === 'account')
            return 'The hosted backend did not accept this account token.';
        return 'This needs credentials.';
    }
    return MESSAGES[code] ?? detail;
}
/** Groups a 64-hex key id in fours, so two can be compared by eye. */
export function formatFingerprint(keyId) {
    return (keyId.match(/.{1,4}/g) ?? []).join(' ');
}
/** `https://x.example/` → `https://x.example`; refuses anything but an http(s) URL. */
export function normaliseHostedUrl(input) {
    let url;
    try {
        url = new URL(input.trim());
    }
    catch {
        throw new ApiError(0, 'invalid_url', 'Enter the hosted URL, like https://sync.example.com');
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
        throw new ApiError(0, 'invalid_url', 'The hosted URL must start with http:// or https://');
    }
    if (url.username || url.password || url.search || url.hash) {
        throw new ApiError(0, 'invalid_url', 'The hosted URL must not carry credentials, a query or a fragment');
    }
    return url.href.replace(/\/+$/, '');
}
const WRITE_METHODS = new Set(['POST', 'PATCH', 'PUT', 'DELETE']);
export class WebAdapter {
    baseUrl;
    auth;
    fetchFn;
    csrf = null;
    constructor(options = {}) {
        this.baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
        this.auth = options.auth ?? { kind: 'none' };
        this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    }
    /** The same daemon with other credentials (after a hosted sign-in). */
    withAuth(auth) {
        return new WebAdapter({ baseUrl: this.baseUrl, auth, fetch: this.fetchFn });
    }
    // --- identity and pairing ---
    /** `GET /identity` of this adapter's daemon. */
    identity() {
        return this.request('GET', '/identity', undefined, false);
    }
    /**
     * Reads the identity of this page's daemon and, when `hostedUrl` is given, of the hosted
     * backend (a cross-origin read: the hosted `/identity` allows any origin).
     */
    async detectBackends(hostedUrl) {
        const self = await this.identity();
        const local = self.backend_type === 'local' ? self : null;
        let hosted = self.backend_type === 'hosted' ? self : null;
        if (hostedUrl !== undefined && hostedUrl.trim() !== '') {
            hosted = await this.remoteIdentity(normaliseHostedUrl(hostedUrl));
            if (hosted.backend_type !== 'hosted') {
                throw new ApiError(0, 'not_hosted', describeError('not_hosted', '', this.auth.kind));
            }
        }
        return { self, local, hosted };
    }
    /**
     * Pairs the local daemon with a hosted backend (`POST /register-peer`). The local daemon
     * does the handshake itself; the browser never sees the pair key.
     */
    async handshake(input) {
        const body = {
            hosted_url: normaliseHostedUrl(input.hostedUrl),
            pairing_code: input.pairingCode.trim(),
        };
        if (body.pairing_code === '') {
            throw new ApiError(0, 'invalid_request', 'Enter the pairing code.');
        }
        if (input.expectedHostedKeyId)
            body.expected_hosted_key_id = input.expectedHostedKeyId;
        return this.request('POST', '/register-peer', body);
    }
    /** `POST /pairing-codes` (hosted, with the account token). */
    createPairingCode() {
        const body = {};
        return this.request('POST', '/pairing-codes', body);
    }
    // --- peers and sync ---
    /** `GET /peers`: on local with sync status; on hosted, the account's peers. */
    listPeers() {
        return this.request('GET', '/peers');
    }
    /** `GET /sync/metrics/{peer_id}`. */
    syncMetrics(peerId) {
        return this.request('GET', `/sync/metrics/${encodeURIComponent(peerId)}`);
    }
    /** `GET /debug/sync/{peer_id}`. */
    debugSync(peerId) {
        return this.request('GET', `/debug/sync/${encodeURIComponent(peerId)}`);
    }
    /** `GET /alerts`. */
    alerts() {
        return this.request('GET', '/alerts');
    }
    /** `GET /dashboard/telemetry?window=5m` (hosted): the last five minutes' events by name. */
    async telemetryWindow() {
        const summary = await this.request('GET', '/dashboard/telemetry?window=5m');
        return summary.windows[0] ?? null;
    }
    /** `GET /telemetry/status` (local): the outbox's counters. */
    async outboxStatus() {
        const status = await this.request('GET', '/telemetry/status');
        return status.outbox;
    }
    /** Syncs one peer now, or every active peer when none is named. */
    async syncNow(peerId) {
        const ids = peerId !== undefined
            ? [peerId]
            : (await this.listPeers()).filter((p) => p.status === 'active').map((p) => p.peer_id);
        const summaries = [];
        for (const id of ids) {
            summaries.push(await this.request('POST', `/peers/${encodeURIComponent(id)}/sync`, {}));
        }
        return summaries;
    }
    // --- privacy ---
    /** `GET /privacy-settings`. */
    privacySettings() {
        return this.request('GET', '/privacy-settings');
    }
    /** `PUT /privacy-settings`: sets the fields given, keeps the others; answers the settings now in force. */
    updatePrivacySettings(change) {
        return this.request('PUT', '/privacy-settings', change);
    }
    // --- conversations and messages ---
    listConversations(page = {}) {
        return this.request('GET', `/api/conversations${query(page)}`);
    }
    createConversation(title) {
        const body = title !== undefined && title.trim() !== '' ? { title: title.trim() } : {};
        return this.request('POST', '/api/conversations', body);
    }
    getConversation(id) {
        return this.request('GET', `/api/conversations/${encodeURIComponent(id)}`);
    }
    renameConversation(id, title) {
        const body = { title };
        return this.request('PATCH', `/api/conversations/${encodeURIComponent(id)}`, body);
    }
    async deleteConversation(id) {
        await this.request('DELETE', `/api/conversations/${encodeURIComponent(id)}`, {});
    }
    listMessages(conversationId, page = {}) {
        const path = `/api/conversations/${encodeURIComponent(conversationId)}/messages`;
        return this.request('GET', `${path}${query(page)}`);
    }
    /** Every message of a conversation, oldest first, following the cursors. */
    async allMessages(conversationId, maxPages = 50) {
        const all = [];
        let cursor;
        for (let i = 0; i < maxPages; i++) {
            const page = await this.listMessages(conversationId, cursor === undefined ? { limit: 200 } : { limit: 200, cursor });
            all.push(...page.items);
            cursor = page.next_cursor ?? undefined;
            if (cursor === undefined)
                break;
        }
        return all;
    }
    postMessage(conversationId, content, role = 'user') {
        const path = `/api/conversations/${encodeURIComponent(conversationId)}/messages`;
        const body = { role, content };
        return this.request('POST', path, body);
    }
    // --- transport ---
    /** The session's CSRF token, read once from `GET /session`. */
    csrfToken() {
        if (this.csrf === null) {
            this.csrf = this.request('GET', '/session').then((s) => {
                if (!s.csrf)
                    throw new ApiError(401, 'unauthorized', describeError('unauthorized', '', 'session'));
                return s.csrf;
            });
            // A failed read is tried again next time (the user may open a new launch link).
            this.csrf.catch(() => {
                this.csrf = null;
            });
        }
        return this.csrf;
    }
    async remoteIdentity(base) {
        let response;
        try {
            response = await this.send(`${base}/identity`, {
                method: 'GET',
                credentials: 'omit',
                headers: { Accept: 'application/json' },
            });
        }
        catch (e) {
            const detail = e instanceof ApiError ? e.detail : String(e);
            throw new ApiError(0, 'hosted_unreachable', describeError('hosted_unreachable', detail, this.auth.kind), detail);
        }
        const found = await this.parse(response, 'hosted_identity_invalid');
        if (typeof found.key_id !== 'string' || typeof found.backend_type !== 'string') {
            throw new ApiError(0, 'hosted_identity_invalid', describeError('hosted_identity_invalid', '', this.auth.kind));
        }
        return found;
    }
    /** One call to the daemon's API with this adapter's credentials (for the adapters of
     * single capabilities, such as e2e.ts). */
    call(method, path, body) {
        return this.request(method, path, body);
    }
    async request(method, path, body, authenticate = true) {
        const headers = { Accept: 'application/json' };
        const write = WRITE_METHODS.has(method);
        if (write)
            headers['Content-Type'] = 'application/json';
        if (authenticate && this.auth.kind === 'account') {
            headers.Authorization = `Bearer ${this.auth.token}`;
        }
        if (authenticate && write && this.auth.kind === 'session') {
            headers['X-CSRF-Token'] = await this.csrfToken();
        }
        const init = { method, headers, credentials: 'same-origin', cache: 'no-store' };
        if (write)
            init.body = JSON.stringify(body ?? {});
        const response = await this.send(`${this.baseUrl}${path}`, init);
        return this.parse(response);
    }
    async send(url, init) {
        try {
            return await this.fetchFn(url, init);
        }
        catch (e) {
            const detail = e instanceof Error ? e.message : String(e);
            throw new ApiError(0, 'network', describeError('network', detail, this.auth.kind), detail);
        }
    }
    async parse(response, invalidCode = 'invalid_response') {
        if (response.status === 204)
            return null;
        let json = null;
        try {
            json = await response.json();
        }
        catch {
            // An answer that is not JSON is reported below by its status.
        }
        if (response.ok) {
            if (json === null || typeof json !== 'object') {
                throw new ApiError(response.status, invalidCode, describeError(invalidCode, 'The daemon answered something that is not JSON.', this.auth.kind));
            }
            return json;
        }
        const error = json?.error;
        const code = typeof error?.code === 'string' ? error.code : `http_${response.status}`;
        const detail = typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`;
        throw new ApiError(response.status, code, describeError(code, detail, this.auth.kind), detail);
    }
}
function query(page) {
    const params = new URLSearchParams();
    if (page.limit !== undefined)
        params.set('limit', String(page.limit));
    if (page.cursor)
        params.set('cursor', page.cursor);
    const s = params.toString();
    return s === '' ? '' : `?${s}`;
}
