// A headless Chromium driven by playwright-core (no browser download): STUDIO_CHROMIUM,
// else the system's Chromium or Chrome, else the one the npm package @sparticuz/chromium
// ships (unpacked into the temp folder on first use), so a fresh machine needs no apt step.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

const SYSTEM_BROWSERS = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome', '/usr/bin/google-chrome-stable'];

const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

async function executable(): Promise<{ path: string; extraArgs: string[] }> {
  const chosen = process.env.STUDIO_CHROMIUM;
  if (chosen) {
    if (!existsSync(chosen)) throw new Error(`STUDIO_CHROMIUM=${chosen} does not exist`);
    return { path: chosen, extraArgs: [] };
  }
  const system = SYSTEM_BROWSERS.find((p) => existsSync(p));
  if (system) return { path: system, extraArgs: [] };
  const { default: packaged } = await import('@sparticuz/chromium');
  // That build is made for sandboxless containers: one process, no zygote.
  return { path: await packaged.executablePath(), extraArgs: ['--no-zygote', '--single-process'] };
}

export async function launchChromium(): Promise<Browser> {
  const exe = await executable();
  return chromium.launch({ executablePath: exe.path, headless: true, args: [...FLAGS, ...exe.extraArgs] });
}
