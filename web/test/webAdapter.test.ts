// Unit tests of webAdapter.ts against a stub fetch that records every request.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  ApiError,
  WebAdapter,
  changesWaiting,
  formatFingerprint,
  hourMinute,
  networkBanner,
  normaliseHostedUrl,
  peerHealth,
  readableError,
  type Identity,
  type Peer,
  type PeerNetwork,
  type PeerSync,
} from '../src/adapters/webAdapter.js';

interface Seen {
  url: string;
  method: string;
  headers: Record<string, string>;
  body: string | undefined;
  credentials: RequestCredentials | undefined;
}

type Handler = (req: Seen) => { status: number; body?: unknown } | Promise<{ status: number; body?: unknown }>;

/** A fetch that answers from `handler` and records what it was asked. */
function stub(handler: Handler): { fetch: typeof fetch; seen: Seen[] } {
  const seen: Seen[] = [];
  const fake = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const req: Seen = {
      url: String(input),
      method: init?.method ?? 'GET',
      headers: { ...(init?.headers as Record<string, string> | undefined) },
      body: typeof init?.body === 'string' ? init.body : undefined,
      credentials: init?.credentials,
    };
    seen.push(req);
    const answer = await handler(req);
    const text = answer.body === undefined ? null : JSON.stringify(answer.body);
    return new Response(text, { status: answer.status, headers: { 'Content-Type': 'application/json' } });
  };
  return { fetch: fake as typeof fetch, seen };
}

function identity(type: 'local' | 'hosted', keyId = 'ab'.repeat(32)): Identity {
  return { backend_id: `${type}-id`, backend_type: type, public_key: 'PEM', key_id: keyId, capabilities: [], version: '1.0' };
}

const refusal = (status: number, code: string, message = 'nope') => ({ status, body: { error: { code, message } } });

describe('local session', () => {
  it('reads the CSRF token once and sends it on every write, never on reads', async () => {
    const { fetch, seen } = stub((req) => {
      if (req.url === '/session') return { status: 200, body: { auth: 'session', csrf: 'csrf-1', expires_at: null } };
      if (req.method === 'GET') return { status: 200, body: { items: [], next_cursor: null } };
      return { status: 201, body: { id: 'c1' } };
    });
    const api = new WebAdapter({ auth: { kind: 'session' }, fetch });
    await api.listConversations();
    await api.createConversation('Trip');
    await api.postMessage('c1', 'hello');
    assert.equal(seen.filter((r) => r.url === '/session').length, 1);
    const writes = seen.filter((r) => r.method === 'POST');
    assert.equal(writes.length, 2);
    for (const w of writes) {
      assert.equal(w.headers['X-CSRF-Token'], 'csrf-1');
      assert.equal(w.headers['Content-Type'], 'application/json');
      assert.equal(w.headers.Authorization, undefined);
      assert.equal(w.credentials, 'same-origin');
    }
    assert.deepEqual(JSON.parse(writes[1]?.body ?? ''), { role: 'user', content: 'hello' });
    const read = seen.find((r) => r.url === '/api/conversations');
    assert.equal(read?.headers['X-CSRF-Token'], undefined);
  });

  it('asks again for the CSRF token after a failed read of /session', async () => {
    let sessions = 0;
    const { fetch } = stub((req) => {
      if (req.url === '/session') {
        sessions += 1;
        return sessions === 1 ? refusal(401, 'unauthorized') : { status: 200, body: { csrf: 'csrf-2' } };
      }
      return { status: 201, body: { id: 'c' } };
    });
    const api = new WebAdapter({ auth: { kind: 'session' }, fetch });
    await assert.rejects(api.createConversation(), (e: ApiError) => e.code === 'unauthorized' && /backend-8825 ui/.test(e.message));
    await api.createConversation();
    assert.equal(sessions, 2);
  });

  it('sends a JSON body on every write, even an empty one (the guard needs the content type)', async () => {
    const { fetch, seen } = stub((req) =>
      req.url === '/session' ? { status: 200, body: { csrf: 't' } } : { status: 204 },
    );
    await new WebAdapter({ auth: { kind: 'session' }, fetch }).deleteConversation('c/1');
    const del = seen.find((r) => r.method === 'DELETE');
    assert.equal(del?.url, '/api/conversations/c%2F1');
    assert.equal(del?.body, '{}');
  });
});

