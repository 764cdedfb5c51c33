// The web UI in Debian's Chromium (headless), against a real hosted and a real local daemon:
// pair through the UI, write on local, read and reply on hosted, see the reply on local
// without a reload; and a page on another origin cannot drive the local API.
//
// Every wait is on a condition with a bound; no step sleeps.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

import { Workspace } from './daemons.js';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = join(process.cwd(), 'test-artifacts');
/** How long a synced record may take to show up: the 5 s sync tick, with room to spare. */
const SYNC_WAIT_MS = 20_000;
const UI_WAIT_MS = 10_000;

let ws: Workspace;
let browser: Browser;
let hostedUrl = '';
let localUrl = '';
let token = '';
let localContext: BrowserContext;
let local: Page;
const pageErrors: string[] = [];

function watch(page: Page, name: string): Page {
  page.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') pageErrors.push(`${name}: ${m.text()}`);
  });
  return page;
}

async function shoot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** GET on the local API with the CLI's Bearer secret, outside the browser. */
async function localApi(path: string): Promise<unknown> {
  const secret = await ws.localSecret();
  const response = await fetch(`${localUrl}${path}`, { headers: { Authorization: `Bearer ${secret}` } });
  assert.equal(response.status, 200, path);
  return response.json();
}

/** The Pair page lists the pairing with `url`: its fingerprint, since when, its pairing id. */
async function expectPairingListed(url: string, keyId: string, peerId: string): Promise<void> {
  const item = local.locator(`#existing-pairings li[data-peer-id="${peerId}"]`);
  await item.waitFor({ timeout: UI_WAIT_MS });
  assert.equal(await local.getByRole('heading', { name: 'Already paired' }).isVisible(), true);
  assert.equal(await item.locator('[data-field="url"]').textContent(), url);
  assert.equal(await item.locator(`[data-key-id="${keyId}"]`).textContent(), keyId.match(/.{1,4}/g)?.join(' '));
  assert.match((await item.locator('[data-field="since"]').textContent()) ?? '', /\((just now|\d+ s ago|\d+ min ago)\)$/);
  await local.getByRole('form', { name: 'Pair with another hosted backend' }).waitFor({ timeout: UI_WAIT_MS });
}

