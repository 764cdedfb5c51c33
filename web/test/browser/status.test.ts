// The Status page tells the truth when things go wrong: with the hosted daemon stopped, the
// card of its pairing says "unreachable since …" (not a green badge) and shows the error as
// one readable sentence; and badges keep their shape when a title wraps.
//
// Real daemons (a hosted and a local one, paired with the CLI) and Debian's Chromium. Every
// wait is on a condition with a bound; no step sleeps.

import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import type { Browser, Page } from 'playwright-core';

import { Workspace, openPage } from './daemons.js';

const ARTIFACTS = join(process.cwd(), 'test-artifacts');
const SYNC_WAIT_MS = 20_000;
const UI_WAIT_MS = 10_000;

interface PeerJson {
  peer_id: string;
  sync?: { state?: string; failing_since?: string | null; last_error?: string | null };
}

let ws: Workspace;
let browser: Browser;
let hostedUrl = '';
let localUrl = '';
let page: Page;
const pageErrors: string[] = [];

async function peers(): Promise<PeerJson[]> {
  const secret = await ws.localSecret();
  const response = await fetch(`${localUrl}/peers`, { headers: { Authorization: `Bearer ${secret}` } });
  assert.equal(response.status, 200);
  return (await response.json()) as PeerJson[];
}

/** The computed colour of a CSS custom property of the page, as the browser resolves it. */
function resolvedColour(p: Page, variable: string): Promise<string> {
  return p.evaluate((v) => {
    const probe = document.createElement('span');
    probe.style.color = `var(${v})`;
    document.body.append(probe);
    const colour = getComputedStyle(probe).color;
    probe.remove();
    return colour;
  }, variable);
}