describe('hosted account', () => {
  it('sends the account token as Bearer and never asks for a CSRF token', async () => {
    const { fetch, seen } = stub(() => ({ status: 201, body: { code: 'ABCD', expires_at: 'x' } }));
    const api = new WebAdapter({ baseUrl: 'https://h.example/', auth: { kind: 'account', token: 'b8825_at_x' }, fetch });
    await api.createPairingCode();
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.url, 'https://h.example/pairing-codes');
    assert.equal(seen[0]?.headers.Authorization, 'Bearer b8825_at_x');
    assert.equal(seen[0]?.headers['X-CSRF-Token'], undefined);
  });

  it('says the token was refused', async () => {
    const { fetch } = stub(() => refusal(401, 'unauthorized'));
    const api = new WebAdapter({ auth: { kind: 'account', token: 'bad' }, fetch });
    await assert.rejects(api.listConversations(), /did not accept this account token/);
  });
});

describe('detectBackends', () => {
  it('reads both identities; the hosted one cross-origin without credentials', async () => {
    const { fetch, seen } = stub((req) =>
      req.url === '/identity' ? { status: 200, body: identity('local') } : { status: 200, body: identity('hosted', 'cd'.repeat(32)) },
    );
    const api = new WebAdapter({ auth: { kind: 'session' }, fetch });
    const found = await api.detectBackends(' https://sync.example.com/ ');
    assert.equal(found.local?.backend_type, 'local');
    assert.equal(found.hosted?.key_id, 'cd'.repeat(32));
    assert.equal(seen[1]?.url, 'https://sync.example.com/identity');
    assert.equal(seen[1]?.credentials, 'omit');
  });

  it('refuses a URL that is not a hosted backend', async () => {
    const { fetch } = stub(() => ({ status: 200, body: identity('local') }));
    const api = new WebAdapter({ fetch });
    await assert.rejects(api.detectBackends('http://127.0.0.1:9'), (e: ApiError) => e.code === 'not_hosted');
    const { fetch: other } = stub((req) => (req.url === '/identity' ? { status: 200, body: identity('local') } : { status: 200, body: { hello: 1 } }));
    await assert.rejects(new WebAdapter({ fetch: other }).detectBackends('http://h.example'), (e: ApiError) => e.code === 'hosted_identity_invalid');
  });

  it('reports an unreachable hosted backend readably', async () => {
    const fetch = (async (input: string | URL | Request) => {
      if (String(input) === '/identity') return new Response(JSON.stringify(identity('local')), { status: 200 });
      throw new TypeError('Failed to fetch');
    }) as typeof globalThis.fetch;
    const api = new WebAdapter({ fetch });
    await assert.rejects(api.detectBackends('http://127.0.0.1:9'), (e: ApiError) => e.code === 'hosted_unreachable' && e.status === 0 && /could not be reached/.test(e.message));
  });
});

