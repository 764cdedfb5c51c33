// Pause Sync from the Status page of both UIs, in Chromium against real daemons: the local
// switch pauses this computer (the daemon says so, the peer card too) and resumes it; the
// hosted switch pauses the account, and the local UI shows "paused by the hosted backend"
// until it is resumed. Every wait is on a condition with a bound; no step sleeps.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { chromium, type Browser, type Page } from 'playwright-core';

import { Workspace } from './daemons.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const UI_WAIT_MS = 10_000;
const SYNC_WAIT_MS = 20_000;

let ws: Workspace;
let browser: Browser;
let hostedUrl = '';
let localUrl = '';
let token = '';
let local: Page;
let hosted: Page;
const pageErrors: string[] = [];

async function open(url: string, name: string): Promise<Page> {
  const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
  const page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`${name}: ${m.text()}`);
  });
  await page.goto(url);
  return page;
}

/** `sync_paused` as the daemon at `base` says, with `bearer`. */
async function paused(base: string, bearer: string): Promise<boolean> {
  const response = await fetch(`${base}/privacy-settings`, { headers: { Authorization: `Bearer ${bearer}` } });
  assert.equal(response.status, 200);
  return ((await response.json()) as { sync_paused: boolean }).sync_paused;
}

async function toStatus(page: Page): Promise<void> {
  await page.getByRole('link', { name: 'Status', exact: true }).click();
  await page.locator('article.peer').waitFor({ timeout: UI_WAIT_MS });
}

function badge(page: Page, state: string) {
  return page.locator(`article.peer [data-field="state"] .state[data-state="${state}"]`);
}

describe('Pause Sync on the Status page', { timeout: 180_000 }, () => {
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ws = new Workspace();
    token = await ws.createAccount('carol');
    [hostedUrl, localUrl] = await Promise.all([ws.startHosted(), ws.startLocal()]);
    await ws.pair(hostedUrl, await ws.pairingCode('carol'));
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    local = await open(await ws.launchUrl(), 'local');
    await local.getByRole('heading', { name: 'Conversations' }).waitFor({ timeout: UI_WAIT_MS });
    await toStatus(local);
  });

  after(async () => {
    await browser?.close();
    await ws?.close();
  });

  it('pauses and resumes this computer from the local UI', async () => {
    const toggle = local.getByRole('switch', { name: 'Pause Sync' });
    assert.equal(await toggle.getAttribute('aria-checked'), 'false');
    await toggle.click();
    await local.locator('#pause-sync[aria-checked="true"]').waitFor({ timeout: UI_WAIT_MS });
    assert.equal(await paused(localUrl, await ws.localSecret()), true);
    assert.match((await local.locator('#pause-sync-state').textContent()) ?? '', /paused on this computer/);
    await badge(local, 'paused').waitFor({ timeout: UI_WAIT_MS });
    assert.equal(await badge(local, 'paused').textContent(), 'paused on this computer');
    // Force sync says why it does nothing, in words.
    await local.getByRole('button', { name: 'Force sync' }).click();
    await local.locator('#status-notice.error', { hasText: 'paused' }).waitFor({ timeout: UI_WAIT_MS });
    await local.screenshot({ path: join(ARTIFACTS, 'status-paused-local.png'), fullPage: true });

    await toggle.click();
    await local.locator('#pause-sync[aria-checked="false"]').waitFor({ timeout: UI_WAIT_MS });
    assert.equal(await paused(localUrl, await ws.localSecret()), false);
    await local.getByRole('button', { name: 'Force sync' }).click();
    await badge(local, 'ok').waitFor({ timeout: SYNC_WAIT_MS });
  });

  it('pauses the account from the hosted UI, and the local UI shows who paused it', async () => {
    hosted = await open(`${hostedUrl}/`, 'hosted');
    await hosted.getByLabel('Account token').fill(token);
    await hosted.getByRole('button', { name: 'Sign in' }).click();
    await hosted.getByRole('heading', { name: 'Conversations' }).waitFor({ timeout: UI_WAIT_MS });
    await toStatus(hosted);
    const toggle = hosted.getByRole('switch', { name: 'Pause Sync' });
    await toggle.click();
    await hosted.locator('#pause-sync[aria-checked="true"]').waitFor({ timeout: UI_WAIT_MS });
    assert.equal(await paused(hostedUrl, token), true);
    assert.match((await hosted.locator('#pause-sync-state').textContent()) ?? '', /paused for this account/);
    await badge(hosted, 'paused').waitFor({ timeout: UI_WAIT_MS });
    await hosted.screenshot({ path: join(ARTIFACTS, 'status-paused-hosted.png'), fullPage: true });

    // The hosted backend tells the local one over its socket: paused, not an error.
    await badge(local, 'paused_remotely').waitFor({ timeout: SYNC_WAIT_MS });
    assert.equal(await badge(local, 'paused_remotely').textContent(), 'paused by the hosted backend');
    assert.equal(await local.locator('article.peer[data-tone="bad"]').count(), 0);
    assert.equal(await local.locator('article.peer [data-field="last-error"]').count(), 0, 'not shown as an error');
    // This computer's own switch stays off: the pause is the hosted backend's.
    assert.equal(await local.locator('#pause-sync').getAttribute('aria-checked'), 'false');
    await local.screenshot({ path: join(ARTIFACTS, 'status-paused-by-hosted.png'), fullPage: true });

    await toggle.click();
    await hosted.locator('#pause-sync[aria-checked="false"]').waitFor({ timeout: UI_WAIT_MS });
    await badge(local, 'ok').waitFor({ timeout: SYNC_WAIT_MS });
  });

  it('logged no script or CSP errors', () => {
    // The refused Force sync is logged by the browser as a failed load; anything else is a bug.
    assert.deepEqual(pageErrors.filter((e) => !/Failed to load resource/.test(e)), []);
  });
});
