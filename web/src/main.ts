// The web UI's entry point: finds out which daemon served it, gets credentials (the local
// session, or a hosted account token), then routes between the pages on the URL's hash.

import { ApiError, WebAdapter, networkBanner, type Identity } from './adapters/webAdapter.js';
import { h, poll, replaceChildren, withCode } from './dom.js';
import type { Context, Page } from './context.js';
import { renderConversations } from './pages/conversations.js';
import { renderDashboard } from './pages/dashboard.js';
import { renderEncryption } from './pages/encryption.js';
import { renderPair } from './pages/pair.js';
import { renderSignIn, renderNoSession, TOKEN_KEY } from './pages/signin.js';
import { renderStatus } from './pages/status.js';

const PAGES: { path: string; title: string; render: Page }[] = [
  { path: 'conversations', title: 'Conversations', render: renderConversations },
  { path: 'status', title: 'Status', render: renderStatus },
  { path: 'pair', title: 'Pair', render: renderPair },
  { path: 'encryption', title: 'Encryption', render: renderEncryption },
  { path: 'dashboard', title: 'Dashboard', render: renderDashboard },
];

/** How often the alert banner asks for the alerts. */
const ALERTS_MS = 5000;

const main = document.getElementById('main') as HTMLElement;
const nav = document.getElementById('nav') as HTMLElement;
const badge = document.getElementById('mode-badge') as HTMLElement;
const banner = document.getElementById('network-banner') as HTMLElement;
/** How often the local UI reads the peers' network state for the banner. */
const BANNER_POLL_MS = 1000;
const alertBanner = document.getElementById('alert-banner') as HTMLElement;
let stopPage: (() => void) | null = null;

async function boot(): Promise<void> {
  const anonymous = new WebAdapter();
  let self: Identity;
  try {
    self = await anonymous.identity();
  } catch (e) {
    fatal(e);
    return;
  }
  badge.textContent = self.backend_type === 'local' ? 'local backend' : 'hosted backend';
  badge.className = `badge ${self.backend_type}`;
  document.title = `backend-8825 (${self.backend_type})`;
  if (self.backend_type === 'local') {
    const api = anonymous.withAuth({ kind: 'session' });
    try {
      await api.listPeers();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'unauthorized') {
        renderNoSession(main);
        return;
      }
      fatal(e);
      return;
    }
    start(api, self);
    return;
  }
  const token = sessionStorage.getItem(TOKEN_KEY);
  if (token === null) {
    renderSignIn(main, anonymous, (signedIn) => start(signedIn, self));
    return;
  }
  start(anonymous.withAuth({ kind: 'account', token }), self);
}

function start(api: WebAdapter, self: Identity): void {
  const labels = new Map<string, string>([[self.backend_id, self.backend_type]]);
  const ctx: Context = {
    api,
    self,
    mode: self.backend_type,
    main,
    label: (backendId) => labels.get(backendId) ?? 'other',
    learnPeers: (peers) => {
      const other = self.backend_type === 'local' ? 'hosted' : 'local';
      for (const p of peers) labels.set(p.remote.backend_id, other);
    },
    signOut: () => {
      sessionStorage.removeItem(TOKEN_KEY);
      window.location.hash = '';
      window.location.reload();
    },
  };
  buildNav(ctx);
  if (ctx.mode === 'local') watchNetwork(ctx);
  poll(ALERTS_MS, () => showAlerts(ctx));
  window.addEventListener('hashchange', () => void route(ctx));
  void api
    .listPeers()
    .then((peers) => ctx.learnPeers(peers))
    .catch(() => undefined)
    .finally(() => void route(ctx));
}

/** The banner above every page: the alerts firing now (GET /alerts), or nothing. */
async function showAlerts(ctx: Context): Promise<void> {
  let firing;
  try {
    firing = (await ctx.api.alerts()).alerts.filter((a) => a.state === 'firing');
  } catch {
    return;
  }
  if (firing.length === 0) {
    alertBanner.hidden = true;
    alertBanner.replaceChildren();
    return;
  }
  const critical = firing.some((a) => a.severity === 'critical');
  alertBanner.className = `alert-banner ${critical ? 'critical' : 'warning'}`;
  const shown = firing.slice(0, 3).map((a) =>
    h('li', { 'data-rule': a.rule }, h('strong', {}, a.rule.replace(/_/g, ' ')), ': ', a.message, ' ',
      a.subject !== 'daemon' ? h('a', { href: `#/dashboard/${encodeURIComponent(a.subject)}` }, 'Debug') : ''),
  );
  const more = firing.length > shown.length ? h('li', {}, `and ${firing.length - shown.length} more on the Dashboard`) : '';
  replaceChildren(alertBanner, h('span', { class: 'title' }, `${firing.length} alert${firing.length === 1 ? '' : 's'} firing`), h('ul', {}, ...shown, more));
  alertBanner.hidden = false;
}

function buildNav(ctx: Context): void {
  const links = PAGES.map((p) => h('li', {}, h('a', { href: `#/${p.path}`, 'data-page': p.path }, p.title)));
  const items = [...links];
  if (ctx.mode === 'hosted') {
    items.push(h('li', {}, h('button', { type: 'button', class: 'link', onclick: () => ctx.signOut() }, 'Sign out')));
  }
  replaceChildren(nav, h('ul', {}, ...items));
}

/**
 * The banner above every page of the local UI while a hosted peer is offline ("Offline since
 * 10:42 — 37 changes waiting") or degraded (milder); hidden when all are online
 * (docs/web-ui.md).
 */
function watchNetwork(ctx: Context): void {
  poll(BANNER_POLL_MS, async () => {
    const shown = networkBanner(await ctx.api.listPeers());
    if (shown === null) {
      banner.hidden = true;
      banner.removeAttribute('data-tone');
      banner.textContent = '';
      return;
    }
    banner.dataset.tone = shown.tone;
    if (banner.textContent !== shown.text) banner.textContent = shown.text;
    banner.hidden = false;
  });
}

async function route(ctx: Context): Promise<void> {
  const hash = window.location.hash;
  // Other fragments (the skip link's #main) are not routes.
  if (hash !== '' && !hash.startsWith('#/')) return;
  const [path = '', ...rest] = hash.replace(/^#\//, '').split('/');
  let page = PAGES.find((p) => p.path === path);
  if (page === undefined) {
    const target = await defaultPage(ctx);
    // Someone may have gone to a page while the peers were read: stay there.
    if (window.location.hash !== hash) return;
    window.location.replace(`#/${target}`);
    return;
  }
  for (const a of nav.querySelectorAll('a[data-page]')) {
    if (a.getAttribute('data-page') === page.path) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  stopPage?.();
  main.replaceChildren();
  stopPage = page.render(ctx, rest.map(decodeURIComponent));
  // Keyboard and screen-reader users land on the new page's heading.
  main.querySelector<HTMLElement>('h1')?.focus();
}

/** A local daemon without peers starts on Pair; otherwise on Conversations. */
async function defaultPage(ctx: Context): Promise<string> {
  if (ctx.mode !== 'local') return 'conversations';
  try {
    const peers = await ctx.api.listPeers();
    return peers.length === 0 ? 'pair' : 'conversations';
  } catch {
    return 'conversations';
  }
}

function fatal(e: unknown): void {
  const message = e instanceof Error ? e.message : String(e);
  replaceChildren(main, h('h1', { tabindex: '-1' }, 'Cannot reach the daemon'), h('p', { class: 'notice error', role: 'alert' }, ...withCode(message)));
}

void boot();
