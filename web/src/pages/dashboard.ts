// Dashboard: live charts of this daemon (sync latency, throughput, errors, the telemetry
// outbox, telemetry events per minute by name and level), each peer's numbers, and one
// peer's debug view (`GET /debug/sync/{peer_id}`, at #/dashboard/{peer_id}) in readable form.
// Sampled every 2 s while the page is open; the charts keep the last five minutes.

import { readableError, type Peer, type SyncDebug, type SyncMetrics } from '../adapters/webAdapter.js';
import { TimeChart, chartsAvailable } from '../charts.js';
import type { Context, Page } from '../context.js';
import { ago, duration, h, poll, replaceChildren, timeElement, withCode } from '../dom.js';

const REFRESH_MS = 2000;
/** Peers sampled at most (each costs one request per sample). */
const MAX_PEERS = 8;

interface Totals {
  at: number;
  pushed: number;
  pulled: number;
  failed: number;
  events: number | null;
}

function chartCard(id: string, title: string, hint: string): { card: HTMLElement; plot: HTMLElement } {
  const plot = h('div', { class: 'chart', 'data-chart': id, role: 'img', 'aria-label': title });
  const card = h('section', { class: 'card chart-card', 'aria-labelledby': `chart-${id}` }, h('h2', { id: `chart-${id}` }, title), h('p', { class: 'hint' }, hint), plot);
  return { card, plot };
}

function ms(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  return value < 10 ? `${value.toFixed(1)} ms` : `${Math.round(value)} ms`;
}

function row(term: string, value: Node | string, name: string): HTMLElement[] {
  return [h('dt', {}, term), h('dd', { 'data-field': name }, value)];
}

function short(id: string): string {
  return id.slice(0, 8);
}

/** One peer's numbers, a row of the table under the charts. */
function metricsRow(m: SyncMetrics): HTMLElement {
  const c = m.counters;
  return h(
    'tr',
    { 'data-peer-id': m.peer_id },
    h('td', {}, h('a', { href: `#/dashboard/${encodeURIComponent(m.peer_id)}`, title: m.peer_id }, h('code', {}, short(m.peer_id)))),
    h('td', { 'data-field': 'sync' }, m.sync_state),
    h('td', { 'data-field': 'network' }, m.network_state ?? '—'),
    h('td', {}, `${c.succeeded} / ${c.attempted}`),
    h('td', {}, String(c.failed)),
    h('td', {}, `${c.versions_pushed} ↑ ${c.versions_pulled} ↓`),
    h('td', {}, `${ms(m.duration_ms.p50)} / ${ms(m.duration_ms.p90)}`),
    h('td', {}, String(m.pending_outbound)),
    h('td', {}, m.lag.oldest_unacknowledged_ms == null ? 'none' : duration(m.lag.oldest_unacknowledged_ms)),
  );
}

