import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

// Starts the real server (embedded PGlite in a temp directory, no demo data, known credentials)
// and Debian's Chromium; collects console errors and the one-time codes the server logs.

export const ROOT = resolve(new URL('..', import.meta.url).pathname);
export const RESULTS = join(ROOT, 'test-results', 'e2e');
export const ADMIN = { email: 'owner@e2e.test', password: 'e2e-password-123' };
export const API_KEY = 'kpk_e2e_0123456789abcdefghijklmnopqrstuv';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
// Flags that keep Chromium quiet on a machine without outside network (see the machine notes).
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** The node arguments of `npm start` (package.json), without its build step. */
function startArgs(): string[] {
  const { scripts } = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
    scripts: Record<string, string>;
  };
  const start = scripts.start ?? '';
  if (!start.startsWith('node ')) throw new Error('package.json: the start script is not "node …"');
  return start.split(/\s+/).slice(1);
}

async function freePort(): Promise<number> {
  return new Promise((ok, fail) => {
    const srv = createServer();
    srv.once('error', fail);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => ok(port));
    });
  });
}

/** A one-time code the server logged, and where it went: a phone (+7…) or an email address. */
export type Code = { phone: string; code: string; at: number };

export class KopilkaServer {
  readonly codes: Code[] = [];
  private log: string[] = [];
  private constructor(
    readonly url: string,
    private readonly child: ChildProcess,
    private readonly dataDir: string,
  ) {}

