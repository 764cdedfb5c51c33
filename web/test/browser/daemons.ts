// Real daemons for the browser tests: the debug binary, each daemon its own process with its
// own data dir, bound to 127.0.0.1:0; the address is read from the line it logs once bound.

import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { promisify } from 'node:util';

import { chromium, type Browser, type Page } from 'playwright-core';

const run = promisify(execFile);

/** The binary under test: BACKEND_8825_BIN, else the debug build in the cargo target dir
 * ($CARGO_TARGET_DIR, else the checkout's target/, as `cargo build` makes it; the tests run
 * from web/). */
export function binary(): string {
  if (process.env.BACKEND_8825_BIN) return process.env.BACKEND_8825_BIN;
  const target = process.env.CARGO_TARGET_DIR ?? join(process.cwd(), '..', 'target');
  return join(target, 'debug/backend-8825');
}

export class Workspace {
  readonly root = mkdtempSync(join(tmpdir(), 'b8825-web-'));
  readonly hostedDir = join(this.root, 'hosted');
  readonly localDir = join(this.root, 'local');
  readonly hostedDb = `sqlite://${join(this.root, 'hosted', 'hosted.db')}`;
  private readonly children: ChildProcess[] = [];
  /** Each running daemon by its base URL, for `stop`. */
  private readonly byUrl = new Map<string, ChildProcess>();

  /** A clean environment: PATH and a temporary HOME, as tests/common/binary.rs does. */
  env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: this.root, BACKEND_8825_LOG: 'info', ...extra };
  }

  /** Runs a one-shot command and returns its stdout, trimmed. */
  async cli(args: string[], extra: Record<string, string> = {}): Promise<string> {
    try {
      const { stdout } = await run(binary(), args, { env: this.env(extra), timeout: 60_000 });
      return stdout.trim();
    } catch (e) {
      const err = e as { stderr?: string; message: string };
      throw new Error(`backend-8825 ${args[0]} failed: ${err.stderr ?? err.message}`);
    }
  }

  /** Starts `serve` and resolves with its base URL once it logs `listening on http://...`. */
  serve(args: string[], extra: Record<string, string> = {}): Promise<string> {
    const child = spawn(binary(), ['serve', ...args], { env: this.env(extra), stdio: ['ignore', 'ignore', 'pipe'] });
    this.children.push(child);
    const log: string[] = [];
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`serve did not log its address within 60 s:\n${log.join('\n')}`)), 60_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`serve exited (${code}) before listening:\n${log.join('\n')}`));
      });
      createInterface({ input: child.stderr! }).on('line', (line) => {
        if (log.length < 200) log.push(line);
        const at = line.indexOf('listening on http://');
        if (at >= 0) {
          clearTimeout(timer);
          const url = line.slice(at + 'listening on '.length).split(/[\s"]/)[0] ?? '';
          this.byUrl.set(url, child);
          resolve(url);
        }
      });
    });
  }

  /** Starts the hosted daemon; on `port` (0: any free one). A hosted daemon stopped with
   * `stop` starts again on its data dir and database when given its port back. */
  async startHosted(port = 0): Promise<string> {
    return this.serve(['--mode', 'hosted', '--bind', '127.0.0.1', '--port', String(port), '--data-dir', this.hostedDir], {
      DATABASE_URL: this.hostedDb,
    });
  }

  /** Starts the hosted daemon that served `url` again, on the same port, data dir and database. */
  restartHosted(url: string): Promise<string> {
    return this.startHosted(Number(new URL(url).port));
  }


  async startLocal(extra: Record<string, string> = {}): Promise<string> {
    return this.serve(['--port', '0', '--data-dir', this.localDir], extra);
  }

  createAccount(name: string): Promise<string> {
    return this.cli(['account', 'create', name, '--data-dir', this.hostedDir], { DATABASE_URL: this.hostedDb });
  }

  pairingCode(account: string): Promise<string> {
    return this.cli(['pairing-code', '--account', account, '--data-dir', this.hostedDir], { DATABASE_URL: this.hostedDb });
  }

  /** Pairs the running local daemon with the hosted one at `hostedUrl` (`backend-8825 pair`). */
  pair(hostedUrl: string, code: string): Promise<string> {
    return this.cli(['pair', '--hosted', hostedUrl, '--code', code, '--data-dir', this.localDir]);
  }

  /** Stops the daemon serving at `url` (SIGTERM to its own pid) and waits until it exited. */
  stop(url: string): Promise<void> {
    const child = this.byUrl.get(url);
    if (child === undefined) throw new Error(`no daemon of this workspace serves ${url}`);
    this.byUrl.delete(url);
    return new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once('exit', () => resolve());
      child.kill('SIGTERM');
    });
  }

  /** A one-time launch URL for the local daemon's UI. */
  launchUrl(): Promise<string> {
    return this.cli(['ui', '--data-dir', this.localDir]);
  }

  localSecret(): Promise<string> {
    return this.cli(['token', '--data-dir', this.localDir]);
  }

  /** Stops every daemon it started (by its own pid) and removes the data. */
  async close(): Promise<void> {
    await Promise.all(
      this.children.map(
        (child) =>
          new Promise<void>((resolve) => {
            if (child.exitCode !== null || child.signalCode !== null) return resolve();
            child.once('exit', () => resolve());
            child.kill('SIGTERM');
          }),
      ),
    );
    rmSync(this.root, { recursive: true, force: true });
  }
}

/** Debian's Chromium (or `CHROMIUM_PATH`), headless, and one page of `viewport` whose script
 * errors and console errors are pushed to `errors`. */
export async function openPage(
  viewport: { width: number; height: number },
  errors: string[],
): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  page.on('pageerror', (e) => errors.push(e.message));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(m.text());
  });
  return { browser, page };
}

/** One call to a daemon's API with a bearer (a local secret or an account token): the
 * status and the JSON body (null when it is not JSON). */
export async function api(base: string, secret: string, method: string, path: string, body?: unknown): Promise<{ status: number; json: any }> {
  const headers: Record<string, string> = { Authorization: `Bearer ${secret}`, Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  const response = await fetch(`${base}${path}`, { method, headers, body: body === undefined ? null : JSON.stringify(body) });
  return { status: response.status, json: await response.json().catch(() => null) };
}

/** Waits until `check` holds, asking again and again, for at most `ms`. */
export async function until(ms: number, what: string, check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within ${ms} ms: ${what}`);
    // Asked again after a tenth of a second: a poll's pace, not a wait standing in for it.
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
