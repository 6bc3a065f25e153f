// Outside tools some tests need (Chromium, xmllint, SpamAssassin, the Atom RELAX NG schema from the shared corpus).
// A test that cannot run never passes in silence: needs() prints one line naming what is skipped and why, and under
// CI=true (CI installs every tool, .ci/run) it registers a failing test instead, so a missing tool there is red.
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';
import { it } from 'vitest';

const said = new Set<string>();

/**
 * True when the tool is present. Otherwise says so once per file and tool ("skipped: …, because …") and returns
 * false; under CI a failing test "<tool> is present" stands in for the skipped ones.
 */
export function needs(
  tool: string,
  present: boolean,
  skipped: string,
  install = '',
  // The shared corpus is not something .ci/run installs: tests that read it skip, with their line, wherever it is
  // absent (DESIGN.md, "Test material"), CI included.
  requiredInCi = !install.includes('shared/corpus'),
): boolean {
  if (present) return true;
  const reason = `${tool} is not installed${install ? ` (${install})` : ''}`;
  if (!said.has(tool)) {
    said.add(tool);
    process.stderr.write(`skipped: ${skipped}, because ${reason}\n`);
    if (process.env.CI === 'true' && requiredInCi) {
      it(`${tool} is present (CI runs every test)`, () => {
        throw new Error(`CI must run ${skipped}, but ${reason}`);
      });
    }
  }
  return false;
}

export const CHROMIUM = '/usr/bin/chromium';
export const hasChromium = existsSync(CHROMIUM);

/** Debian's Chromium, headless, with the flags this closed network needs (no background connections at start). */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}
