// Status: each peer with its state, last sync, lag, pending versions and SBT expiry, and a
// Force sync button (local only: the local daemon drives sync). Refreshed every 2 s.

import { ApiError, type Peer } from '../adapters/webAdapter.js';
import type { Context, Page } from '../context.js';
import { ago, duration, h, poll, replaceChildren, showNotice, statusRegion, until } from '../dom.js';

const REFRESH_MS = 2000;

function row(term: string, value: Node | string, name: string): HTMLElement[] {
  return [h('dt', {}, term), h('dd', { 'data-field': name }, value)];
}

function peerCard(ctx: Context, peer: Peer, notice: HTMLElement): HTMLElement {
  const other = ctx.mode === 'local' ? 'Hosted backend' : 'Local backend';
  const sync = peer.sync;
  const state = h('span', { class: `state ${peer.status}` }, peer.status);
  const fields = [
    ...row('State', state, 'state'),
    ...row('Backend', h('code', {}, peer.remote.backend_id), 'backend'),
  ];
  if (peer.remote.url) fields.push(...row('URL', peer.remote.url, 'url'));
  if (sync) {
    fields.push(
      ...row('Last sync', sync.last_success_at ? ago(sync.last_success_at) : 'not yet', 'last-sync'),
      ...row('Lag', duration(sync.lag_ms), 'lag'),
      ...row('Pending', `${sync.pending_outbound ?? 0} version${sync.pending_outbound === 1 ? '' : 's'} to send`, 'pending'),
    );
    if (sync.last_error) {
      fields.push(...row('Last error', `${sync.last_error} (${ago(sync.last_error_at)})`, 'last-error'));
    }
  }
  fields.push(...row('SBT expires', peer.sbt_expires_at ? until(peer.sbt_expires_at) : 'unknown', 'sbt'));
  const card = h(
    'article',
    { class: 'peer card', 'data-peer-id': peer.peer_id, 'aria-labelledby': `peer-${peer.peer_id}` },
    h('h2', { id: `peer-${peer.peer_id}` }, `${other} `, h('code', { class: 'short' }, peer.peer_id.slice(0, 8))),
    h('dl', {}, ...fields),
  );
  if (ctx.mode === 'local' && peer.status === 'active') {
    const button = h('button', { type: 'button', 'aria-describedby': `peer-${peer.peer_id}` }, 'Force sync');
    button.addEventListener('click', () => {
      button.disabled = true;
      showNotice(notice, 'info', 'Syncing…');
      ctx.api
        .syncNow(peer.peer_id)
        .then(([s]) => showNotice(notice, 'ok', `Synced: sent ${s?.pushed ?? 0}, received ${s?.pulled ?? 0} version(s).`))
        .catch((e: unknown) => showNotice(notice, 'error', e instanceof ApiError ? e.message : String(e)))
        .finally(() => {
          button.disabled = false;
        });
    });
    card.append(h('div', { class: 'actions' }, button));
  }
  return card;
}

export const renderStatus: Page = (ctx) => {
  const notice = statusRegion('status-notice');
  const list = h('div', { id: 'peers', class: 'peers' }, h('p', {}, 'Loading…'));
  let signature = '';
  replaceChildren(
    ctx.main,
    h('h1', { tabindex: '-1' }, 'Status'),
    h('p', {}, ctx.mode === 'local'
      ? 'The hosted backends this computer syncs with. It syncs every few seconds and right after each change.'
      : 'The computers paired with your account. Each one syncs on its own schedule.'),
    notice,
    list,
  );
  return poll(REFRESH_MS, async () => {
    let peers: Peer[];
    try {
      peers = await ctx.api.listPeers();
    } catch (e) {
      replaceChildren(list, h('p', { class: 'notice error' }, e instanceof Error ? e.message : String(e)));
      signature = '';
      return;
    }
    ctx.learnPeers(peers);
    // Redraw only what changed, so a focused button keeps its focus.
    const next = JSON.stringify(peers) + Math.floor(Date.now() / 10_000);
    if (next === signature) return;
    signature = next;
    const focused = document.activeElement?.closest('[data-peer-id]')?.getAttribute('data-peer-id');
    if (peers.length === 0) {
      replaceChildren(list, h('p', {}, 'Not paired yet. ', ctx.mode === 'local' ? h('a', { href: '#/pair' }, 'Pair with a hosted backend') : 'Create a pairing code on the Pair page.'));
      return;
    }
    replaceChildren(list, ...peers.map((p) => peerCard(ctx, p, notice)));
    if (focused) list.querySelector<HTMLElement>(`[data-peer-id="${focused}"] button`)?.focus();
  });
};