/** `GET /debug/sync/{peer_id}` in readable form. */
function debugView(d: SyncDebug): HTMLElement {
  const cur = d.cursors;
  const fields = [
    ...row('Pairing', h('span', {}, h('code', {}, d.peer_id), ` (${d.status})`), 'status'),
    ...row('Other backend', h('span', {}, d.remote_url ? h('code', {}, d.remote_url) : '', ' ', h('code', { class: 'short', title: d.remote_backend_id }, short(d.remote_backend_id))), 'remote'),
    ...row('Sync state', d.sync_state, 'sync-state'),
    ...row('Network state', d.network_state == null ? 'not watched here (the hosted side does not call its peers)' : h('span', {}, d.network_state, d.network_since ? h('span', {}, ' since ', timeElement(d.network_since)) : ''), 'network'),
    ...row('This store', h('span', {}, 'epoch ', h('code', {}, cur.local_epoch), `, feed at ${cur.feed_head}`), 'local-epoch'),
    ...row('Pulled from the peer', cur.pull_epoch ? h('span', {}, `through ${cur.pull_seq} of epoch `, h('code', {}, cur.pull_epoch)) : 'nothing yet', 'pull'),
    ...row('Acknowledged by the peer', cur.push_epoch ? h('span', {}, `through ${cur.push_seq} (epoch `, h('code', {}, cur.push_epoch), `), ${cur.feed_head - cur.push_seq} behind`) : 'nothing yet', 'push'),
    ...row('Last success', cur.last_success_at ? h('span', {}, timeElement(cur.last_success_at), ` (${ago(cur.last_success_at)})`) : 'never', 'last-success'),
    ...row('Last error', cur.last_error ? h('span', { class: 'error-text' }, cur.last_error_code ? h('code', {}, cur.last_error_code) : '', ' ', readableError(cur.last_error)) : 'none', 'last-error'),
    ...row('Session Binding Token', h('span', {}, 'kid ', h('code', {}, d.sbt.kid), ', ends ', timeElement(d.sbt.expires_at), d.sbt.expires_in_secs > 0 ? ` (in ${duration(d.sbt.expires_in_secs * 1000)})` : ' (ended)'), 'sbt'),
    ...row('Rate limit', d.rate_limit.sync_per_peer_per_minute === 0 ? 'off' : `${d.rate_limit.sync_per_peer_per_minute} syncs a minute, ${d.rate_limit.sync_per_peer_burst} at once; ${d.rate_limit.recent_refused_by_limit} of the recent syncs refused by it`, 'rate-limit'),
    ...row('Telemetry socket', `${d.telemetry.connected ? 'open' : 'closed'}${d.telemetry_link?.last_error ? ` (last: ${d.telemetry_link.last_error})` : ''}; ${d.telemetry.outbox_depth} event(s) waiting`, 'telemetry'),
    ...row('Backoff', d.backoff ? h('span', {}, `${d.backoff.failures} failure(s) in a row (${d.backoff.code}); next attempt `, d.next_attempt_at ? timeElement(d.next_attempt_at) : '') : 'none', 'backoff'),
    ...row('Clock skew', d.clock_skew_secs == null ? 'not measured here' : `${d.clock_skew_secs} s`, 'skew'),
  ];
  const exchanges = h(
    'table',
    { class: 'exchanges' },
    h('caption', {}, `The last ${d.exchanges.length} sync exchange(s), newest first`),
    h('thead', {}, h('tr', {}, ...['Time', 'Direction', 'Sent', 'Received', 'Status', 'Error', 'Duration'].map((t) => h('th', { scope: 'col' }, t)))),
    h(
      'tbody',
      {},
      ...d.exchanges.map((e) =>
        h(
          'tr',
          { 'data-status': e.status },
          h('td', {}, new Date(e.at).toLocaleTimeString()),
          h('td', {}, e.direction),
          h('td', {}, String(e.pushed)),
          h('td', {}, String(e.pulled)),
          h('td', { class: e.status === 'error' ? 'error-text' : '' }, e.status),
          h('td', {}, e.error_code ? h('span', {}, h('code', {}, e.error_code), ' ', readableError(e.error_message ?? '')) : ''),
          h('td', {}, ms(e.duration_ms)),
        ),
      ),
    ),
  );
  const alerts = d.alerts.map((a) => h('li', { 'data-state': a.state }, h('strong', {}, `${a.rule} (${a.state})`), ': ', a.message));
  return h(
    'section',
    { class: 'card debug', id: 'peer-debug', 'data-peer-id': d.peer_id, 'aria-labelledby': 'peer-debug-title' },
    h('h2', { id: 'peer-debug-title' }, 'Debug: pairing ', h('code', {}, short(d.peer_id))),
    h('dl', {}, ...fields),
    exchanges,
    alerts.length ? h('ul', { class: 'alerts' }, ...alerts) : h('p', { class: 'hint' }, 'No alert about this pairing.'),
  );
}

