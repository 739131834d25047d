// Page checks every screen must pass: axe-core's accessibility rules (no
// serious or critical violation) and, on a phone, nothing wider than the
// screen (a page that scrolls sideways is a page cut off).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';

const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');
let axeSource: string | undefined;

interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[] }[];
}

/** The serious and critical axe violations on the page, one line each (empty when there are none). */
export async function a11yViolations(page: Page): Promise<string[]> {
  // Evaluated rather than added as a script tag: the app's Content-Security-Policy
  // (script-src 'self') rightly refuses inline scripts, and a test must not loosen it.
  if (!(await page.evaluate<boolean>("'axe' in globalThis"))) await page.evaluate((axeSource ??= readFileSync(AXE, 'utf8')));
  // Colours caught halfway through a CSS transition (a button just enabled, a hover ending) are
  // no colours anyone reads: let running transitions finish first (endless animations, such as
  // spinners and the live dot, are not transitions and are not waited for).
  await page.evaluate(
    'Promise.race([Promise.all(document.getAnimations().filter((a) => a instanceof CSSTransition).map((a) => a.finished.catch(() => undefined))), new Promise((r) => setTimeout(r, 2000))])',
  );
  // A string, not a function: this project's type-checking knows no DOM.
  const violations = await page.evaluate<AxeViolation[]>(
    "axe.run(document, { resultTypes: ['violations'] }).then((r) => r.violations.map(({ id, impact, help, nodes }) => ({ id, impact, help, nodes: nodes.map((n) => ({ target: n.target })) })))",
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => {
      const targets = v.nodes.slice(0, 3).map((n) => JSON.stringify(n.target));
      const more = v.nodes.length > 3 ? ` (+${v.nodes.length - 3} more)` : '';
      return `${v.id} [${v.impact}] ${v.help}: ${targets.join(', ')}${more}`;
    });
}

/** Fails, naming every serious or critical axe violation, unless there is none. */
export async function checkA11y(page: Page, label: string): Promise<void> {
  const found = await a11yViolations(page);
  if (found.length > 0)
    throw new Error(`${label}: ${found.length} serious or critical accessibility violation(s)\n  ${found.join('\n  ')}`);
}

/** Fails when the page is wider than its viewport (it would scroll sideways). */
export async function noHorizontalOverflow(page: Page, label = 'page'): Promise<void> {
  // The first elements that stick out name what to fix.
  const { scrollWidth, clientWidth, culprits } = await page.evaluate<{
    scrollWidth: number;
    clientWidth: number;
    culprits: string[];
  }>(`(() => {
    const root = document.documentElement;
    const culprits = [...document.querySelectorAll('body *')]
      .filter((el) => el.getBoundingClientRect().right > root.clientWidth + 1)
      .slice(0, 5)
      .map((el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') + ' "' + String(el.className).slice(0, 80) + '"');
    return { scrollWidth: root.scrollWidth, clientWidth: root.clientWidth, culprits };
  })()`);
  if (scrollWidth > clientWidth + 1)
    throw new Error(`${label}: the page is ${scrollWidth}px wide in a ${clientWidth}px viewport; sticking out: ${culprits.join(', ')}`);
}
