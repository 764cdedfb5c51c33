// Encryption in the local UI, in Chromium against real daemons: daemon A enables end-to-end
// encryption from its Encryption page (the recovery code is shown once), a second local
// daemon B of the same account asks for the key, A approves it in the UI and the test reads
// the transfer code from the page, B accepts it through its API, and both converge on an
// encrypted conversation. Every wait is on a condition with a bound; no step sleeps.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { Browser, Page } from 'playwright-core';

import { Workspace, api, openPage, until } from './daemons.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const UI_WAIT_MS = 15_000;
const SYNC_WAIT_MS = 30_000;

let ws: Workspace;
let browser: Browser;
let page: Page;
let aUrl = '';
let bUrl = '';
let aSecret = '';
let bSecret = '';
let hostedUrl = '';
let token = '';
const pageErrors: string[] = [];

/** Every conversation title and message content a daemon shows, as one sorted list. */
async function everything(base: string, secret: string): Promise<string[]> {
  const all: string[] = [];
  const list = await api(base, secret, 'GET', '/api/conversations?limit=200');
  for (const c of list.json.items as { id: string; title: string }[]) {
    all.push(`# ${c.title}`);
    const messages = await api(base, secret, 'GET', `/api/conversations/${c.id}/messages?limit=200`);
    for (const m of messages.json.items as { content: string }[]) all.push(`${c.title}: ${m.content}`);
  }
  return all.sort();
}

