// The e2e tests' setting: a studio core in server mode over a fresh folder, with its project; a
// Chromium page at 1440×900 on it; screenshots into test-output/screenshots; one close for all.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { Studio } from '../../main/core/studio';
import { startServer, type RunningServer } from '../../main/server/server';
import { launchChromium } from './browser';

export const SHOTS = join(__dirname, '..', '..', 'test-output', 'screenshots');

/** A folder `prefix…` (root), the studio with its config in root/config, the server, and a project root/project named `name`. */
export async function startStudio(prefix: string, name: string, o: { prepare?: (root: string) => void } = {}): Promise<{ root: string; studio: Studio; server: RunningServer }> {
  mkdirSync(SHOTS, { recursive: true });
  const root = mkdtempSync(join(tmpdir(), prefix));
  o.prepare?.(root);
  const studio = new Studio({ shell: 'server', configDir: join(root, 'config'), concurrency: 2 });
  // STUDIO_TEST_UI_DIR: a UI built elsewhere than out/renderer (while the shared build is someone else's).
  const server = await startServer(studio, { port: 0, ...(process.env.STUDIO_TEST_UI_DIR ? { staticDir: process.env.STUDIO_TEST_UI_DIR } : {}) });
  await studio.api.handle('project.create', { dir: join(root, 'project'), name });
  return { root, studio, server };
}

export async function openPage(): Promise<{ browser: Browser; page: Page }> {
  const browser = await launchChromium();
  return { browser, page: await browser.newPage({ viewport: { width: 1440, height: 900 } }) };
}

/** Saves test-output/screenshots/<name>.png of the page. */
export function screenshot(page: Page, name: string, fullPage = false): Promise<Buffer> {
  return page.screenshot({ path: join(SHOTS, `${name}.png`), animations: 'disabled', fullPage });
}

/** Closes whatever of the setting was made (a beforeAll may have failed half-way). */
export async function closeStudio(s: { browser?: Browser; server?: RunningServer; studio?: Studio; root?: string }): Promise<void> {
  await s.browser?.close();
  await s.server?.close();
  await s.studio?.dispose();
  if (s.root) rmSync(s.root, { recursive: true, force: true });
}