  static async start(): Promise<KopilkaServer> {
    const port = await freePort();
    const dataDir = mkdtempSync(join(tmpdir(), 'kopilka-e2e-'));
    const child = spawn(
      process.execPath,
      startArgs(), // the bundle e2e/global-setup.ts built, as `npm start` runs it
      {
        cwd: ROOT,
        env: {
          ...process.env,
          PORT: String(port),
          HOST: '127.0.0.1',
          KOPILKA_DATA_DIR: dataDir,
          KOPILKA_DEMO: '0',
          KOPILKA_INIT_ADMIN_EMAIL: ADMIN.email,
          KOPILKA_INIT_ADMIN_PASSWORD: ADMIN.password,
          KOPILKA_INIT_API_KEY: API_KEY,
          LOG_LEVEL: 'info',
          NODE_ENV: 'test',
          DATABASE_URL: '',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    const server = new KopilkaServer(`http://127.0.0.1:${port}`, child, dataDir);
    const onData = (chunk: Buffer) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line) continue;
        server.log.push(line);
        const m = /verification code for (\+\d+|[^\s:]+@[^\s:]+): (\d{4,8})/.exec(line);
        if (m) server.codes.push({ phone: m[1]!, code: m[2]!, at: Date.now() });
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    const deadline = Date.now() + 240_000; // first start of an empty embedded database runs initdb in WebAssembly: slow on a busy machine
    for (;;) {
      if (child.exitCode !== null) throw new Error(`server exited early:\n${server.log.join('\n')}`);
      try {
        const res = await fetch(`${server.url}/readyz`);
        if (res.ok) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error(`server did not get ready:\n${server.log.join('\n')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
    return server;
  }

  /** The newest code sent to a phone or email after `since` (ms epoch), waiting for it to be logged. */
  async codeFor(phone: string, since: number): Promise<Code> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const found = [...this.codes].reverse().find((c) => c.phone === phone && c.at >= since);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no code for ${phone} in the server log`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async api<T>(
    method: string,
    path: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<T> {
    const res = await fetch(`${this.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${API_KEY}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} -> ${res.status}: ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }

  saveLog(file: string): void {
    writeFileSync(file, this.log.join('\n'));
  }

  async stop(): Promise<void> {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (this.child.exitCode === null) this.child.kill('SIGKILL');
    }
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

export type ConsoleProblem = { page: string; text: string };

export class Browsing {
  readonly problems: ConsoleProblem[] = [];
  readonly failedRequests: string[] = [];
  private constructor(readonly browser: Browser) {}

  /** `fakeCamera`: a Y4M file the browser's camera shows (see fake-camera.ts). */
  static async launch(opts: { fakeCamera?: string } = {}): Promise<Browsing> {
    mkdirSync(RESULTS, { recursive: true });
    const camera = opts.fakeCamera
      ? [
          '--use-fake-device-for-media-stream',
          '--use-fake-ui-for-media-stream',
          `--use-file-for-fake-video-capture=${opts.fakeCamera}`,
        ]
      : [];
    // playwright-core starts Chromium with a new, empty --user-data-dir of its own each launch.
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...CHROMIUM_ARGS, ...camera],
    });
    return new Browsing(browser);
  }

  async context(
    opts: { mobile?: boolean; storageState?: Awaited<ReturnType<BrowserContext['storageState']>> } = {},
  ) {
    const context = await this.browser.newContext({
      viewport: opts.mobile ? { width: 375, height: 812 } : { width: 1366, height: 900 },
      deviceScaleFactor: 1,
      isMobile: opts.mobile ?? false,
      hasTouch: opts.mobile ?? false,
      locale: 'ru-RU',
      timezoneId: 'Europe/Moscow',
      ...(opts.storageState ? { storageState: opts.storageState } : {}),
    });
    context.on('page', (p) => this.watch(p));
    return context;
  }

  watch(page: Page): void {
    page.on('console', (msg) => {
      if (msg.type() === 'error') this.problems.push({ page: page.url(), text: msg.text() });
    });
    page.on('pageerror', (err) => this.problems.push({ page: page.url(), text: `uncaught: ${err.message}` }));
    // The console only says "Failed to load resource"; keep what was sent and answered, to explain it.
    page.on('response', async (res) => {
      if (res.status() < 400) return;
      const body = await res.text().catch(() => '');
      this.failedRequests.push(
        `${res.request().method()} ${res.url()} ${res.request().postData() ?? ''} -> ${res.status()} ${body}`,
      );
    });
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}

/**
 * Form controls, buttons and links without an accessible name, and images without alt text: what
 * a screen reader could not announce. A light check, not a full audit.
 */
export async function unlabelled(page: Page): Promise<string[]> {
  // Plain JavaScript text: TypeScript loaders may wrap a function with helpers the page lacks.
  return page.evaluate(UNLABELLED_SCRIPT) as Promise<string[]>;
}

const UNLABELLED_SCRIPT = `(() => {
  const text = (el) => ((el && el.textContent) || '').trim();
  const named = (el) => {
    if ((el.getAttribute('aria-label') || '').trim() || (el.getAttribute('title') || '').trim()) return true;
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    if (ids.some((id) => text(document.getElementById(id)))) return true;
    if (el.id && text(document.querySelector('label[for="' + CSS.escape(el.id) + '"]'))) return true;
    if (text(el.closest('label'))) return true;
    const tag = el.tagName;
    if ((tag === 'BUTTON' || tag === 'A' || el.getAttribute('role') === 'button') && text(el)) return true;
    if (tag === 'A' && el.querySelector('img[alt]:not([alt=""])')) return true;
    return false;
  };
  const bad = [];
  const controls = document.querySelectorAll(
    'input:not([type=hidden]), select, textarea, button, a[href], [role=button], [role=switch], [role=checkbox], [role=combobox]',
  );
  for (const el of controls) {
    if (el.closest('[aria-hidden="true"]')) continue;
    if (!named(el)) bad.push(el.outerHTML.slice(0, 160));
  }
  for (const img of document.querySelectorAll('img')) if (!img.hasAttribute('alt')) bad.push(img.outerHTML.slice(0, 160));
  return bad;
})()`;

export async function shot(page: Page, name: string): Promise<void> {
  await page.waitForLoadState('networkidle').catch(() => undefined);
  await page.screenshot({ path: join(RESULTS, `${name}.png`), fullPage: true });
}

/** Staff sign-in through the login page, keyboard only; resolves on the dashboard. */
export async function signInStaff(page: Page, server: KopilkaServer): Promise<void> {
  await page.goto(`${server.url}/login`);
  await page.getByLabel('Эл. почта').focus();
  await page.keyboard.type(ADMIN.email);
  await page.keyboard.press('Tab');
  await page.keyboard.type(ADMIN.password);
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Обзор программы' }).waitFor();
}

const AXE_PATH = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
// Plain JavaScript text, like UNLABELLED_SCRIPT.
const AXE_SCRIPT = `axe.run(document, {
  runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
  resultTypes: ['violations'],
}).then((r) => r.violations.map((v) => ({
  id: v.id,
  impact: v.impact,
  help: v.help,
  targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')),
})))`;

/**
 * WCAG 2.1 A/AA violations axe-core (from npm, injected into the page) finds on what the page
 * shows now: contrast, names, roles, landmarks, language… One line per rule with a few targets.
 */
export async function axeViolations(page: Page): Promise<string[]> {
  await page.addScriptTag({ path: AXE_PATH });
  const found = (await page.evaluate(AXE_SCRIPT)) as {
    id: string;
    impact: string;
    help: string;
    targets: string[];
  }[];
  return found.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.targets.join(' | ')}`);
}
