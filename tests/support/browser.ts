// Debian's chromium, headless, driven by playwright-core: the flags keep it off the network this machine closes
// (background updates, sync), and names `evil.test` as 127.0.0.1 so a test can play a DNS-rebinding page.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';

export const CHROMIUM = process.env.KG_CHROMIUM ?? '/usr/bin/chromium';

/** Where the browser tests write their screenshots (kept by CI as artifacts). */
export const ARTIFACTS = process.env.KG_TEST_ARTIFACTS ?? join(import.meta.dirname, '..', '.artifacts', 'console');

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`no chromium at ${CHROMIUM}: tests/support/ensure-chromium.sh installs it (npm test runs it first)`);
  }
  mkdirSync(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      ...(process.getuid?.() === 0 ? ['--no-sandbox'] : []),
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--host-resolver-rules=MAP evil.test 127.0.0.1',
    ],
  });
}
