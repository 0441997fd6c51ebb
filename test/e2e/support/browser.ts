import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.CHROME_BIN ?? '/usr/bin/chromium';

/**
 * Debian's Chromium, headless, no sandbox, nothing phoning home. Playwright gives every launch a
 * fresh temporary profile (it refuses an explicit --user-data-dir outside launchPersistentContext).
 */
export async function launchChromium(): Promise<{ browser: Browser; close: () => Promise<void> }> {
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--no-first-run',
      '--disable-sync',
      '--autoplay-policy=no-user-gesture-required',
    ],
  });
  return {
    browser,
    close: async () => {
      await browser.close();
    },
  };
}

export const SCREENSHOTS = join(__dirname, '..', '..', '..', 'test-results', 'screenshots');

/** A test file's screenshots kept beside the checkout's other run artefacts: var/screenshots/<prefix>-<name>.png. */
export function screenshotsOf(prefix: string): (name: string) => string {
  const dir = join(__dirname, '..', '..', '..', 'var', 'screenshots');
  return (name) => {
    mkdirSync(dir, { recursive: true });
    return join(dir, `${prefix}-${name}.png`);
  };
}
export function screenshotPath(name: string): string {
  mkdirSync(SCREENSHOTS, { recursive: true });
  return join(SCREENSHOTS, `${name}.png`);
}
