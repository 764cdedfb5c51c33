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

import type {
  Alerts,
  Conversation,
  ConversationInput,
  ConversationPage,
  Identity,
  Message,
  MessageInput,
  MessagePage,
  OutboxStatus,
  PageQuery,
  Paired,
  PairingCode,
  PairingCodeRequest,
  PairRequest,
  Peer,
  PrivacySettings,
  PrivacyUpdate,
  Role,
  Session,
  SyncDebug,
  SyncMetrics,
  SyncSummary,
  TelemetryWindow,
} from './api.js';

// The API's types come from the daemons' OpenAPI documents (api.d.ts); the pages import them
// from here.
export type * from './api.js';

/** What `detectBackends()` found: this page's own daemon, and each side of a pairing. */
export interface Backends {
  self: Identity;
  local: Identity | null;
  hosted: Identity | null;
}

/** What the banner on every page of the local UI says about the hosted peers' network. */
export interface NetworkBanner {
  /** `offline` (shown prominently) or `degraded` (milder). */
  tone: 'offline' | 'degraded';
  /** E.g. "Offline since 10:42 — 37 changes waiting". */
  text: string;
}

/** "37 changes waiting", "1 change waiting", "nothing waiting". */
export function changesWaiting(n: number): string {
  if (n <= 0) return 'nothing waiting';
  return `${n} ${n === 1 ? 'change' : 'changes'} waiting`;
}

/** The hour and minute of `iso` in the browser's time zone ("10:42"). */
export function hourMinute(iso: string): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
}

/**
 * The banner for a set of peers: offline first (the earliest outage, and every change waiting
 * for an offline peer), else degraded; null when every active hosted peer is online.
 */
export function networkBanner(peers: Peer[]): NetworkBanner | null {
  const networks = peers.flatMap((p) => (p.status === 'active' && p.network ? [p.network] : []));
  for (const tone of ['offline', 'degraded'] as const) {
    const hit = networks.filter((n) => n.state === tone);
    if (hit.length === 0) continue;
    const since = hit
      .map((n) => n.since)
      .filter((s): s is string => typeof s === 'string')
      .sort((a, b) => Date.parse(a) - Date.parse(b))[0];
    const waiting = changesWaiting(hit.reduce((sum, n) => sum + n.pending_versions, 0));
    const when = since === undefined ? '' : ` since ${hourMinute(since)}`;
    const text =
      tone === 'offline'
        ? `Offline${when} — ${waiting}`
        : `The hosted backend is slow or refusing some requests${when} — ${waiting}`;
    return { tone, text };
  }
  return null;
}

/** How a peer stands, as the Status page shows it: what, in which colour, since when. */
export interface PeerHealth {
  kind: 'revoked' | 'unreachable' | 'failing' | 'paused' | 'paused_remotely' | 'never_synced' | 'ok' | 'paired' | 'unknown';
  /** `ok` green, `bad` red, `warn` amber, `neutral` grey. */
  tone: 'ok' | 'bad' | 'warn' | 'neutral';
  /** Since when it has been failing (RFC 3339), when known. */
  since: string | null;
  /** The status or state as the daemon wrote it (shown as it is when unknown). */
  raw: string;
}

const ERROR_CODE_PREFIX = /^([a-z][a-z0-9]*(?:_[a-z0-9]+)+):\s*/;

/**
 * A peer's health: a revoked pairing first, then the sync state (`sync.state`; from the
 * other fields for daemons that do not send it). A state this UI does not know is neutral.
 */
