// Status: the Pause Sync switch (this computer's sync on local, the account's on hosted); each
// peer with how it stands (in sync, paused, unreachable or failing since when, revoked…), last
// sync, lag, pending versions, when its pairing credential renews, and which ids are which; a
// Force sync button (local only: the local daemon drives sync). Refreshed every 2 s.

import { ApiError, peerHealth, readableError, type Peer } from '../adapters/webAdapter.js';
import type { Context, Page } from '../context.js';
import { ago, clock, duration, h, poll, replaceChildren, showNotice, statusRegion, timeElement, until, withCode } from '../dom.js';

const REFRESH_MS = 2000;

function row(term: string | HTMLElement, value: Node | string, name: string, wide = false): HTMLElement[] {
  return [
    typeof term === 'string' ? h('dt', {}, term) : term,
    h('dd', { 'data-field': name, class: wide ? 'wide' : undefined }, value),
  ];
}

/** The peer's state as a coloured badge: "in sync", "unreachable since 14:02:07 (3 min ago)"… */
export function stateBadge(peer: Peer, local = true): HTMLElement {
  const health = peerHealth(peer);
  const since = (what: string): (Node | string)[] =>
    health.since ? [`${what} since `, timeElement(health.since), ` (${ago(health.since)})`] : [what];
  let text: (Node | string)[];
  switch (health.kind) {
    case 'unreachable':
    case 'failing':
      text = since(health.kind);
      break;
    case 'never_synced':
      text = ['not synced yet'];
      break;
    case 'ok':
      text = ['in sync'];
      break;
    case 'paused':
      text = [local ? 'paused on this computer' : 'paused for this account'];
      break;
    case 'paused_remotely':
      text = ['paused by the hosted backend'];
      break;
    default:
      text = [health.raw];
  }
  return h('span', { class: `state tone-${health.tone}`, 'data-state': health.kind }, ...text);
}

/** When the pairing's credential (its Session Binding Token) runs out; renewed on its own. */
function renewal(peer: Peer): Node | string {
  if (!peer.sbt_expires_at) return 'unknown';
  const left = until(peer.sbt_expires_at);
  const title = `The credential this pairing signs in with (a Session Binding Token) is valid until ${new Date(peer.sbt_expires_at).toLocaleString()}. The local backend renews it automatically before then.`;
  if (left === 'expired') {
    return h('span', { title }, 'overdue: the credential has expired; the local backend renews it as soon as it reaches the hosted backend');
  }
  return h('span', { title }, 'automatically, before ', timeElement(peer.sbt_expires_at), ` (${left})`);
}

function peerCard(ctx: Context, peer: Peer, notice: HTMLElement, refresh: () => void): HTMLElement {
  const local = ctx.mode === 'local';
  const other = local ? 'Hosted backend' : 'Local backend';
  const sync = peer.sync;
  const headingId = `peer-${peer.peer_id}`;
  const hintId = `peer-ids-${peer.peer_id}`;
  const idsHint = local
    ? 'The pairing id names this link between the two backends; the backend id names the hosted server.'
    : 'The pairing id names this link between the two backends; the backend id names the computer’s local backend.';
  const fields = [...row('State', stateBadge(peer, local), 'state')];
  if (sync) {
    fields.push(
      ...row('Last sync', sync.last_success_at ? ago(sync.last_success_at) : 'not yet', 'last-sync'),
      ...row('Lag', duration(sync.lag_ms), 'lag'),
      ...row('Pending', `${sync.pending_outbound ?? 0} version${sync.pending_outbound === 1 ? '' : 's'} to send`, 'pending'),
    );
    if (sync.set_aside) {
      const n = sync.set_aside;
      fields.push(...row('Set aside', h('span', {},
        h('span', { class: 'error-text' }, `${n} version${n === 1 ? '' : 's'} the peer refused`),
        sync.set_aside_reason ? h('span', { class: 'hint' }, ' ', readableError(sync.set_aside_reason)) : null,
      ), 'set-aside', true));
    }
    // A pause by the hosted backend is recorded as the last attempt's outcome, but it is not
    // an error: the badge says it.
    if (sync.last_error && sync.last_error_code !== 'remote_paused') {
      fields.push(...row('Last error', h('span', {},
        h('span', { class: 'error-text' }, readableError(sync.last_error)),
        sync.last_error_at ? h('span', { class: 'hint' }, ' Last tried ', ago(sync.last_error_at), '.') : null,
      ), 'last-error', true));
    }
  }
  fields.push(
    ...row('Pairing renews', renewal(peer), 'renews'),
    ...row(h('dt', { title: 'The pairing id names this link between the two backends.' }, 'Pairing id'),
      h('code', {}, peer.peer_id), 'pairing'),
    ...row(h('dt', { title: `The backend id names the ${local ? 'hosted server' : 'computer’s local backend'}.` }, `${other} id`),
      h('code', {}, peer.remote.backend_id), 'backend'),
  );
  if (peer.created_at) fields.push(...row('Paired', [clock(peer.created_at), ` (${ago(peer.created_at)})`].join(''), 'paired'));
  // The heading names the other backend: its URL when known, else the start of its id.
  const name = peer.remote.url
    ? h('code', {}, peer.remote.url)
    : h('code', { class: 'short', title: peer.remote.backend_id }, peer.remote.backend_id.slice(0, 8));
  const health = peerHealth(peer);
  const card = h(
    'article',
    { class: 'peer card', 'data-tone': health.tone, 'data-peer-id': peer.peer_id, 'data-state': health.kind, 'aria-labelledby': headingId, 'aria-describedby': hintId },
    h('h2', { id: headingId }, `${other} `, name),
    h('dl', {}, ...fields),
    h('p', { class: 'hint', id: hintId }, idsHint),
  );
  if (local && peer.status === 'active') {
    const button = h('button', { type: 'button', 'aria-describedby': headingId }, 'Force sync');
    button.addEventListener('click', () => {
      // aria-disabled rather than disabled: a disabled button would lose the keyboard focus.
      if (button.getAttribute('aria-disabled') === 'true') return;
      button.setAttribute('aria-disabled', 'true');
      showNotice(notice, 'info', 'Syncing…');
      ctx.api
        .syncNow(peer.peer_id)
        .then(([s]) => showNotice(notice, 'ok', `Synced: sent ${s?.pushed ?? 0}, received ${s?.pulled ?? 0} version(s).`))
        .catch((e: unknown) => showNotice(notice, 'error', e instanceof ApiError ? e.message : String(e)))
        .finally(() => {
          button.removeAttribute('aria-disabled');
          // Show the attempt's outcome on the card now, not at the next tick.
          refresh();
        });
    });
    card.append(h('div', { class: 'actions' }, button));
  }
  return card;
}