describe('Status when the hosted backend is down', { timeout: 180_000 }, () => {
  before(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    ws = new Workspace();
    await ws.createAccount('bob');
    [hostedUrl, localUrl] = await Promise.all([ws.startHosted(), ws.startLocal()]);
    await ws.pair(hostedUrl, await ws.pairingCode('bob'));
    ({ browser, page } = await openPage({ width: 1200, height: 800 }, pageErrors));
    await page.goto(await ws.launchUrl());
    // Paired already, so the UI starts on Conversations.
    await page.getByRole('heading', { name: 'Conversations' }).waitFor({ timeout: UI_WAIT_MS });
  });

  after(async () => {
    await browser?.close();
    await ws?.close();
  });

  it('shows "in sync" in green while the hosted backend answers', async () => {
    await page.getByRole('link', { name: 'Status', exact: true }).click();
    const card = page.locator('article.peer');
    await card.waitFor({ timeout: UI_WAIT_MS });
    // Focus stays on Force sync through the sync, for keyboard users.
    await page.getByRole('button', { name: 'Force sync' }).focus();
    await page.keyboard.press('Enter');
    await page.locator('#status-notice.ok', { hasText: 'Synced' }).waitFor({ timeout: SYNC_WAIT_MS });
    const badge = card.locator('[data-field="state"] .state');
    await badge.and(page.locator('[data-state="ok"]')).waitFor({ timeout: UI_WAIT_MS });
    assert.equal(await badge.textContent(), 'in sync');
    assert.equal(await badge.evaluate((el) => getComputedStyle(el).color), await resolvedColour(page, '--ok'));
    assert.equal(await page.evaluate(() => document.activeElement?.textContent), 'Force sync');
    assert.equal(await card.locator('[data-field="last-error"]').count(), 0);
  });

  it('says "unreachable since …" with one readable sentence once the hosted daemon is stopped', async () => {
    await ws.stop(hostedUrl);
    await page.getByRole('button', { name: 'Force sync' }).click();
    // The failed Force sync says so in words, not as a transport dump.
    const notice = page.locator('#status-notice.error');
    await notice.waitFor({ timeout: SYNC_WAIT_MS });
    assert.match((await notice.textContent()) ?? '', /cannot be reached/);
    assert.doesNotMatch((await notice.textContent()) ?? '', /error sending request|peer_unreachable/);

    const card = page.locator('article.peer');
    const badge = card.locator('[data-field="state"] .state[data-state="unreachable"]');
    await badge.waitFor({ timeout: UI_WAIT_MS });
    const text = (await badge.textContent()) ?? '';
    assert.match(text, /^unreachable since .+ \((just now|\d+ s ago)\)$/);
    assert.doesNotMatch((await card.locator('[data-field="state"]').textContent()) ?? '', /active|in sync/);
    // Red, not green.
    const colour = await badge.evaluate((el) => getComputedStyle(el).color);
    assert.equal(colour, await resolvedColour(page, '--err'));
    assert.notEqual(colour, await resolvedColour(page, '--ok'));
    // "since" is the daemon's first failed attempt.
    const [peer] = await peers();
    assert.equal(peer?.sync?.state, 'unreachable');
    assert.ok(peer?.sync?.failing_since, 'the daemon reports since when it fails');
    assert.equal(await badge.locator('time').getAttribute('datetime'), peer.sync.failing_since);

    // The error: one sentence on one wrapping paragraph, within the card.
    const error = card.locator('[data-field="last-error"] .error-text');
    const sentence = (await error.textContent()) ?? '';
    assert.match(sentence, /^The hosted backend .*cannot be reached.*\.$/);
    assert.ok(sentence.includes(hostedUrl), `the sentence names the hosted URL: ${sentence}`);
    assert.doesNotMatch(sentence, /\n|error sending request|^peer_unreachable/);
    const fit = await error.evaluate((el) => {
      const box = el.getBoundingClientRect();
      const cardBox = el.closest('article')!.getBoundingClientRect();
      const lineHeight = parseFloat(getComputedStyle(el).lineHeight);
      return { height: box.height / lineHeight, inside: box.right <= cardBox.right + 0.5 };
    });
    assert.ok(fit.height <= 3.2, `the error takes ${fit.height.toFixed(1)} lines`);
    assert.ok(fit.inside, 'the error stays inside its card');
    await page.screenshot({ path: join(ARTIFACTS, 'status-unreachable.png'), fullPage: true });
    // At a phone's width, nothing of the card pushes the page sideways.
    await page.setViewportSize({ width: 360, height: 740 });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 0, `the page scrolls sideways by ${overflow}px at 360px`);
    await page.screenshot({ path: join(ARTIFACTS, 'status-unreachable-narrow.png'), fullPage: true });
    await page.setViewportSize({ width: 1200, height: 800 });

    // The Pair page shows the same state for this pairing.
    await page.getByRole('link', { name: 'Pair', exact: true }).click();
    await page.locator(`#existing-pairings li[data-peer-id="${peer.peer_id}"] [data-state="unreachable"]`).waitFor({ timeout: UI_WAIT_MS });
  });

  it('keeps the "from local" badge a pill when a conversation title wraps', async () => {
    await page.setViewportSize({ width: 360, height: 740 });
    await page.getByRole('link', { name: 'Conversations', exact: true }).click();
    await page.getByLabel('New conversation').fill('A rather long conversation title that has to wrap over several lines here');
    await page.getByRole('button', { name: 'Create', exact: true }).click();
    const link = page.locator('#conversation-list a', { hasText: 'A rather long' });
    await link.waitFor({ timeout: UI_WAIT_MS });
    const badge = link.locator('.badge');
    assert.equal(await badge.textContent(), 'from local');
    const [linkBox, badgeBox] = [await link.boundingBox(), await badge.boundingBox()];
    assert.ok(linkBox && badgeBox);
    assert.ok(linkBox.height > 60, `the title wraps over three lines or more (${linkBox.height}px)`);
    // A stretched badge would be as high as the link: an oval.
    assert.ok(badgeBox.height < 30, `the badge is ${badgeBox.height}px high, in a ${linkBox.height}px row`);
    assert.ok(badgeBox.width > 2 * badgeBox.height, `the badge is ${badgeBox.width}×${badgeBox.height}px`);
    await page.screenshot({ path: join(ARTIFACTS, 'conversations-long-title.png'), fullPage: true });
  });

  it('logged no script or CSP errors', () => {
    // The failed Force sync is logged by the browser as a failed load; anything else is a bug.
    assert.deepEqual(pageErrors.filter((e) => !/Failed to load resource/.test(e)), []);
  });
});
