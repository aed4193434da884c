import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { CHROMIUM_PATH } from '@throughline/local-infra';

/**
 * Real Chromium for the dashboard's browser tests (Debian's, installed by the integration global
 * setup when missing), axe-core in the page, and screenshots as test artifacts under tmp/screenshots.
 */
export async function launchChromium(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  // As root (CI), Chromium's sandbox cannot start; the pages under test are our own.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: ['--no-sandbox'] });
}

export const PHONE = { width: 390, height: 844 } as const;
export const DESKTOP = { width: 1440, height: 900 } as const;

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/** axe-core's serious and critical violations on the page as it is now (moderate and minor are left to review). */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  const axe = await import('axe-core');
  // Evaluated through the DevTools protocol: the dashboard's Content-Security-Policy rightly refuses inline scripts.
  await page.evaluate(axe.default.source);
  const violations = await page.evaluate(async () => {
    const result = await (
      globalThis as unknown as {
        axe: {
          run(): Promise<{
            violations: Array<{ id: string; impact: string | null; help: string; nodes: Array<{ target: unknown[] }> }>;
          }>;
        };
      }
    ).axe.run();
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact,
      help: violation.help,
      targets: violation.nodes.map((node) => node.target.join(' ')),
    }));
  });
  return violations.filter((violation) => violation.impact === 'serious' || violation.impact === 'critical');
}

export const SCREENSHOT_DIR = resolve(__dirname, '../../../tmp/screenshots');

/** A full-page screenshot, named `<name>-<width>.png`, kept after the run for people to look at. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const path = join(SCREENSHOT_DIR, `${name}-${page.viewportSize()?.width ?? 0}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
