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

export type BackendType = 'local' | 'hosted';

/** `GET /identity`. */
export interface Identity {
  backend_id: string;
  backend_type: BackendType;
  public_key: string;
  key_id: string;
  capabilities: string[];
  version: string;
}

/** What `detectBackends()` found: this page's own daemon, and each side of a pairing. */
export interface Backends {
  self: Identity;
  local: Identity | null;
  hosted: Identity | null;
}

export interface PeerSync {
  last_success_at: string | null;
  lag_ms: number | null;
  pending_outbound: number | null;
  /** One readable sentence (older daemons: `code: detail`). */
  last_error: string | null;
  last_error_at: string | null;
  /**
   * `never_synced`, `ok`, `unreachable`, `failing`, `paused` (Pause Sync is on here) or
   * `paused_remotely` (the hosted backend paused the account's sync); absent from older daemons.
   */
  state?: string;
  /** The first failed attempt since the last success; null when the last attempt succeeded. */
  failing_since?: string | null;
  /** The last error's code, e.g. `peer_unreachable`, `peer_refused`. */
  last_error_code?: string | null;
  /** Versions the peer refused, set aside so the others still sync; absent from older daemons. */
  set_aside?: number;
  /** The latest refusal among them, `code: message`. */
  set_aside_reason?: string | null;
}

/** A hosted peer's network state, as the local daemon sees it (docs/sync.md, "Network states"). */
export interface PeerNetwork {
  /** `online`, `degraded` (slow or refusing some calls) or `offline` (unreachable). */
  state: string;
  /** When it entered this state; null before any call to it was seen. */
  since: string | null;
  /** Changes written here that the peer has not received yet. */
  pending_versions: number;
  /** Their approximate size: characters of titles and contents. */
  pending_bytes: number;
  oldest_pending_at: string | null;
  /** Telemetry events waiting in the outbox for this peer. */
  telemetry_outbox: number;
}

/** One entry of `GET /peers`. `sync` and `network` are present on the local daemon only. */
export interface Peer {
  peer_id: string;
  account_id: string;
  remote: { backend_id: string; key_id: string; url: string | null };
  status: string;
  kid?: string;
  created_at?: string;
  sbt_expires_at: string | null;
  sync?: PeerSync;
  network?: PeerNetwork;
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
  const active = peers.filter((p) => p.status === 'active' && p.network !== undefined);
  for (const tone of ['offline', 'degraded'] as const) {
    const hit = active.filter((p) => p.network!.state === tone);
    if (hit.length === 0) continue;
    const since = hit
      .map((p) => p.network!.since)
      .filter((s): s is string => s !== null)
      .sort((a, b) => Date.parse(a) - Date.parse(b))[0];
    const waiting = changesWaiting(hit.reduce((n, p) => n + p.network!.pending_versions, 0));
    const when = since === undefined ? '' : ` since ${hourMinute(since)}`;
    const text =
      tone === 'offline'
        ? `Offline${when} — ${waiting}`
        : `The hosted backend is slow or refusing some requests${when} — ${waiting}`;
    return { tone, text };
  }
  return null;
}

/** One sync with a peer (`GET /debug/sync/{peer_id}`), newest first. */
export interface SyncExchange {
  /** Unix ms. */
  at: number;
  direction: 'outbound' | 'inbound';
  pushed: number;
  pulled: number;
  status: 'ok' | 'error' | 'paused';
  error_code: string | null;
  error_message: string | null;
  duration_ms: number;
}

/** What sync did with a peer since the daemon started. */
export interface SyncCounters {
  attempted: number;
  succeeded: number;
  failed: number;
  failed_by_code: Record<string, number>;
  paused: number;
  versions_pushed: number;
  versions_pulled: number;
  bytes_pushed: number;
  bytes_pulled: number;
  consecutive_failures: number;
}

/** `GET /sync/metrics/{peer_id}`. */
export interface SyncMetrics {
  peer_id: string;
  counters: SyncCounters;
  lag: {
    oldest_unacknowledged_ms: number | null;
    since_caught_up_ms: number | null;
    behind_versions: number;
    behind_peer_versions: number | null;
  };
  duration_ms: { count: number; p50: number | null; p90: number | null; p99: number | null; max: number | null };
  pending_outbound: number;
  set_aside: number;
  telemetry: { outbox_depth: number; outbox_oldest_ms: number | null; connected: boolean };
  sync_state: string;
  /** The network monitor's view (local); `null` on hosted. */
  network_state: string | null;
  network_since: string | null;
  clock_skew_secs: number | null;
}

/** `GET /debug/sync/{peer_id}`: never a secret. */
export interface SyncDebug {
  peer_id: string;
  status: string;
  remote_backend_id: string;
  remote_url: string | null;
  sync_state: string;
  network_state: string | null;
  network_since: string | null;
  cursors: {
    local_epoch: string;
    pull_epoch: string | null;
    pull_seq: number;
    push_epoch: string | null;
    push_seq: number;
    feed_head: number;
    last_success_at: string | null;
    last_error_code: string | null;
    last_error: string | null;
    last_error_at: string | null;
    failing_since: string | null;
  };
  exchanges: SyncExchange[];
  counters: SyncCounters;
  sbt: { kid: string; expires_at: string; expires_in_secs: number };
  rate_limit: { sync_per_peer_per_minute: number; sync_per_peer_burst: number; recent_refused_by_limit: number };
  telemetry: { outbox_depth: number; outbox_oldest_ms: number | null; connected: boolean };
  telemetry_link: { connected: boolean; connects: number; sent_batches: number; acked_batches: number; last_error: string | null } | null;
  backoff: { failures: number; next_attempt_at: number; code: string } | null;
  next_attempt_at: string | null;
  clock_skew_secs: number | null;
  alerts: Alert[];
}

