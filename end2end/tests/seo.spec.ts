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
