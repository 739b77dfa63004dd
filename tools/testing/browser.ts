import { type Browser, chromium } from 'playwright-core';

/**
 * Flags for a quiet, headless Chromium in tests and containers: no sandbox (we run as root in
 * CI), no GPU, and none of the background traffic (updates, sync, QUIC probes) a desktop
 * browser starts on its own.
 */
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * Launches the system Chromium (`apt-get install chromium`), or the one named by CHROMIUM_PATH.
 * Playwright never downloads a browser here.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: CHROMIUM_ARGS,
  });
}
