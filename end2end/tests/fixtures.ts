import { test as base, expect, Page } from '@playwright/test';

// Console errors and uncaught exceptions fail the test: that is how broken hydration shows.
// A test that expects an error status may list the messages it allows. Each error names the
// page it happened on.
export const test = base.extend<{ allowConsole: RegExp[]; consoleErrors: string[] }>({
  allowConsole: [[], { option: true }],
  consoleErrors: async ({ page, allowConsole }, use) => {
    const errors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error' && !allowConsole.some((re) => re.test(msg.text()))) {
        errors.push(`${page.url()}: ${msg.text()}`);
      }
    });
    page.on('pageerror', (err) => errors.push(`${page.url()}: uncaught: ${err.message}`));
    await use(errors);
    expect(errors, 'browser console errors').toEqual([]);
  },
});

export { expect };

export async function waitForHydration(page: Page) {
  await page.waitForSelector('body[data-hydrated="true"]', { timeout: 15_000 });
}

export async function resultTotal(page: Page): Promise<number> {
  const text = await page.locator('.result-count').getAttribute('data-total');
  return Number(text);
}
