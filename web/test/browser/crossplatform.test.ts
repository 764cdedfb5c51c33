// Three kinds of client on one account, one conversation: a local daemon (through its API),
// a device on the mobile SDK's Rust core (its Python bindings, as a phone app would use the
// Kotlin or Swift ones; sdk/tests/python/peer.py), and the hosted web UI in Chromium. Each
// writes a message; all three converge on the same three messages, and the web UI shows
// which backend wrote each. Every wait is on a condition with a bound; no step sleeps.

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface, type Interface } from 'node:readline';
import { after, before, describe, it } from 'node:test';

import type { Browser, Page } from 'playwright-core';

import { Workspace, api, openPage, until } from './daemons.js';

const UI_WAIT_MS = 15_000;
const SYNC_WAIT_MS = 30_000;

/** The SDK device: peer.py, one JSON command and one JSON answer per line. */
class SdkDevice {
  private readonly child: ChildProcess;
  private readonly lines: Interface;
  private readonly answers: string[] = [];
  private waiting: ((line: string) => void) | null = null;
  private readonly stderr: string[] = [];

  constructor(pythonPath: string) {
    const script = join(process.cwd(), '..', 'sdk', 'tests', 'python', 'peer.py');
    this.child = spawn('python3', [script], {
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', PYTHONPATH: pythonPath },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.lines = createInterface({ input: this.child.stdout! });
    this.lines.on('line', (line) => {
      if (this.waiting) {
        const resolve = this.waiting;
        this.waiting = null;
        resolve(line);
      } else {
        this.answers.push(line);
      }
    });
    createInterface({ input: this.child.stderr! }).on('line', (line) => {
      if (this.stderr.length < 100) this.stderr.push(line);
    });
  }

  /** Sends one command; resolves with its answer, or fails with the device's error. */
  async do(command: Record<string, unknown>): Promise<any> {
    const line = new Promise<string>((resolve, reject) => {
      const queued = this.answers.shift();
      if (queued !== undefined) return resolve(queued);
      this.waiting = resolve;
      this.child.once('exit', (code) => reject(new Error(`peer.py exited (${code}):\n${this.stderr.join('\n')}`)));
    });
    this.child.stdin!.write(`${JSON.stringify(command)}\n`);
    const answer = JSON.parse(await line) as { ok?: unknown; error?: string };
    if (answer.error !== undefined) throw new Error(`SDK device, ${String(command.op)}: ${answer.error}`);
    return answer.ok;
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    await this.do({ op: 'close' }).catch(() => undefined);
    await exited;
  }
}

const sorted = (pairs: [string, string][]): string => JSON.stringify([...pairs].sort());

describe('One conversation, three kinds of client', { timeout: 240_000 }, () => {
  let ws: Workspace;
  let browser: Browser;
  let page: Page;
  let device: SdkDevice;
  const pageErrors: string[] = [];

  before(async () => {
    const pythonPath = process.env.BACKEND_8825_SDK_PYTHONPATH;
    assert.ok(pythonPath, 'BACKEND_8825_SDK_PYTHONPATH must name the SDK\'s generated Python bindings (scripts/web-test.sh makes them)');
    ws = new Workspace();
    device = new SdkDevice(pythonPath);
    ({ browser, page } = await openPage({ width: 1200, height: 900 }, pageErrors));
  });

  after(async () => {
    await device?.close();
    await browser?.close();
    await ws?.close();
  });

  it('a local daemon, an SDK device and the hosted web UI write, and all three converge', async () => {
    const token = await ws.createAccount('erin');
    const [hostedUrl, localUrl] = await Promise.all([ws.startHosted(), ws.startLocal()]);
    await ws.pair(hostedUrl, await ws.pairingCode('erin'));
    const secret = await ws.localSecret();
    const localPeer = (await api(localUrl, secret, 'GET', '/peers')).json[0].peer_id as string;
    const localId = (await api(localUrl, secret, 'GET', '/identity')).json.backend_id as string;
    const hostedId = (await api(hostedUrl, token, 'GET', '/identity')).json.backend_id as string;
    const phone = await device.do({ op: 'open', dir: join(ws.root, 'phone') });
    await device.do({ op: 'pair', url: hostedUrl, code: await ws.pairingCode('erin') });
    const sync = async (): Promise<void> => {
      const done = await api(localUrl, secret, 'POST', `/peers/${localPeer}/sync`, {});
      assert.equal(done.status, 200, JSON.stringify(done.json));
      await device.do({ op: 'sync' });
    };

    // The local daemon starts the conversation and writes first.
    const made = await api(localUrl, secret, 'POST', '/api/conversations', { title: 'Weekend' });
    assert.equal(made.status, 201, JSON.stringify(made.json));
    const chat = made.json.id as string;
    await api(localUrl, secret, 'POST', `/api/conversations/${chat}/messages`, { role: 'user', content: 'from the laptop' });
    await sync();

    // The SDK device has it, and answers.
    await device.do({ op: 'post', conversation_id: chat, content: 'from the phone' });
    await device.do({ op: 'sync' });

    // The web UI, signed in on the hosted backend, answers in the conversation's page.
    await page.goto(hostedUrl);
    await page.getByLabel('Account token').fill(token);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Conversations' }).waitFor({ timeout: UI_WAIT_MS });
    await page.goto(`${hostedUrl}/#/conversations/${encodeURIComponent(chat)}`);
    await page.locator('li.message', { hasText: 'from the phone' }).waitFor({ timeout: UI_WAIT_MS });
    await page.locator('#message-input').fill('from the browser');
    await page.getByRole('button', { name: 'Send' }).click();
    await page.locator('li.message', { hasText: 'from the browser' }).waitFor({ timeout: UI_WAIT_MS });

    // All three hold the same messages, each with the backend that wrote it.
    const expected = sorted([
      ['from the laptop', localId],
      ['from the phone', phone.backend_id as string],
      ['from the browser', hostedId],
    ]);
    const ofLocal = async (): Promise<string> => {
      const list = await api(localUrl, secret, 'GET', `/api/conversations/${chat}/messages?limit=200`);
      return sorted((list.json.items as { content: string; source_backend: string }[]).map((m) => [m.content, m.source_backend]));
    };
    const ofDevice = async (): Promise<string> => {
      const list = (await device.do({ op: 'read', conversation_id: chat })) as { content: string; source_backend: string }[];
      return sorted(list.map((m) => [m.content, m.source_backend]));
    };
    await until(SYNC_WAIT_MS, 'the local daemon and the SDK device converge', async () => {
      await sync();
      return (await ofLocal()) === expected && (await ofDevice()) === expected;
    });

    // The web UI shows all three, each badge naming the backend that wrote the message.
    await page.reload();
    await until(UI_WAIT_MS, 'the web UI shows the three messages', async () => (await page.locator('li.message').count()) === 3);
    const shown: [string, string][] = [];
    for (const item of await page.locator('li.message').all()) {
      const content = ((await item.locator('p.content').textContent()) ?? '').trim();
      const title = (await item.locator('.badge').getAttribute('title')) ?? '';
      shown.push([content, title.replace('written on backend ', '')]);
    }
    assert.equal(sorted(shown), expected);
    assert.deepEqual(pageErrors.filter((e) => !/Failed to load resource/.test(e)), []);
  });
});
