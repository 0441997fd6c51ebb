import assert from 'node:assert/strict';
import { after, before } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from './browser';
import { PASSWORD, startStack, type Stack, type StackUser } from './stack';

export interface Viewport {
  width: number;
  height: number;
}

/** One stack and one Chromium for a test file, and the pages its tests open (each in its own context). */
export interface E2eSession {
  /** The running stack (set once the file's `before` hook has run). */
  readonly stack: Stack;
  /** A page in a fresh browser context (pt-PT, Lisbon); requests that would leave the machine are refused. */
  newPage(viewport: Viewport, label?: string): Promise<Page>;
  /** A console page logged in as `user`, once its live feed is up. `setup` runs before the page loads. */
  openConsole(user: StackUser, viewport?: Viewport, setup?: (page: Page) => void): Promise<Page>;
}

/**
 * Registers the file's `before`/`after` hooks: the stack and browser start once and stop at the end.
 * `extraEnv` may be a function, run in the `before` hook (e.g. once a local server has a port).
 */
export function useE2eSession(extraEnv: Record<string, string> | (() => Promise<Record<string, string>>) = {}): E2eSession {
  let stack: Stack | undefined;
  let browser: Browser;
  let closeBrowser: (() => Promise<void>) | undefined;
  const contexts: BrowserContext[] = [];
  // The file's own hooks may start before this one has finished: pages wait for the start.
  let started!: () => void;
  let failed!: (err: unknown) => void;
  const ready = new Promise<void>((resolve, reject) => {
    started = resolve;
    failed = reject;
  });
  ready.catch(() => undefined);

  before(async () => {
    try {
      stack = await startStack(typeof extraEnv === 'function' ? await extraEnv() : extraEnv);
      ({ browser, close: closeBrowser } = await launchChromium());
      started();
    } catch (err) {
      failed(err);
      throw err;
    }
  });

  after(async () => {
    for (const c of contexts) await c.close().catch(() => undefined);
    await closeBrowser?.();
    await stack?.stop();
  });

  const session: E2eSession = {
    get stack(): Stack {
      if (!stack) throw new Error('the stack is not started yet (use it inside a test or a before hook)');
      return stack;
    },
    async newPage(viewport, label = 'page') {
      await ready;
      const context = await browser.newContext({ viewport, locale: 'pt-PT', timezoneId: 'Europe/Lisbon' });
      contexts.push(context);
      // No request may leave the machine (the tile server is off: CONSOLE_TILE_URL=none).
      await context.route(/^https?:\/\/(?!127\.0\.0\.1)/, (route) => route.abort());
      const page = await context.newPage();
      page.on('pageerror', (e) => assert.fail(`${label}: ${e.message}`));
      return page;
    },
    async openConsole(user, viewport = { width: 1400, height: 900 }, setup) {
      const page = await session.newPage(viewport, user);
      setup?.(page);
      await page.goto(session.stack.baseUrl);
      await page.fill('input[name=username]', user);
      await page.fill('input[name=password]', PASSWORD);
      await page.click('button[type=submit]');
      await page.waitForSelector('.shell[data-feed="live"]', { timeout: 15_000 });
      return page;
    },
  };
  return session;
}