export function peerHealth(peer: Peer): PeerHealth {
  if (peer.status === 'revoked') return { kind: 'revoked', tone: 'bad', since: null, raw: peer.status };
  if (peer.status !== 'active') return { kind: 'unknown', tone: 'neutral', since: null, raw: peer.status };
  const sync = peer.sync;
  if (!sync) return { kind: 'paired', tone: 'neutral', since: null, raw: peer.status };
  const since = sync.failing_since ?? null;
  // Required in the document; a daemon older than it may still leave it out.
  let state: string | undefined = sync.state;
  if (state === undefined) {
    const code = sync.last_error_code ?? ERROR_CODE_PREFIX.exec(sync.last_error ?? '')?.[1] ?? null;
    if (sync.last_error) state = code === 'peer_unreachable' ? 'unreachable' : 'failing';
    else state = sync.last_success_at ? 'ok' : 'never_synced';
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
export function readableError(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(ERROR_CODE_PREFIX, '');
}

export interface HandshakeInput {
  hostedUrl: string;
  pairingCode: string;
  /** The hosted fingerprint the user was shown; the local daemon refuses another key. */
  expectedHostedKeyId?: string;
}

/** How requests authenticate: the local session cookie + CSRF, or a hosted account token. */
export type Auth = { kind: 'session' } | { kind: 'account'; token: string } | { kind: 'none' };

export interface AdapterOptions {
  /** The daemon's base URL; '' means this page's own origin. */
  baseUrl?: string;
  auth?: Auth;
  /** Injected for tests; defaults to the global fetch. */
  fetch?: typeof fetch;
}

/** Readable messages for the error codes a user can meet. */
const MESSAGES: Record<string, string> = {
  pairing_code_invalid:
    'That pairing code is not valid. Check it, or create a new one on the hosted backend.',
  pairing_code_expired:
    'That pairing code has expired (codes last 10 minutes). Create a new one on the hosted backend.',
  pairing_code_used:
    'That pairing code has already been used. Create a new one on the hosted backend.',
  pairing_code_bound: 'That pairing code was issued for another local backend.',
  hosted_unreachable:
    'The hosted backend could not be reached. Check its URL and your network connection.',
  hosted_key_mismatch:
    "The hosted backend's fingerprint is not the one you confirmed. Nothing was paired: check the URL before trying again.",
  hosted_identity_invalid: 'That URL did not answer as a hosted backend of backend-8825.',
  hosted_signature_invalid:
    'The hosted backend failed to prove its identity. Nothing was paired.',
  not_hosted: 'That URL answers, but it is not a hosted backend.',
  rate_limited: 'Too many attempts. Wait a minute and try again.',
  forbidden_origin: 'The daemon refused a request from another origin.',
  forbidden_host: 'The daemon refused this address: open the UI with `backend-8825 ui`.',
  network: 'The daemon did not answer. Is it running?',
  peer_unreachable:
    'The hosted backend cannot be reached. This computer keeps trying every few seconds.',
  sync_paused: 'Sync is paused on this backend.',
};

/** An error from the daemon (or the network), with a message a person can act on. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    /** The daemon's own message, for details. */
    readonly detail: string = message,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The readable message for `code`, or the daemon's own message when none is known. */
export function describeError(code: string, detail: string, auth: Auth['kind']): string {
  if (code === 'unauthorized') {
    if (auth === 'session') {
      return 'Your UI session is missing or has ended. Run `backend-8825 ui` and open the new link.';
    }
    if (auth === 'account') return 'The hosted backend did not accept this account token.';
    return 'This needs credentials.';
  }
  return MESSAGES[code] ?? detail;
}

/** Groups a 64-hex key id in fours, so two can be compared by eye. */
export function formatFingerprint(keyId: string): string {
  return (keyId.match(/.{1,4}/g) ?? []).join(' ');
}

/** `https://x.example/` → `https://x.example`; refuses anything but an http(s) URL. */
export function normaliseHostedUrl(input: string): string {
  let url: URL;
  try {
    url = new URL(input.trim());
  } catch {
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
  readonly baseUrl: string;
  readonly auth: Auth;
  private readonly fetchFn: typeof fetch;
  private csrf: Promise<string> | null = null;

  constructor(options: AdapterOptions = {}) {
    this.baseUrl = (options.baseUrl ?? '').replace(/\/+$/, '');
    this.auth = options.auth ?? { kind: 'none' };
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
  }

  /** The same daemon with other credentials (after a hosted sign-in). */
  withAuth(auth: Auth): WebAdapter {
    return new WebAdapter({ baseUrl: this.baseUrl, auth, fetch: this.fetchFn });
  }

  // --- identity and pairing ---

  /** `GET /identity` of this adapter's daemon. */
  identity(): Promise<Identity> {
    return this.request<Identity>('GET', '/identity', undefined, false);
  }

  /**
   * Reads the identity of this page's daemon and, when `hostedUrl` is given, of the hosted
   * backend (a cross-origin read: the hosted `/identity` allows any origin).
   */
  async detectBackends(hostedUrl?: string): Promise<Backends> {
    const self = await this.identity();
    const local = self.backend_type === 'local' ? self : null;
    let hosted: Identity | null = self.backend_type === 'hosted' ? self : null;
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
  async handshake(input: HandshakeInput): Promise<Paired> {
    const body: PairRequest = {
      hosted_url: normaliseHostedUrl(input.hostedUrl),
      pairing_code: input.pairingCode.trim(),
    };
    if (body.pairing_code === '') {
      throw new ApiError(0, 'invalid_request', 'Enter the pairing code.');
    }
    if (input.expectedHostedKeyId) body.expected_hosted_key_id = input.expectedHostedKeyId;
    return this.request<Paired>('POST', '/register-peer', body);
  }

  /** `POST /pairing-codes` (hosted, with the account token). */
  createPairingCode(): Promise<PairingCode> {
    const body: PairingCodeRequest = {};
    return this.request<PairingCode>('POST', '/pairing-codes', body);
  }

  // --- peers and sync ---

  /** `GET /peers`: on local with sync status; on hosted, the account's peers. */
  listPeers(): Promise<Peer[]> {
    return this.request<Peer[]>('GET', '/peers');
  }

  /** `GET /sync/metrics/{peer_id}`. */
  syncMetrics(peerId: string): Promise<SyncMetrics> {
    return this.request<SyncMetrics>('GET', `/sync/metrics/${encodeURIComponent(peerId)}`);
  }

  /** `GET /debug/sync/{peer_id}`. */
  debugSync(peerId: string): Promise<SyncDebug> {
    return this.request<SyncDebug>('GET', `/debug/sync/${encodeURIComponent(peerId)}`);
  }

  /** `GET /alerts`. */
  alerts(): Promise<Alerts> {
    return this.request<Alerts>('GET', '/alerts');
  }

  /** `GET /dashboard/telemetry?window=5m` (hosted): the last five minutes' events by name. */
  async telemetryWindow(): Promise<TelemetryWindow | null> {
    const summary = await this.request<{ windows: TelemetryWindow[] }>('GET', '/dashboard/telemetry?window=5m');
    return summary.windows[0] ?? null;
  }

  /** `GET /telemetry/status` (local): the outbox's counters. */
  async outboxStatus(): Promise<OutboxStatus> {
    const status = await this.request<{ outbox: OutboxStatus }>('GET', '/telemetry/status');
    return status.outbox;
  }

  /** Syncs one peer now, or every active peer when none is named. */
  async syncNow(peerId?: string): Promise<SyncSummary[]> {
    const ids =
      peerId !== undefined
        ? [peerId]
        : (await this.listPeers()).filter((p) => p.status === 'active').map((p) => p.peer_id);
    const summaries: SyncSummary[] = [];
    for (const id of ids) {
      summaries.push(
        await this.request<SyncSummary>('POST', `/peers/${encodeURIComponent(id)}/sync`, {}),
      );
    }
    return summaries;
  }

  // --- privacy ---

  /** `GET /privacy-settings`. */
  privacySettings(): Promise<PrivacySettings> {
    return this.request<PrivacySettings>('GET', '/privacy-settings');
  }

  /** `PUT /privacy-settings`: sets the fields given, keeps the others; answers the settings now in force. */
  updatePrivacySettings(change: PrivacyUpdate): Promise<PrivacySettings> {
    return this.request<PrivacySettings>('PUT', '/privacy-settings', change);
  }

  // --- conversations and messages ---

  listConversations(page: PageQuery = {}): Promise<ConversationPage> {
    return this.request('GET', `/api/conversations${query(page)}`);
  }

  createConversation(title?: string): Promise<Conversation> {
    const body: ConversationInput = title !== undefined && title.trim() !== '' ? { title: title.trim() } : {};
    return this.request('POST', '/api/conversations', body);
  }

  getConversation(id: string): Promise<Conversation> {
    return this.request('GET', `/api/conversations/${encodeURIComponent(id)}`);
  }

  renameConversation(id: string, title: string): Promise<Conversation> {
    const body: ConversationInput = { title };
    return this.request('PATCH', `/api/conversations/${encodeURIComponent(id)}`, body);
  }

  async deleteConversation(id: string): Promise<void> {
    await this.request<null>('DELETE', `/api/conversations/${encodeURIComponent(id)}`, {});
  }

  listMessages(conversationId: string, page: PageQuery = {}): Promise<MessagePage> {
    const path = `/api/conversations/${encodeURIComponent(conversationId)}/messages`;
    return this.request('GET', `${path}${query(page)}`);
  }

  /** Every message of a conversation, oldest first, following the cursors. */
  async allMessages(conversationId: string, maxPages = 50): Promise<Message[]> {
    const all: Message[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < maxPages; i++) {
      const page: MessagePage = await this.listMessages(conversationId, cursor === undefined ? { limit: 200 } : { limit: 200, cursor });
      all.push(...page.items);
      cursor = page.next_cursor ?? undefined;
      if (cursor === undefined) break;
    }
    return all;
  }

  postMessage(conversationId: string, content: string, role: Role = 'user'): Promise<Message> {
    const path = `/api/conversations/${encodeURIComponent(conversationId)}/messages`;
    const body: MessageInput = { role, content };
    return this.request('POST', path, body);
  }

  // --- transport ---

  /** The session's CSRF token, read once from `GET /session`. */
  private csrfToken(): Promise<string> {
    if (this.csrf === null) {
      this.csrf = this.request<Session>('GET', '/session').then((s) => {
        if (!s.csrf) throw new ApiError(401, 'unauthorized', describeError('unauthorized', '', 'session'));
        return s.csrf;
      });
      // A failed read is tried again next time (the user may open a new launch link).
      this.csrf.catch(() => {
        this.csrf = null;
      });
    }
    return this.csrf;
  }

  private async remoteIdentity(base: string): Promise<Identity> {
    let response: Response;
    try {
      response = await this.send(`${base}/identity`, {
        method: 'GET',
        credentials: 'omit',
        headers: { Accept: 'application/json' },
      });
    } catch (e) {
      const detail = e instanceof ApiError ? e.detail : String(e);
      throw new ApiError(0, 'hosted_unreachable', describeError('hosted_unreachable', detail, this.auth.kind), detail);
    }
    const found = await this.parse<Identity>(response, 'hosted_identity_invalid');
    if (typeof found.key_id !== 'string' || typeof found.backend_type !== 'string') {
      throw new ApiError(0, 'hosted_identity_invalid', describeError('hosted_identity_invalid', '', this.auth.kind));
    }
    return found;
  }

  /** One call to the daemon's API with this adapter's credentials (for the adapters of
   * single capabilities, such as e2e.ts). */
  call<T>(method: string, path: string, body?: unknown): Promise<T> {
    return this.request<T>(method, path, body);
  }

  private async request<T>(method: string, path: string, body?: unknown, authenticate = true): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    const write = WRITE_METHODS.has(method);
    if (write) headers['Content-Type'] = 'application/json';
    if (authenticate && this.auth.kind === 'account') {
      headers.Authorization = `Bearer ${this.auth.token}`;
    }
    if (authenticate && write && this.auth.kind === 'session') {
      headers['X-CSRF-Token'] = await this.csrfToken();
    }
    const init: RequestInit = { method, headers, credentials: 'same-origin', cache: 'no-store' };
    if (write) init.body = JSON.stringify(body ?? {});
    const response = await this.send(`${this.baseUrl}${path}`, init);
    return this.parse<T>(response);
  }

  private async send(url: string, init: RequestInit): Promise<Response> {
    try {
      return await this.fetchFn(url, init);
    } catch (e) {
      const detail = e instanceof Error ? e.message : String(e);
      throw new ApiError(0, 'network', describeError('network', detail, this.auth.kind), detail);
    }
  }

  private async parse<T>(response: Response, invalidCode = 'invalid_response'): Promise<T> {
    if (response.status === 204) return null as T;
    let json: unknown = null;
    try {
      json = await response.json();
    } catch {
      // An answer that is not JSON is reported below by its status.
    }
    if (response.ok) {
      if (json === null || typeof json !== 'object') {
        throw new ApiError(response.status, invalidCode, describeError(invalidCode, 'The daemon answered something that is not JSON.', this.auth.kind));
      }
      return json as T;
    }
    const error = (json as { error?: { code?: unknown; message?: unknown } } | null)?.error;
    const code = typeof error?.code === 'string' ? error.code : `http_${response.status}`;
    const detail = typeof error?.message === 'string' ? error.message : `HTTP ${response.status}`;
    throw new ApiError(response.status, code, describeError(code, detail, this.auth.kind), detail);
  }
}

function query(page: PageQuery): string {
  const params = new URLSearchParams();
  if (page.limit !== undefined) params.set('limit', String(page.limit));
  if (page.cursor) params.set('cursor', page.cursor);
  const s = params.toString();
  return s === '' ? '' : `?${s}`;
}