describe('Encryption page: approving a second device', { timeout: 240_000 }, () => {
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ws = new Workspace();
    token = await ws.createAccount('dana');
    const bDir = join(ws.root, 'local-b');
    [hostedUrl, aUrl, bUrl] = await Promise.all([
      ws.startHosted(),
      ws.startLocal(),
      ws.serve(['--port', '0', '--data-dir', bDir]),
    ]);
    await ws.pair(hostedUrl, await ws.pairingCode('dana'));
    await ws.cli(['pair', '--hosted', hostedUrl, '--code', await ws.pairingCode('dana'), '--data-dir', bDir]);
    aSecret = await ws.localSecret();
    bSecret = await ws.cli(['token', '--data-dir', bDir]);
    ({ browser, page } = await openPage({ width: 1200, height: 900 }, pageErrors));
    await page.goto(await ws.launchUrl());
    await page.getByRole('heading', { name: 'Conversations' }).waitFor({ timeout: UI_WAIT_MS });
  });

  after(async () => {
    await browser?.close();
    await ws?.close();
  });

  it('enables on A, approves B in the UI with a transfer code, and both converge', async () => {
    const made = await api(aUrl, aSecret, 'POST', '/api/conversations', { title: 'Secret plans' });
    assert.equal(made.status, 201, JSON.stringify(made.json));
    const chat = made.json.id as string;
    await api(aUrl, aSecret, 'POST', `/api/conversations/${chat}/messages`, { role: 'user', content: 'meet at noon' });

    await page.getByRole('link', { name: 'Encryption', exact: true }).click();
    await page.getByRole('button', { name: 'Enable end-to-end encryption' }).click();
    const recovery = (await page.locator('#recovery-code').textContent({ timeout: SYNC_WAIT_MS })) ?? '';
    assert.match(recovery, /^([0-9A-HJKMNP-TV-Z]{4}-){7}[0-9A-HJKMNP-TV-Z]{4}$/);
    await page.locator('[data-field="e2e-state"]', { hasText: 'encrypted' }).waitFor({ timeout: UI_WAIT_MS });
    await page.locator('#e2e-no-requests').waitFor({ timeout: UI_WAIT_MS });

    // B asks; A's page lists the request once reloaded, and approves it.
    const asked = await api(bUrl, bSecret, 'POST', '/e2e/request', {});
    assert.equal(asked.status, 201, JSON.stringify(asked.json));
    await page.reload();
    const item = page.locator(`li[data-request-id="${asked.json.request_id}"]`);
    await item.waitFor({ timeout: UI_WAIT_MS });
    await item.getByRole('button', { name: 'Approve' }).click();
    const code = (await page.locator('#transfer-code').textContent({ timeout: SYNC_WAIT_MS })) ?? '';
    assert.match(code, /^([0-9A-HJKMNP-TV-Z]{4}-){3}[0-9A-HJKMNP-TV-Z]{4}$/);
    await page.screenshot({ path: join(ARTIFACTS, 'encryption-approved.png'), fullPage: true });

    // A wrong code first: refused, nothing stored; then the code read from the page.
    const wrong = await api(bUrl, bSecret, 'POST', '/e2e/accept', { transfer_code: '0000-0000-0000-0000' });
    assert.equal(wrong.json?.error?.code, 'transfer_code_wrong');
    const accepted = await api(bUrl, bSecret, 'POST', '/e2e/accept', { transfer_code: code });
    assert.equal(accepted.status, 200, JSON.stringify(accepted.json));
    assert.deepEqual(accepted.json.device_key, accepted.json.account_key);

    // B reads what A wrote; A reads what B writes: both converge.
    await api(bUrl, bSecret, 'POST', `/api/conversations/${chat}/messages`, { role: 'user', content: 'bring the map' });
    const expected = ['# Secret plans', 'Secret plans: bring the map', 'Secret plans: meet at noon'];
    await until(SYNC_WAIT_MS, 'B converges', async () => JSON.stringify(await everything(bUrl, bSecret)) === JSON.stringify(expected));
    const aPeer = (await api(aUrl, aSecret, 'GET', '/peers')).json[0].peer_id as string;
    await until(SYNC_WAIT_MS, 'A converges', async () => {
      await api(aUrl, aSecret, 'POST', `/peers/${aPeer}/sync`, {});
      return JSON.stringify(await everything(aUrl, aSecret)) === JSON.stringify(expected);
    });
  });

  it('resets the encryption on the hosted UI, which says it deletes the encrypted data', async () => {
    const hosted = await browser.newPage();
    hosted.on('pageerror', (e) => pageErrors.push(e.message));
    await hosted.goto(hostedUrl);
    await hosted.getByLabel('Account token').fill(token);
    await hosted.getByRole('button', { name: 'Sign in' }).click();
    await hosted.getByRole('link', { name: 'Encryption', exact: true }).click();
    await hosted.locator('[data-field="e2e-state"]', { hasText: 'encrypted' }).waitFor({ timeout: UI_WAIT_MS });
    const form = hosted.locator('#e2e-reset form');
    assert.match((await form.textContent()) ?? '', /deletes every encrypted conversation/);

    // Without the words, nothing is deleted.
    await hosted.getByLabel('to confirm').fill('yes');
    await hosted.getByRole('button', { name: /^Reset encryption/ }).click();
    await hosted.locator('#e2e-notice.error', { hasText: 'to confirm' }).waitFor({ timeout: UI_WAIT_MS });
    assert.equal((await api(hostedUrl, token, 'GET', '/e2e')).json.enabled, true);

    await hosted.getByLabel('to confirm').fill('delete encrypted data');
    await hosted.getByRole('button', { name: /^Reset encryption/ }).click();
    await hosted.locator('#e2e-notice.ok', { hasText: 'encrypted records were deleted' }).waitFor({ timeout: UI_WAIT_MS });
    await hosted.locator('[data-field="e2e-state"]', { hasText: 'plaintext' }).waitFor({ timeout: UI_WAIT_MS });
    await hosted.screenshot({ path: join(ARTIFACTS, 'encryption-reset.png'), fullPage: true });
    const after = await api(hostedUrl, token, 'GET', '/e2e');
    assert.deepEqual([after.json.enabled, after.json.key], [false, null]);
    assert.deepEqual((await api(hostedUrl, token, 'GET', '/api/conversations')).json.items, []);
    await hosted.close();
  });

  it('logged no script or CSP errors', () => {
    assert.deepEqual(pageErrors.filter((e) => !/Failed to load resource/.test(e)), []);
  });
});
