// One web server on a fresh data folder, one Chromium and one page, shared by the tests of a file:
// registers the before/after hooks and hands the pieces to `ready` (which may also set up data).
// `withFreshSession` gives one test the same pieces of its own.
import { before, after } from 'node:test';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, newPage } from './browser.js';
import { apiFor, type Call } from './api.js';
import { startServer, type RunningServer } from './webServer.js';

export interface BrowserSession { home: string; server: RunningServer; browser: Browser; page: Page; errors: string[]; call: Call }

export function browserSession(homePrefix: string, skip: string | false, ready: (s: BrowserSession) => void | Promise<void>): void {
  let home: string | undefined, server: RunningServer | undefined, browser: Browser | undefined;
  before(async () => {
    if (skip) return;
    home = mkdtempSync(join(tmpdir(), homePrefix));
    [server, browser] = await Promise.all([startServer(home), launchBrowser()]);
    const { page, errors } = await newPage(browser);
    await ready({ home, server, browser, page, errors, call: apiFor(server.url) });
  });
  after(async () => {
    await browser?.close();
    await server?.stop();
    if (home) rmSync(home, { recursive: true, force: true });
  });
}

/** A web server on a data folder of its own, a Chromium and a page for one test; all gone when `body` ends. */
export async function withFreshSession(homePrefix: string, body: (s: BrowserSession) => Promise<void>): Promise<void> {
  const home = mkdtempSync(join(tmpdir(), homePrefix));
  let browser: Browser | undefined, server: RunningServer | undefined;
  try {
    [browser, server] = await Promise.all([launchBrowser(), startServer(home)]);
    const { page, errors } = await newPage(browser);
    await body({ home, server, browser, page, errors, call: apiFor(server.url) });
  } finally {
    await server?.stop();
    await browser?.close();
    rmSync(home, { recursive: true, force: true });
  }
}
