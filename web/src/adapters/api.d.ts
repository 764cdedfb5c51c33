// The daemon's API as the web UI uses it: each type is taken from the OpenAPI documents the
// daemons serve (openapi-local.gen.d.ts and openapi-hosted.gen.d.ts, which `npm run gen:api`
// generates), mostly as the answer or body of a route. When the server's schema changes,
// these change with it and `tsc` points at every use that no longer fits (docs/web-ui.md).
// Types only, hence a declaration file: nothing of it is compiled into web/dist.

import type { components as LocalComponents, paths as LocalPaths } from './openapi-local.gen.js';
import type { components as HostedComponents, paths as HostedPaths } from './openapi-hosted.gen.js';

type Local = LocalComponents['schemas'];
type Hosted = HostedComponents['schemas'];

/** The JSON of an operation's answer with `status`. */
type JsonAnswer<Op, Status extends number> = Op extends { responses: { [S in Status]: { content: { 'application/json': infer B } } } }
  ? B
  : never;
/** The JSON of an operation's successful answer (200, else 201). */
export type Answer<Op> = [JsonAnswer<Op, 200>] extends [never] ? JsonAnswer<Op, 201> : JsonAnswer<Op, 200>;
/** The JSON body an operation takes. */
export type Body<Op> = Op extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

/** The routes of the local daemon and of the hosted one, for `Answer` and `Body`. */
export type { LocalPaths, HostedPaths };

export type BackendType = Local['Mode'];
/** `GET /identity`. */
export type Identity = Answer<LocalPaths['/identity']['get']>;
/** One entry of `GET /peers`. `sync` and `network` are filled in by the local daemon only. */
export type Peer = Answer<LocalPaths['/peers']['get']>[number];
/** How sync with a peer stands (`GET /peers`, local). */
export type PeerSync = Local['SyncStatusView'];
/** A hosted peer's network state, as the local daemon sees it (docs/sync.md, "Network states"). */
export type PeerNetwork = Local['NetworkView'];
/** `POST /register-peer` (local) answers this. */
export type Paired = Answer<LocalPaths['/register-peer']['post']>;
export type PairRequest = Body<LocalPaths['/register-peer']['post']>;
/** `POST /peers/{peer_id}/sync` (local) answers this. */
export type SyncSummary = Answer<LocalPaths['/peers/{peer_id}/sync']['post']>;
/** `POST /pairing-codes` (hosted). */
export type PairingCode = Answer<HostedPaths['/pairing-codes']['post']>;
export type PairingCodeRequest = Body<HostedPaths['/pairing-codes']['post']>;
/** `GET /session` (local): the CSRF token of the UI's session. */
export type Session = Answer<LocalPaths['/session']['get']>;

/** `GET /sync/metrics/{peer_id}`. */
export type SyncMetrics = Answer<LocalPaths['/sync/metrics/{peer_id}']['get']>;
/** `GET /debug/sync/{peer_id}`: never a secret. */
export type SyncDebug = Answer<LocalPaths['/debug/sync/{peer_id}']['get']>;
/** One sync with a peer (`GET /debug/sync/{peer_id}`), newest first. */
export type SyncExchange = SyncDebug['exchanges'][number];
/** What sync did with a peer since the daemon started. */
export type SyncCounters = SyncMetrics['counters'];
/** `GET /alerts`. */
export type Alerts = Answer<LocalPaths['/alerts']['get']>;
/** One alert of `GET /alerts`. */
export type Alert = Alerts['alerts'][number];
/** One window of `GET /dashboard/telemetry` (hosted): its totals, by event name and by peer. */
export type TelemetryWindow = Answer<HostedPaths['/dashboard/telemetry']['get']>['windows'][number];
/** The telemetry outbox's counters (`GET /telemetry/status`, local). */
export type OutboxStatus = Answer<LocalPaths['/telemetry/status']['get']>['outbox'];

/** `GET /privacy-settings`: this daemon's (local) or this account's (hosted). */
export type PrivacySettings = Answer<LocalPaths['/privacy-settings']['get']>;
/** `PUT /privacy-settings`: the fields given are set, the others keep their value. */
export type PrivacyUpdate = Body<LocalPaths['/privacy-settings']['put']>;

export type Conversation = Answer<LocalPaths['/api/conversations/{id}']['get']>;
export type Message = Answer<LocalPaths['/api/conversations/{id}/messages']['post']>;
export type ConversationInput = Body<LocalPaths['/api/conversations']['post']>;
export type MessageInput = Body<LocalPaths['/api/conversations/{id}/messages']['post']>;
export type Role = MessageInput['role'];
export type ConversationPage = Answer<LocalPaths['/api/conversations']['get']>;
export type MessagePage = Answer<LocalPaths['/api/conversations/{id}/messages']['get']>;
/** A page's `limit` and `cursor` (the list routes' query). */
export type PageQuery = NonNullable<LocalPaths['/api/conversations']['get']['parameters']['query']>;

/** The local daemon's end-to-end encryption routes (docs/e2e.md). */
export type KeyRef = Local['KeyRef'];
/** How encryption stands with one hosted peer (`GET /e2e`). */
export type E2eView = Answer<LocalPaths['/e2e']['get']>[number];
/** A device's request for the account's key (`GET /e2e/requests`, `POST /e2e/request`). */
export type TransferRequest = Answer<LocalPaths['/e2e/request']['post']>;
export type E2eBody = {
  enable: Body<LocalPaths['/e2e/enable']['post']>;
  recover: Body<LocalPaths['/e2e/recover']['post']>;
  rotate: Body<LocalPaths['/e2e/rotate']['post']>;
  request: Body<LocalPaths['/e2e/request']['post']>;
  approve: Body<LocalPaths['/e2e/approve']['post']>;
  accept: Body<LocalPaths['/e2e/accept']['post']>;
};
/** The account's encryption as the hosted side shows its owner (`GET /e2e`, hosted). */
export type HostedE2eView = Answer<HostedPaths['/e2e']['get']>;
/** What a reset of the account's encryption did (`POST /e2e/reset`, hosted). */
export type E2eReset = Answer<HostedPaths['/e2e/reset']['post']>;
export type E2eResetBody = Body<HostedPaths['/e2e/reset']['post']>;

/** The error body of every failed request. */
export type ErrorBody = Local['ErrorBody'] | Hosted['ErrorBody'];