export const renderDashboard: Page = (ctx: Context, params: string[]) => {
  const local = ctx.mode === 'local';
  const selected = params[0] ?? null;
  const latency = chartCard('latency', 'Sync latency', 'Milliseconds per sync, p50 and p90 of the slowest peer.');
  const throughput = chartCard('throughput', 'Throughput', 'Versions a second, sent and received.');
  const errors = chartCard('errors', 'Errors', 'Failed syncs a minute.');
  const outbox = chartCard('outbox', 'Telemetry outbox', local ? 'Events waiting to be sent to the hosted backend.' : 'Events waiting for each peer (kept on the computers, not here).');
  const events = chartCard('events', 'Telemetry events', local ? 'Events a minute written on this computer.' : 'Events a minute by name and level, over the last five minutes.');
  const charts = {
    latency: new TimeChart(latency.plot, 'ms'),
    throughput: new TimeChart(throughput.plot, 'versions/s'),
    errors: new TimeChart(errors.plot, 'per min'),
    outbox: new TimeChart(outbox.plot, 'events'),
    events: new TimeChart(events.plot, 'per min'),
  };
  const table = h('tbody', {});
  const debug = h('div', { id: 'debug-slot' });
  const problem = h('p', { class: 'notice', role: 'status', 'aria-live': 'polite' });
  replaceChildren(
    ctx.main,
    h('h1', { tabindex: '-1' }, 'Dashboard'),
    h('p', {}, 'Live: sampled every 2 s while this page is open; the charts keep the last five minutes. Prometheus can scrape the same numbers at ', h('code', {}, '/metrics'), '.'),
    chartsAvailable() ? '' : h('p', { class: 'notice error' }, 'The charting library did not load.'),
    problem,
    h('div', { class: 'charts' }, latency.card, throughput.card, errors.card, outbox.card, events.card),
    h(
      'section',
      { class: 'card', 'aria-labelledby': 'peer-table-title' },
      h('h2', { id: 'peer-table-title' }, local ? 'Hosted backends' : 'Paired computers'),
      h(
        'table',
        { class: 'peer-metrics' },
        h('thead', {}, h('tr', {}, ...['Pairing', 'Sync', 'Network', 'Synced', 'Failed', 'Versions', 'p50 / p90', 'Pending', 'Oldest unsent'].map((t) => h('th', { scope: 'col' }, t)))),
        table,
      ),
      h('p', { class: 'hint' }, 'Counted since the daemon started. Choose a pairing for its debug view.'),
    ),
    debug,
  );
  let previous: Totals | null = null;
  const tick = async (): Promise<void> => {
    const now = Date.now();
    let peers: Peer[];
    try {
      peers = await ctx.api.listPeers();
    } catch (e) {
      replaceChildren(problem, ...withCode(e instanceof Error ? e.message : String(e)));
      problem.className = 'notice error';
      return;
    }
    problem.className = 'notice';
    problem.textContent = '';
    const sampled = peers.filter((p) => p.status === 'active' || p.peer_id === selected).slice(0, MAX_PEERS);
    const metrics = (await Promise.all(sampled.map((p) => ctx.api.syncMetrics(p.peer_id).catch(() => null)))).filter((m): m is SyncMetrics => m !== null);
    replaceChildren(table, ...metrics.map(metricsRow));
    const worst = (pick: (m: SyncMetrics) => number | null): number | null =>
      metrics.reduce<number | null>((acc, m) => {
        const v = pick(m);
        return v === null ? acc : Math.max(acc ?? 0, v);
      }, null);
    charts.latency.push(now, { p50: worst((m) => m.duration_ms.p50 ?? null), p90: worst((m) => m.duration_ms.p90 ?? null) });
    const sum = (pick: (m: SyncMetrics) => number): number => metrics.reduce((acc, m) => acc + pick(m), 0);
    let eventsTotal: number | null = null;
    let byName: Record<string, number> = {};
    if (local) {
      const status = await ctx.api.outboxStatus().catch(() => null);
      eventsTotal = status?.accepted ?? null;
      charts.outbox.push(now, { waiting: status?.pending ?? null });
    } else {
      charts.outbox.push(now, { waiting: sum((m) => m.telemetry.outbox_depth) });
      const window = await ctx.api.telemetryWindow().catch(() => null);
      for (const [name, stats] of Object.entries(window?.by_name ?? {}).slice(0, 6)) {
        byName[`${name} (info)`] = (stats.count - stats.errors) / 5;
        byName[`${name} (error)`] = stats.errors / 5;
      }
      if (Object.keys(byName).length === 0) byName = { events: 0 };
    }
    const totals: Totals = { at: now, pushed: sum((m) => m.counters.versions_pushed), pulled: sum((m) => m.counters.versions_pulled), failed: sum((m) => m.counters.failed), events: eventsTotal };
    if (previous !== null) {
      const secs = Math.max((now - previous.at) / 1000, 0.001);
      const rate = (a: number, b: number): number => Math.max(a - b, 0) / secs;
      charts.throughput.push(now, { sent: rate(totals.pushed, previous.pushed), received: rate(totals.pulled, previous.pulled) });
      charts.errors.push(now, { failed: rate(totals.failed, previous.failed) * 60 });
      if (local) {
        const written = totals.events !== null && previous.events !== null ? rate(totals.events, previous.events) * 60 : null;
        charts.events.push(now, { written });
      }
    }
    if (!local) charts.events.push(now, byName);
    previous = totals;
    if (selected !== null) {
      try {
        replaceChildren(debug, debugView(await ctx.api.debugSync(selected)));
      } catch (e) {
        replaceChildren(debug, h('p', { class: 'notice error' }, ...withCode(e instanceof Error ? e.message : String(e))));
      }
    }
  };
  const stop = poll(REFRESH_MS, tick);
  return () => {
    stop();
    for (const chart of Object.values(charts)) chart.destroy();
  };
};
