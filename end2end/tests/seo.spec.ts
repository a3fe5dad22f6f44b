import { test, expect, waitForHydration } from './fixtures';

test('the canonical link follows client-side navigation and stays single', async ({ page, consoleErrors }) => {
  await page.goto('/apps?utm_source=mail');
  await waitForHydration(page);
  const canonical = page.locator('link[rel="canonical"]');
  await expect(canonical).toHaveCount(1);
  await expect(canonical).toHaveAttribute('href', /\/apps$/);
  await page.selectOption('#filter-age', '5-7');
  await expect(page).toHaveURL(/\/apps\?age=5-7/);
  await expect(canonical).toHaveCount(1);
  await expect(canonical).toHaveAttribute('href', /\/apps\?age=5-7$/);
  await expect(page).toHaveTitle(/for ages 5–7/);
});

test.describe('under the page\'s script policy', () => {
  // The one error this test causes on purpose: the browser refusing the injected script.
  test.use({ allowConsole: [/Content Security Policy/] });

  test('the page hydrates and navigates, and an injected inline script does not run', async ({ page, consoleErrors }) => {
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (directive: string) => violations.push(directive));
    await page.addInitScript(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { reportViolation: (d: string) => void }).reportViolation(e.effectiveDirective));
    });
    const response = await page.goto('/apps?age=5-7');
    const policy = response!.headers()['content-security-policy'];
    expect(policy).toMatch(/script-src 'self' 'nonce-[A-Za-z0-9_-]+' 'wasm-unsafe-eval'/);
    await waitForHydration(page);
    await page.locator('a.brand').click();
    await expect(page).toHaveURL(/\/$/);
    expect(violations, 'the site\'s own scripts all pass').toEqual([]);

    await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.injected = true';
      document.body.append(script);
    });
    await expect.poll(() => violations).toEqual(['script-src-elem']);
    expect(await page.evaluate(() => (window as unknown as { injected?: boolean }).injected)).toBeUndefined();
  });
});