/**
 * The Pause Sync switch: a button with `role="switch"`, checked while paused, and a line that
 * says what pausing means here. `show` draws the settings the daemon answered with.
 */
function pauseSwitch(ctx: Context, notice: HTMLElement, changed: () => void): { element: HTMLElement; show: (paused: boolean) => void } {
  const local = ctx.mode === 'local';
  const button = h('button', { type: 'button', role: 'switch', id: 'pause-sync', 'aria-checked': 'false', 'aria-describedby': 'pause-sync-state' }, 'Pause Sync');
  const state = h('p', { id: 'pause-sync-state', class: 'hint', 'aria-live': 'polite' }, '');
  const section = h('section', { class: 'card pause', 'aria-label': 'Pause Sync', 'data-paused': 'false' }, button, state);
  const show = (paused: boolean): void => {
    button.setAttribute('aria-checked', String(paused));
    section.setAttribute('data-paused', String(paused));
    state.textContent = paused
      ? local
        ? 'Sync is paused on this computer: nothing is sent to or taken from the hosted backend. Your changes are kept here and sent when you resume.'
        : 'Sync is paused for this account: the computers paired with it neither send nor receive. Changes made meanwhile are sent when you resume.'
      : local
        ? 'Syncing. Pause to stop all sync and telemetry traffic from this computer; nothing is lost.'
        : 'Syncing. Pause to stop sync with every computer of this account; nothing is lost.';
  };
  button.addEventListener('click', () => {
    if (button.getAttribute('aria-disabled') === 'true') return;
    button.setAttribute('aria-disabled', 'true');
    const pause = button.getAttribute('aria-checked') !== 'true';
    ctx.api
      .updatePrivacySettings({ sync_paused: pause })
      .then((settings) => {
        show(settings.sync_paused);
        showNotice(notice, 'ok', settings.sync_paused ? 'Sync paused.' : 'Sync resumed.');
      })
      .catch((e: unknown) => showNotice(notice, 'error', e instanceof ApiError ? e.message : String(e)))
      .finally(() => {
        button.removeAttribute('aria-disabled');
        changed();
      });
  });
  return { element: section, show };
}

export const renderStatus: Page = (ctx) => {
  const notice = statusRegion('status-notice');
  const list = h('div', { id: 'peers', class: 'peers' }, h('p', {}, 'Loading…'));
  let signature = '';
  const tickSoon = (): void => void tick().catch(() => undefined);
  const pause = pauseSwitch(ctx, notice, tickSoon);
  replaceChildren(
    ctx.main,
    h('h1', { tabindex: '-1' }, 'Status'),
    h('p', {}, ctx.mode === 'local'
      ? 'The hosted backends this computer syncs with. It syncs every few seconds and right after each change.'
      : 'The computers paired with your account. Each one syncs on its own schedule.'),
    notice,
    pause.element,
    list,
  );
  const tick = async (): Promise<void> => {
    // The switch follows changes made elsewhere (the CLI, another tab).
    ctx.api.privacySettings().then((s) => pause.show(s.sync_paused)).catch(() => undefined);
    let peers: Peer[];
    try {
      peers = await ctx.api.listPeers();
    } catch (e) {
      replaceChildren(list, h('p', { class: 'notice error' }, ...withCode(e instanceof Error ? e.message : String(e))));
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
    replaceChildren(list, ...peers.map((p) => peerCard(ctx, p, notice, tickSoon)));
    if (focused) list.querySelector<HTMLElement>(`[data-peer-id="${focused}"] button`)?.focus();
  };
  return poll(REFRESH_MS, tick);
};
