// The Dashboard with real data: a hosted and a local daemon, paired, a few conversations
// synced; the charts draw (uPlot, bundled in web/dist) and keep updating, the peer's debug
// view reads in words, and with the hosted daemon stopped the alert banner names the cause.
// Every wait is on a condition with a bound; no step sleeps.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { Browser, Page } from 'playwright-core';

import { Workspace, openPage } from './daemons.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const UI_WAIT_MS = 20_000;
const ALERT_WAIT_MS = 60_000;

let ws: Workspace;
let browser: Browser;
let hostedUrl = '';
let localUrl = '';
let page: Page;
const pageErrors: string[] = [];

async function writeConversations(n: number): Promise<void> {
  const secret = await ws.localSecret();
  for (let i = 0; i < n; i++) {
    const response = await fetch(`${localUrl}/api/conversations`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${secret}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ title: `dashboard ${i}` }),
    });
    assert.equal(response.status, 201);
  }
}

/** Whether the chart's canvas has anything drawn on it (not all transparent). */
function drawn(p: Page, chart: string): Promise<boolean> {
  return p.locator(`[data-chart="${chart}"] canvas`).evaluate((canvas) => {
    const c = canvas as HTMLCanvasElement;
    const data = c.getContext('2d')?.getImageData(0, 0, c.width, c.height).data;
    if (!data || c.width === 0 || c.height === 0) return false;
    for (let i = 3; i < data.length; i += 4) if (data[i] !== 0) return true;
    return false;
  });
}

describe('Dashboard', { timeout: 240_000 }, () => {
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ws = new Workspace();
    await ws.createAccount('carol');
    [hostedUrl, localUrl] = await Promise.all([
      ws.startHosted(),
      // Rules evaluated every second, so the banner test waits on the fault, not the timer.
      ws.startLocal({ BACKEND_8825_ALERTS_EVALUATE_INTERVAL_SECS: '1', BACKEND_8825_ALERTS_OFFLINE_SECS: '1' }),
    ]);
    await ws.pair(hostedUrl, await ws.pairingCode('carol'));
    await writeConversations(3);
    ({ browser, page } = await openPage({ width: 1280, height: 1000 }, pageErrors));
    await page.goto(await ws.launchUrl());
    await page.getByRole('heading', { name: 'Conversations' }).waitFor({ timeout: UI_WAIT_MS });
  });

  after(async () => {
    await browser?.close();
    await ws?.close();
  });

  it('draws every chart from live data and keeps sampling', async () => {
    await page.getByRole('link', { name: 'Dashboard', exact: true }).click();
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor({ timeout: UI_WAIT_MS });
    const row = page.locator('table.peer-metrics tbody tr');
    await row.first().waitFor({ timeout: UI_WAIT_MS });
    // The local daemon synced the three conversations on its own.
    await page.locator('table.peer-metrics [data-field="sync"]', { hasText: 'ok' }).waitFor({ timeout: UI_WAIT_MS });
    await page.locator('table.peer-metrics [data-field="network"]', { hasText: 'online' }).waitFor({ timeout: UI_WAIT_MS });
    for (const chart of ['latency', 'throughput', 'errors', 'outbox', 'events']) {
      // Three samples at least: the chart has been redrawn with new data twice.
      await page.waitForFunction(
        (c) => Number(document.querySelector(`[data-chart="${c}"]`)?.getAttribute('data-points') ?? 0) >= 3,
        chart,
        { timeout: UI_WAIT_MS },
      );
      assert.ok(await drawn(page, chart), `the ${chart} chart has something drawn`);
    }
    const legend = (await page.locator('[data-chart="latency"]').textContent()) ?? '';
    assert.match(legend, /p50/);
    assert.match(legend, /p90/);
    // (A browser asks for /favicon.ico, which the daemon does not have: not a page error.)
    assert.deepEqual(pageErrors.filter((e) => !/Failed to load resource/.test(e)), []);
  });

  it('shows a pairing\'s debug view in words, without a secret', async () => {
    await page.locator('table.peer-metrics tbody tr a').first().click();
    const view = page.locator('#peer-debug');
    await view.waitFor({ timeout: UI_WAIT_MS });
    await view.locator('table.exchanges tbody tr').first().waitFor({ timeout: UI_WAIT_MS });
    assert.match((await view.locator('[data-field="sbt"]').textContent()) ?? '', /^kid \S+, ends /);
    assert.match((await view.locator('[data-field="push"]').textContent()) ?? '', /^through \d+ .*, 0 behind$/);
    const text = (await view.textContent()) ?? '';
    assert.ok(!text.includes(await ws.localSecret()), 'no local secret');
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard.png'), fullPage: true });
  });

  it('raises the alert banner when the hosted backend is down', async () => {
    // Nothing is asked of the daemon: its own calls (the telemetry socket reconnecting) find
    // the backend gone, the network monitor marks it offline, and the rule fires.
    await ws.stop(hostedUrl);
    const banner = page.locator('#alert-banner [data-rule="peer_offline"]');
    await banner.waitFor({ timeout: ALERT_WAIT_MS });
    const text = (await banner.textContent()) ?? '';
    assert.match(text, /cannot be reached/);
    await page.locator('#peer-debug [data-field="network"]', { hasText: 'offline' }).waitFor({ timeout: UI_WAIT_MS });
    await page.screenshot({ path: join(ARTIFACTS, 'dashboard-alert.png'), fullPage: true });
  });
});