/** One alert of `GET /alerts`. */
export interface Alert {
  rule: string;
  /** A peer id, or `daemon`. */
  subject: string;
  state: 'firing' | 'resolved';
  severity: 'warning' | 'critical';
  message: string;
  fired_at: number;
  resolved_at: number | null;
}

/** `GET /alerts`. */
export interface Alerts {
  alerts: Alert[];
  firing: Record<string, number>;
}

/** Per event name, in one window of `GET /dashboard/telemetry` (hosted). */
export interface TelemetryWindow {
  window: string;
  since: number;
  total: { count: number; errors: number };
  by_name: Record<string, { count: number; errors: number }>;
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
  if (sync === undefined) return { kind: 'paired', tone: 'neutral', since: null, raw: peer.status };
  const since = sync.failing_since ?? null;
  let state = sync.state;
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

/** `GET /privacy-settings`: this daemon's (local) or this account's (hosted). */
export interface PrivacySettings {
  sync_paused: boolean;
  telemetry_enabled: boolean;
  redact_pii: boolean;
  redact_synced_content: boolean;
  retention_days: number;
  telemetry_retention_days: number;
  audit_retention_days: number;
}

/** `POST /register-peer` (local) answers this. */
export interface Paired {
  peer: Peer;
  local: { backend_id: string; key_id: string };
  hosted: { backend_id: string; key_id: string };
}

/** `POST /peers/{peer_id}/sync` answers this. */
export interface SyncSummary {
  peer_id: string;
  round_trips: number;
  pushed: number;
  pulled: number;
  epoch_reset: boolean;
}

export interface Conversation {
  id: string;
  /** `null` on the hosted side when the conversation is end-to-end encrypted. */
  title: string | null;
  created_at: string;
  updated_at: string;
  source_backend: string;
  /** Present, true, when it is end-to-end encrypted: the hosted side cannot show it. */
  encrypted?: boolean;
  notice?: string;
}

export type Role = 'user' | 'assistant' | 'system';

export interface Message {
  id: string;
  conversation_id: string;
  role: Role;
  /** `null` on the hosted side when the message is end-to-end encrypted. */
  content: string | null;
  created_at: string;
  updated_at: string;
  source_backend: string;
  encrypted?: boolean;
  notice?: string;
}

export interface Page<T> {
  items: T[];
  next_cursor: string | null;
}

export interface PageQuery {
  limit?: number;
  cursor?: string | null;
}

export interface PairingCode {
  code: string;
  expires_at: string;
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
    const body: Record<string, string> = {
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
    return this.request<PairingCode>('POST', '/pairing-codes', {});
  }

  // --- peers and sync ---

  /** `GET /peers`: on local with sync status; on hosted, the account's peers. */
  listPeers(): Promise<Peer[]> {
    return this.request<Peer[]>('GET', '/peers');
  }

  /** Syncs one peer now, or every active peer when none is named. */
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
  async outboxStatus(): Promise<{ accepted: number; pending: number; delivered: number; dropped: number }> {
    const status = await this.request<{ outbox: { accepted: number; pending: number; delivered: number; dropped: number } }>('GET', '/telemetry/status');
    return status.outbox;
  }

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
  updatePrivacySettings(change: Partial<PrivacySettings>): Promise<PrivacySettings> {
    return this.request<PrivacySettings>('PUT', '/privacy-settings', change);
  }

  // --- conversations and messages ---

  listConversations(page: PageQuery = {}): Promise<Page<Conversation>> {
    return this.request('GET', `/api/conversations${query(page)}`);
  }

  createConversation(title?: string): Promise<Conversation> {
    const body = title !== undefined && title.trim() !== '' ? { title: title.trim() } : {};
    return this.request('POST', '/api/conversations', body);
  }

  getConversation(id: string): Promise<Conversation> {
    return this.request('GET', `/api/conversations/${encodeURIComponent(id)}`);
  }

  renameConversation(id: string, title: string): Promise<Conversation> {
    return this.request('PATCH', `/api/conversations/${encodeURIComponent(id)}`, { title });
  }

  async deleteConversation(id: string): Promise<void> {
    await this.request<null>('DELETE', `/api/conversations/${encodeURIComponent(id)}`, {});
  }

  listMessages(conversationId: string, page: PageQuery = {}): Promise<Page<Message>> {
    const path = `/api/conversations/${encodeURIComponent(conversationId)}/messages`;
    return this.request('GET', `${path}${query(page)}`);
  }

  /** Every message of a conversation, oldest first, following the cursors. */
  async allMessages(conversationId: string, maxPages = 50): Promise<Message[]> {
    const all: Message[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < maxPages; i++) {
      const page: Page<Message> = await this.listMessages(conversationId, { limit: 200, cursor });
      all.push(...page.items);
      cursor = page.next_cursor;
      if (cursor === null) break;
    }
    return all;
  }

  postMessage(conversationId: string, content: string, role: Role = 'user'): Promise<Message> {
    const path = `/api/conversations/${encodeURIComponent(conversationId)}/messages`;
    return this.request('POST', path, { role, content });
  }

  // --- transport ---

  /** The session's CSRF token, read once from `GET /session`. */
  private csrfToken(): Promise<string> {
    if (this.csrf === null) {
      this.csrf = this.request<{ csrf: string | null }>('GET', '/session').then((s) => {
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
