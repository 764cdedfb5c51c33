// The network banner of the local UI, in Chromium against real daemons: the hosted daemon
// stopped, the banner on every page says since when it is offline and how many changes wait
// (the ones written meanwhile); the hosted daemon started again on its port and data, the
// banner clears and the changes arrive. Every wait is on a condition with a bound; no step
// sleeps.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { chromium, type Browser, type Page } from 'playwright-core';

import { Workspace } from './daemons.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const UI_WAIT_MS = 10_000;
const SYNC_WAIT_MS = 30_000;
const WRITES = 3;

let ws: Workspace;
let browser: Browser;
let hostedUrl = '';
let localUrl = '';
let token = '';
let local: Page;
const pageErrors: string[] = [];

/** Polls `condition` every 100 ms until it holds, failing after `ms`. */
async function eventually(what: string, ms: number, condition: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function createConversation(title: string): Promise<void> {
  const response = await fetch(`${localUrl}/api/conversations`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${await ws.localSecret()}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ title }),
  });
  assert.equal(response.status, 201, await response.text());
}

/** The titles the hosted daemon holds for the account. */
async function hostedTitles(): Promise<string[]> {
  const response = await fetch(`${hostedUrl}/api/conversations?limit=100`, { headers: { Authorization: `Bearer ${token}` } });
  if (response.status !== 200) return [];
  const page = (await response.json()) as { items: { title: string | null }[] };
  return page.items.map((c) => c.title ?? '');
}

describe('The network banner of the local UI', { timeout: 180_000 }, () => {
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ws = new Workspace();
    token = await ws.createAccount('dana');
    [hostedUrl, localUrl] = await Promise.all([ws.startHosted(), ws.startLocal()]);
    await ws.pair(hostedUrl, await ws.pairingCode('dana'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    local = await context.newPage();
    local.on('pageerror', (e) => pageErrors.push(e.message));
    await local.goto(await ws.launchUrl());
    await local.getByRole('heading', { name: 'Conversations' }).waitFor({ timeout: UI_WAIT_MS });
  });

  after(async () => {
    await browser?.close();
    await ws?.close();
  });

  it('shows the outage and what waits on every page, then clears when the hosted backend is back', async () => {
    await createConversation('before the outage');
    await eventually('the first sync', SYNC_WAIT_MS, async () => (await hostedTitles()).includes('before the outage'));
    const banner = local.locator('#network-banner');
    assert.equal(await banner.isVisible(), false, 'no banner while online');

    await ws.stop(hostedUrl);
    for (let i = 0; i < WRITES; i++) await createConversation(`written offline ${i}`);
    const offline = local.locator('#network-banner[data-tone="offline"]', {
      hasText: new RegExp(`^Offline since \\d{1,2}:\\d{2}.* — ${WRITES} changes waiting$`),
    });
    await offline.waitFor({ timeout: SYNC_WAIT_MS });
    await local.screenshot({ path: join(ARTIFACTS, 'network-offline.png'), fullPage: true });
    // Every page shows it, not only the one it appeared on.
    for (const name of ['Status', 'Pair', 'Conversations']) {
      await local.getByRole('link', { name, exact: true }).click();
      await local.getByRole('heading', { name: name === 'Pair' ? /Pair/ : name }).first().waitFor({ timeout: UI_WAIT_MS });
      assert.equal(await offline.isVisible(), true, `the banner on ${name}`);
    }

    hostedUrl = await ws.restartHosted(hostedUrl);
    await local.locator('#network-banner[hidden]').waitFor({ state: 'attached', timeout: SYNC_WAIT_MS });
    assert.equal(await banner.isVisible(), false);
    await eventually('the changes written offline on the hosted side', SYNC_WAIT_MS, async () => {
      const titles = await hostedTitles();
      return Array.from({ length: WRITES }, (_, i) => `written offline ${i}`).every((t) => titles.includes(t));
    });
    await local.screenshot({ path: join(ARTIFACTS, 'network-back.png'), fullPage: true });
    assert.deepEqual(pageErrors, []);
  });
});