describe('handshake', () => {
  it('posts the normalised URL, the code and the confirmed fingerprint', async () => {
    const { fetch, seen } = stub((req) =>
      req.url === '/session' ? { status: 200, body: { csrf: 't' } } : { status: 201, body: { peer: {}, local: {}, hosted: {} } },
    );
    const api = new WebAdapter({ auth: { kind: 'session' }, fetch });
    await api.handshake({ hostedUrl: 'https://sync.example.com/', pairingCode: ' ABCD-EFGH ', expectedHostedKeyId: 'ff'.repeat(32) });
    const post = seen.find((r) => r.url === '/register-peer');
    assert.deepEqual(JSON.parse(post?.body ?? ''), {
      hosted_url: 'https://sync.example.com',
      pairing_code: 'ABCD-EFGH',
      expected_hosted_key_id: 'ff'.repeat(32),
    });
  });

  const cases: [number, string, RegExp][] = [
    [422, 'pairing_code_invalid', /not valid/],
    [422, 'pairing_code_expired', /expired/],
    [422, 'pairing_code_used', /already been used/],
    [502, 'hosted_unreachable', /could not be reached/],
    [409, 'hosted_key_mismatch', /fingerprint is not the one you confirmed/],
    [422, 'something_new', /the daemon's own words/],
  ];
  for (const [status, code, readable] of cases) {
    it(`maps ${code} to a readable message`, async () => {
      const { fetch } = stub((req) =>
        req.url === '/session' ? { status: 200, body: { csrf: 't' } } : refusal(status, code, "the daemon's own words"),
      );
      const api = new WebAdapter({ auth: { kind: 'session' }, fetch });
      await assert.rejects(api.handshake({ hostedUrl: 'http://h.example', pairingCode: 'X' }), (e: ApiError) => {
        assert.equal(e.status, status);
        assert.equal(e.code, code);
        assert.match(e.message, readable);
        return true;
      });
    });
  }

  it('refuses an empty code and a URL with credentials before any request', async () => {
    const { fetch, seen } = stub(() => ({ status: 500 }));
    const api = new WebAdapter({ auth: { kind: 'session' }, fetch });
    await assert.rejects(api.handshake({ hostedUrl: 'http://h.example', pairingCode: '  ' }), /Enter the pairing code/);
    await assert.rejects(api.handshake({ hostedUrl: 'http://u:p@h.example', pairingCode: 'X' }), /credentials/);
    await assert.rejects(api.handshake({ hostedUrl: 'ftp://h.example', pairingCode: 'X' }), /http/);
    assert.equal(seen.length, 0);
  });
});

describe('peers and sync', () => {
  it('syncNow without a peer syncs every active peer', async () => {
    const peers = [
      { peer_id: 'p1', status: 'active' },
      { peer_id: 'p2', status: 'revoked' },
      { peer_id: 'p3', status: 'active' },
    ];
    const { fetch, seen } = stub((req) => {
      if (req.url === '/peers') return { status: 200, body: peers };
      if (req.url === '/session') return { status: 200, body: { csrf: 't' } };
      return { status: 200, body: { peer_id: req.url.split('/')[2], round_trips: 1, pushed: 0, pulled: 2, epoch_reset: false } };
    });
    const summaries = await new WebAdapter({ auth: { kind: 'session' }, fetch }).syncNow();
    assert.deepEqual(summaries.map((s) => s.peer_id), ['p1', 'p3']);
    assert.deepEqual(seen.filter((r) => r.method === 'POST').map((r) => r.url), ['/peers/p1/sync', '/peers/p3/sync']);
  });
});

describe('peer health', () => {
  // Without `state` unless `extra` gives one, as a daemon older than the field sent it.
  const sync = (extra: Partial<PeerSync> = {}): PeerSync =>
    ({ last_success_at: null, lag_ms: null, pending_outbound: 0, set_aside: 0, last_error: null, last_error_at: null, ...extra }) as PeerSync;
  const peer = (status: string, s?: PeerSync): Peer => ({
    peer_id: 'p1', account_id: 'a1', remote: { backend_id: 'h1', key_id: 'k', url: 'http://h.example' },
    status, kid: 'kid1', created_at: since, sbt_expires_at: since, ...(s === undefined ? {} : { sync: s }),
  });
  const since = '2030-01-02T03:04:05.000Z';

  it('names each sync state, with its colour and since when it fails', () => {
    const cases: [Peer, string, string, string | null][] = [
      [peer('revoked', sync({ state: 'ok' })), 'revoked', 'bad', null],
      [peer('active', sync({ state: 'unreachable', failing_since: since, last_error: 'x' })), 'unreachable', 'bad', since],
      [peer('active', sync({ state: 'failing', failing_since: since, last_error: 'x' })), 'failing', 'bad', since],
      [peer('active', sync({ state: 'never_synced' })), 'never_synced', 'neutral', null],
      [peer('active', sync({ state: 'ok', failing_since: null })), 'ok', 'ok', null],
      [peer('active', sync({ state: 'paused' })), 'paused', 'warn', null],
      [peer('active', sync({ state: 'warp_drive_offline' })), 'unknown', 'neutral', null],
      [peer('suspended', sync({ state: 'ok' })), 'unknown', 'neutral', null],
      [peer('active'), 'paired', 'neutral', null],
    ];
    for (const [p, kind, tone, when] of cases) {
      const health = peerHealth(p);
      assert.deepEqual([health.kind, health.tone, health.since], [kind, tone, when], JSON.stringify(p));
    }
    assert.equal(peerHealth(peer('active', sync({ state: 'warp_drive_offline' }))).raw, 'warp_drive_offline');
  });

  it('reads the state of a daemon that does not send one from its other fields', () => {
    const at = '2030-01-02T03:04:05.000Z';
    assert.equal(peerHealth(peer('active', sync())).kind, 'never_synced');
    assert.equal(peerHealth(peer('active', sync({ last_success_at: at }))).kind, 'ok');
    const down = sync({ last_success_at: at, last_error: 'peer_unreachable: the peer cannot be reached: error sending request', last_error_at: at });
    assert.equal(peerHealth(peer('active', down)).kind, 'unreachable');
    assert.equal(peerHealth(peer('active', sync({ last_error: 'peer_refused: HTTP 401', last_error_at: at }))).kind, 'failing');
    assert.notEqual(peerHealth(peer('active', down)).tone, 'ok');
  });

  it('shows a recorded error as one line, without its code', () => {
    assert.equal(
      readableError('peer_unreachable: the peer cannot be reached:\n  error sending request\n\tfor url (http://h.example/sync)'),
      'the peer cannot be reached: error sending request for url (http://h.example/sync)',
    );
    const sentence = 'The hosted backend at http://127.0.0.1:18825 cannot be reached (connection refused).';
    assert.equal(readableError(sentence), sentence);
    assert.equal(readableError('Note: keep this'), 'Note: keep this');
  });

  it('maps an unreachable peer on Force sync to a readable message', async () => {
    const { fetch } = stub((req) =>
      req.url === '/session'
        ? { status: 200, body: { csrf: 't' } }
        : refusal(502, 'peer_unreachable', 'the peer cannot be reached: error sending request for url (http://h.example/sync)'),
    );
    await assert.rejects(new WebAdapter({ auth: { kind: 'session' }, fetch }).syncNow('p1'), (e: ApiError) => {
      assert.match(e.message, /^The hosted backend cannot be reached\./);
      assert.doesNotMatch(e.message, /error sending request/);
      assert.match(e.detail, /error sending request/);
      return true;
    });
  });
});

describe('messages', () => {
  it('follows the cursors to read every message', async () => {
    const { fetch, seen } = stub((req) => {
      const cursor = new URL(req.url, 'http://x').searchParams.get('cursor');
      return cursor === null
        ? { status: 200, body: { items: [{ id: 'm1' }, { id: 'm2' }], next_cursor: 'm2' } }
        : { status: 200, body: { items: [{ id: 'm3' }], next_cursor: null } };
    });
    const all = await new WebAdapter({ fetch }).allMessages('c1');
    assert.deepEqual(all.map((m) => m.id), ['m1', 'm2', 'm3']);
    assert.equal(seen[1]?.url, '/api/conversations/c1/messages?limit=200&cursor=m2');
  });

  it('reports an answer that is not JSON', async () => {
    const fetch = (async () => new Response('<html>', { status: 502 })) as typeof globalThis.fetch;
    await assert.rejects(new WebAdapter({ fetch }).listConversations(), (e: ApiError) => e.code === 'http_502');
  });
});

describe('helpers', () => {
  it('groups fingerprints in fours and normalises hosted URLs', () => {
    assert.equal(formatFingerprint('0123456789abcdef'), '0123 4567 89ab cdef');
    assert.equal(normaliseHostedUrl('HTTPS://Sync.Example.com//'), 'https://sync.example.com');
    assert.throws(() => normaliseHostedUrl('not a url'), /hosted URL/);
    assert.throws(() => normaliseHostedUrl('https://h.example/?x=1'), /query/);
  });
});

describe('the network banner', () => {
  const since = '2030-01-02T10:42:05.000Z';
  const peer = (network?: Partial<PeerNetwork>, status = 'active'): Peer => ({
    peer_id: `p${Math.random()}`,
    account_id: 'a',
    remote: { backend_id: 'h', key_id: 'k', url: 'http://h.example' },
    status,
    kid: 'kid1',
    created_at: since,
    sbt_expires_at: since,
    ...(network === undefined
      ? {}
      : {
          network: {
            state: 'online',
            since,
            pending_versions: 0,
            pending_bytes: 0,
            oldest_pending_at: null,
            telemetry_outbox: 0,
            ...network,
          },
        }),
  });

  it('is hidden while every hosted peer is online', () => {
    assert.equal(networkBanner([]), null);
    assert.equal(networkBanner([peer(), peer({ state: 'online', pending_versions: 3 })]), null);
    assert.equal(networkBanner([peer({ state: 'offline' }, 'revoked')]), null, 'a revoked pairing is not an outage');
  });

  it('says since when a peer is offline and how many changes wait, before any degraded one', () => {
    const shown = networkBanner([peer({ state: 'degraded', pending_versions: 2 }), peer({ state: 'offline', pending_versions: 37 })]);
    assert.equal(shown?.tone, 'offline');
    assert.equal(shown?.text, `Offline since ${hourMinute(since)} — 37 changes waiting`);
    assert.match(hourMinute(since), /^\d{1,2}:\d{2}/);
  });

  it('is milder for a degraded peer', () => {
    const shown = networkBanner([peer({ state: 'degraded', pending_versions: 1 })]);
    assert.equal(shown?.tone, 'degraded');
    assert.match(shown?.text ?? '', /slow or refusing some requests since .* — 1 change waiting$/);
  });

  it('counts changes in words', () => {
    assert.equal(changesWaiting(0), 'nothing waiting');
    assert.equal(changesWaiting(1), '1 change waiting');
    assert.equal(changesWaiting(37), '37 changes waiting');
  });
});