describe('web UI in Chromium', { timeout: 180_000 }, () => {
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ws = new Workspace();
    token = await ws.createAccount('alice');
    [hostedUrl, localUrl] = await Promise.all([ws.startHosted(), ws.startLocal()]);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    localContext = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    local = watch(await localContext.newPage(), 'local');
  });

  after(async () => {
    await browser?.close();
    await ws?.close();
  });

  it('serves the page with a strict policy and no way in without a launch link', async () => {
    const response = await local.goto(`${localUrl}/`);
    const csp = response?.headers()['content-security-policy'] ?? '';
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(response?.headers()['x-frame-options'], 'DENY');
    await local.getByRole('heading', { name: 'Open the UI with a launch link' }).waitFor({ timeout: UI_WAIT_MS });
  });

  it('opens through the launch URL and pairs, with readable failures first', async () => {
    await local.goto(await ws.launchUrl());
    assert.equal(new URL(local.url()).pathname, '/', 'the launch URL leaves the address bar');
    await local.getByRole('heading', { name: 'Pair with a hosted backend' }).waitFor({ timeout: UI_WAIT_MS });
    await local.getByRole('form', { name: 'Pair with a hosted backend' }).waitFor({ timeout: UI_WAIT_MS });
    assert.equal(await local.locator('#existing-pairings').isVisible(), false, 'no pairing to show yet');
    // The code hint shows the command as code, not between Markdown backticks.
    const codeHint = local.locator('#pairing-code-hint');
    assert.equal(await codeHint.locator('code').first().textContent(), 'backend-8825 pairing-code --account NAME');
    assert.doesNotMatch((await codeHint.textContent()) ?? '', /`/);

    // A hosted URL where nothing listens.
    const closed = createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const deadUrl = `http://127.0.0.1:${(closed.address() as AddressInfo).port}`;
    await new Promise<void>((r) => closed.close(() => r()));
    await local.getByLabel('Hosted URL').fill(deadUrl);
    await local.getByRole('button', { name: 'Check' }).click();
    await local.locator('#pair-notice.error', { hasText: 'could not be reached' }).waitFor({ timeout: UI_WAIT_MS });

    // Both fingerprints side by side.
    await local.getByLabel('Hosted URL').fill(hostedUrl);
    await local.getByRole('button', { name: 'Check' }).click();
    const hostedId = (await (await fetch(`${hostedUrl}/identity`)).json()) as { key_id: string };
    const localId = (await (await fetch(`${localUrl}/identity`)).json()) as { key_id: string };
    await local.locator(`#hosted-fingerprint [data-key-id="${hostedId.key_id}"]`).waitFor({ timeout: UI_WAIT_MS });
    await local.locator(`#local-fingerprint [data-key-id="${localId.key_id}"]`).waitFor({ timeout: UI_WAIT_MS });

    // A wrong code.
    await local.getByLabel('Pairing code').fill('0000-0000-0000-0000-0000-0000-0000-0000');
    await local.getByRole('button', { name: 'Pair…' }).click();
    await local.getByRole('button', { name: 'Confirm and pair' }).click();
    await local.locator('#pair-notice.error', { hasText: 'not valid' }).waitFor({ timeout: UI_WAIT_MS });

    // The real code, confirmed with the keyboard.
    await local.getByLabel('Pairing code').fill(await ws.pairingCode('alice'));
    await local.getByRole('button', { name: 'Pair…' }).click();
    await local.getByRole('button', { name: 'Confirm and pair' }).waitFor({ timeout: UI_WAIT_MS });
    await local.keyboard.press('Enter');
    await local.locator('#pair-notice.ok', { hasText: 'Paired' }).waitFor({ timeout: UI_WAIT_MS });
    const peers = (await localApi('/peers')) as { peer_id: string; remote: { key_id: string } }[];
    assert.equal(peers.length, 1);
    assert.equal(peers[0]?.remote.key_id, hostedId.key_id);
    // The new pairing is listed at once, above a form to pair with another hosted backend.
    await expectPairingListed(hostedUrl, hostedId.key_id, peers[0]?.peer_id ?? '');
    await shoot(local, 'pair');
  });

  it('shows the peer on Status, named by its URL with both ids explained, and forces a sync', async () => {
    await local.getByRole('link', { name: 'Status', exact: true }).click();
    const card = local.locator('article.peer');
    await card.waitFor({ timeout: UI_WAIT_MS });
    const [peer] = (await localApi('/peers')) as { peer_id: string; remote: { backend_id: string } }[];
    assert.ok(peer);
    // The heading names the hosted backend, not the pairing; each id has its own label.
    assert.equal(await card.locator('h2').textContent(), `Hosted backend ${hostedUrl}`);
    assert.equal(await card.locator('[data-field="pairing"]').textContent(), peer.peer_id);
    assert.equal(await card.locator('[data-field="backend"]').textContent(), peer.remote.backend_id);
    assert.equal(await card.locator('dt', { hasText: 'Hosted backend id' }).count(), 1);
    assert.match((await card.getAttribute('aria-describedby')) ?? '', /^peer-ids-/);
    assert.match((await card.locator('p.hint').textContent()) ?? '', /pairing id names this link.*backend id names the hosted server/);
    // No jargon: the Session Binding Token is "the pairing", renewed on its own.
    assert.doesNotMatch((await card.textContent()) ?? '', /SBT/);
    await card.locator('[data-field="renews"]', { hasText: /^automatically, before .+ \(in \d+ h \d+ min\)$/ }).waitFor({ timeout: UI_WAIT_MS });
    await local.getByRole('button', { name: 'Force sync' }).click();
    await local.locator('#status-notice.ok', { hasText: 'Synced' }).waitFor({ timeout: SYNC_WAIT_MS });
    await card.locator('[data-field="state"] .state.tone-ok[data-state="ok"]', { hasText: /^in sync$/ }).waitFor({ timeout: UI_WAIT_MS });
    await card.locator('[data-field="last-sync"]', { hasText: /ago|just now/ }).waitFor({ timeout: UI_WAIT_MS });
    await card.locator('[data-field="pending"]', { hasText: '0 versions' }).waitFor({ timeout: UI_WAIT_MS });
    await shoot(local, 'status');
  });

  it('shows the existing pairing when the Pair page is opened again', async () => {
    const hostedId = (await (await fetch(`${hostedUrl}/identity`)).json()) as { key_id: string };
    const [peer] = (await localApi('/peers')) as { peer_id: string }[];
    await local.getByRole('link', { name: 'Pair', exact: true }).click();
    await local.getByRole('heading', { name: 'Pair with a hosted backend' }).waitFor({ timeout: UI_WAIT_MS });
    await expectPairingListed(hostedUrl, hostedId.key_id, peer?.peer_id ?? '');
    await local.locator('#existing-pairings [data-field="state"]', { hasText: 'in sync' }).waitFor({ timeout: UI_WAIT_MS });
    // Pairing with another hosted backend is still offered.
    assert.equal(await local.getByLabel('Hosted URL').isEditable(), true);
    assert.equal(await local.getByLabel('Pairing code').isEditable(), true);
    await shoot(local, 'pair-existing');
  });

  it('writes on local, reads and replies on hosted, and the reply appears on local without a reload', async () => {
    await local.getByRole('link', { name: 'Conversations', exact: true }).click();
    await local.getByLabel('New conversation').fill('Trip plans');
    await local.getByRole('button', { name: 'Create', exact: true }).click();
    await local.getByRole('heading', { name: 'Trip plans' }).waitFor({ timeout: UI_WAIT_MS });
    // Written and sent with the keyboard only.
    await local.getByRole('textbox', { name: 'Message' }).focus();
    await local.keyboard.type('Hello from the laptop');
    await local.keyboard.press('Control+Enter');
    await local.locator('li.message[data-source="local"]', { hasText: 'Hello from the laptop' }).waitFor({ timeout: UI_WAIT_MS });
    await local.evaluate(() => {
      (window as unknown as { notReloaded: boolean }).notReloaded = true;
    });

    const hostedContext = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    const hosted = watch(await hostedContext.newPage(), 'hosted');
    await hosted.goto(`${hostedUrl}/`);
    // The hint shows the command as code, not between Markdown backticks.
    const tokenHint = hosted.locator('#account-token-hint');
    await tokenHint.waitFor({ timeout: UI_WAIT_MS });
    assert.equal(await tokenHint.locator('code').first().textContent(), 'backend-8825 account create');
    assert.doesNotMatch((await tokenHint.textContent()) ?? '', /`/);
    assert.equal(await hosted.getByLabel('Account token').getAttribute('aria-describedby'), 'account-token-hint');
    await hosted.getByLabel('Account token').fill('b8825_at_wrong');
    await hosted.getByRole('button', { name: 'Sign in' }).click();
    await hosted.locator('#signin-notice.error', { hasText: 'did not accept' }).waitFor({ timeout: UI_WAIT_MS });
    await shoot(hosted, 'hosted-signin');
    await hosted.getByLabel('Account token').fill(token);
    await hosted.getByRole('button', { name: 'Sign in' }).click();
    await hosted.getByRole('heading', { name: 'Conversations' }).waitFor({ timeout: UI_WAIT_MS });
    assert.equal(await hosted.evaluate(() => localStorage.length), 0, 'nothing in localStorage');

    await hosted.locator('#conversation-list a', { hasText: 'Trip plans' }).click({ timeout: SYNC_WAIT_MS });
    await hosted.locator('li.message[data-source="local"]', { hasText: 'Hello from the laptop' }).waitFor({ timeout: SYNC_WAIT_MS });
    await hosted.getByRole('textbox', { name: 'Message' }).fill('Reply from the cloud');
    await hosted.getByRole('button', { name: 'Send' }).click();
    await hosted.locator('li.message[data-source="hosted"]', { hasText: 'Reply from the cloud' }).waitFor({ timeout: UI_WAIT_MS });
    await shoot(hosted, 'hosted-conversations');

    await local.locator('li.message[data-source="hosted"]', { hasText: 'Reply from the cloud' }).waitFor({ timeout: SYNC_WAIT_MS });
    assert.equal(await local.evaluate(() => (window as unknown as { notReloaded?: boolean }).notReloaded), true);
    await shoot(local, 'conversations');

    await hosted.getByRole('link', { name: 'Pair', exact: true }).click();
    await hosted.getByRole('button', { name: 'Create a pairing code' }).click();
    await hosted.locator('#pairing-code-value').waitFor({ timeout: UI_WAIT_MS });
    await hosted.getByRole('link', { name: 'Status', exact: true }).click();
    await hosted.locator('article.peer [data-field="state"] .state[data-state="ok"]', { hasText: 'in sync' }).waitFor({ timeout: UI_WAIT_MS });
    assert.match((await hosted.locator('article.peer h2').textContent()) ?? '', /^Local backend \S{8}$/);
    await shoot(hosted, 'hosted-status');
    await hostedContext.close();
  });

  it('is usable at a narrow width, with a visible keyboard focus', async () => {
    await local.setViewportSize({ width: 360, height: 740 });
    await local.getByRole('heading', { name: 'Trip plans' }).waitFor({ timeout: UI_WAIT_MS });
    const overflow = await local.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 360px`);
    // Tab from the message box: the next control shows where the focus is.
    await local.getByRole('textbox', { name: 'Message' }).focus();
    await local.keyboard.press('Tab');
    const focused = await local.evaluate(() => {
      const el = document.activeElement as HTMLElement;
      const style = getComputedStyle(el);
      return { text: el.textContent, outline: style.outlineStyle, width: style.outlineWidth };
    });
    assert.equal(focused.text, 'Send');
    assert.notEqual(focused.outline, 'none');
    assert.notEqual(focused.width, '0px');
    // The skip link comes into view when focused.
    await local.locator('a.skip').focus();
    const box = await local.locator('a.skip').boundingBox();
    assert.ok(box !== null && box.x >= 0, 'the focused skip link is on screen');
    await shoot(local, 'conversations-narrow');
    await local.setViewportSize({ width: 1200, height: 800 });
  });

  it('a page on another origin cannot drive the local API, even with the session cookie', async () => {
    const attacker: Server = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html' });
      res.end('<!doctype html><title>elsewhere</title><h1>another site</h1>');
    });
    await new Promise<void>((r) => attacker.listen(0, '127.0.0.1', r));
    // Same host, another port: same site, so the SameSite=Strict cookie is sent; only the
    // guard's Origin and content-type checks stand in the way.
    const evil = watch(await localContext.newPage(), 'attacker');
    await evil.goto(`http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`);
    const outcome = await evil.evaluate(async (target) => {
      const tries: Record<string, string> = {};
      const attempt = async (name: string, run: () => Promise<Response>): Promise<void> => {
        try {
          const r = await run();
          tries[name] = r.type === 'opaque' ? 'opaque' : `read ${r.status}: ${await r.text()}`;
        } catch {
          tries[name] = 'blocked';
        }
      };
      await attempt('json', () => fetch(`${target}/api/conversations`, {
        method: 'POST', credentials: 'include', headers: { 'Content-Type': 'application/json' }, body: '{"title":"pwned-json"}',
      }));
      await attempt('plain', () => fetch(`${target}/api/conversations`, {
        method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'Content-Type': 'text/plain' }, body: '{"title":"pwned-plain"}',
      }));
      await attempt('session', () => fetch(`${target}/session`, { credentials: 'include' }));
      await attempt('peers', () => fetch(`${target}/peers`, { credentials: 'include' }));
      return tries;
    }, localUrl);
    assert.deepEqual(outcome, { json: 'blocked', plain: 'opaque', session: 'blocked', peers: 'blocked' });

    // A plain form post navigates to the daemon's refusal.
    await evil.evaluate((target) => {
      const form = document.createElement('form');
      form.method = 'POST';
      form.action = `${target}/api/conversations`;
      form.enctype = 'text/plain';
      const input = document.createElement('input');
      input.name = '{"title":"pwned-form","x":"';
      input.value = '"}';
      form.append(input);
      document.body.append(form);
      form.submit();
    }, localUrl);
    await evil.waitForURL(`${localUrl}/api/conversations`, { timeout: UI_WAIT_MS });
    assert.match((await evil.textContent('body')) ?? '', /forbidden_origin/);
    attacker.close();

    const conversations = (await localApi('/api/conversations')) as { items: { title: string }[] };
    const titles = conversations.items.map((c) => c.title);
    assert.deepEqual(titles, ['Trip plans'], 'no request from the other origin created anything');
  });

  it('logged no script or CSP errors on our pages', () => {
    // Refused requests (the 401 before the launch link, the wrong code, the dead URL) are
    // logged by the browser as failed loads; anything else is a bug.
    const ours = pageErrors.filter((e) => !e.startsWith('attacker') && !/Failed to load resource/.test(e));
    assert.deepEqual(ours, []);
  });
});
