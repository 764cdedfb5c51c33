// What every page is given, and what a page is.

import type { BackendType, Identity, Peer, WebAdapter } from './adapters/webAdapter.js';

export interface Context {
  /** The client, with this tab's credentials. */
  api: WebAdapter;
  /** The daemon that served this page. */
  self: Identity;
  mode: BackendType;
  main: HTMLElement;
  /** `local`, `hosted` or `other` for a backend id, to mark where a message was written. */
  label(backendId: string): string;
  /** Remembers the peers' backend ids, so `label` knows them. */
  learnPeers(peers: Peer[]): void;
  /** Hosted only: forgets the account token. */
  signOut(): void;
}

/** Renders into `ctx.main`; returns a function that stops its timers. */
export type Page = (ctx: Context, params: string[]) => () => void;
