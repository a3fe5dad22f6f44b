import { test, expect, resultTotal } from './fixtures';

test.use({ javaScriptEnabled: false });

test('the filter form works as a plain GET form', async ({ page, consoleErrors }) => {
  await page.goto('/apps');
  const everything = await resultTotal(page);
  await page.selectOption('#filter-age', '5-7');
  await page.selectOption('#filter-platform', 'ios');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/age=5-7/);
  await expect(page).toHaveURL(/platform=ios/);
  const filtered = await resultTotal(page);
  expect(filtered).toBeGreaterThan(0);
  expect(filtered).toBeLessThan(everything);

  // The same listing as the clean URL a shared link would carry.
  const clean = await page.context().newPage();
  await clean.goto('/apps?age=5-7&platform=ios');
  expect(await resultTotal(clean)).toBe(filtered);

  // A price cap from the form narrows further and shows as a removable filter.
  await page.fill('#filter-max-price', '0');
  await page.getByRole('button', { name: 'Apply filters' }).click();
  await expect(page).toHaveURL(/max_price=0/);
  expect(await resultTotal(page)).toBeLessThan(filtered);
  await expect(page.locator('.chip', { hasText: 'Up to $0' })).toBeVisible();

  // Facet links and app cards are plain links too.
  await page.locator('[data-facet="category"] a').first().click();
  await expect(page).toHaveURL(/category=/);
  await page.locator('.app-card a').first().click();
  await expect(page.locator('.scorecard')).toBeVisible();
  await expect(page.locator('.content-grid .meter-row')).toHaveCount(10);
  await expect(page.locator('[data-group="privacy"] .fact-source')).toBeVisible();
  await expect(page.locator('.money-line')).toContainText('What it really costs:');
});

test('without JavaScript an administrator changes a fact and the page shows it under what changed', async ({ page, consoleErrors }) => {
  const token = process.env.ADMIN_TOKEN ?? 'e2e-admin-token-0123456789';
  await page.goto('/admin');
  await page.fill('#admin-token', token);
  await page.click('button:has-text("Sign in")');
  await expect(page).toHaveURL(/\/admin\/jobs/);

  await page.goto('/admin/apps');
  const slug = await page.locator('tr[data-slug]').nth(5).getAttribute('data-slug');
  await page.goto(`/admin/apps/${slug}/edit`);
  const ads = await page.locator('#app-ads').inputValue();
  const next = ads === 'rewarded-video' ? 'own' : 'rewarded-video';
  await page.selectOption('#app-ads', next);
  await page.click('button:has-text("Save changes")');
  await expect(page).toHaveURL(new RegExp(`/apps/${slug}$`));
  const label = next === 'own' ? "Ads for the maker's own apps" : 'Rewarded video ads';
  await expect(page.locator('.fact-changes li[data-fact="money.ads"]').first()).toContainText(`to “${label}”`);
});

test('without JavaScript a parent compares two apps, adds a third and removes one', async ({ page, consoleErrors }) => {
  await page.goto('/apps?age=5-7&category=education');
  await page.locator('.app-card a.app-card-link').first().click();
  await page.locator('.compare-with a').click();
  await expect(page).toHaveURL(/\/compare\?apps=[a-z0-9-]+,[a-z0-9-]+$/);
  await expect(page.locator('table.compare thead th.compare-app')).toHaveCount(2);
  await page.locator('.compare-add a').first().click();
  await expect(page).toHaveURL(/\/compare\?apps=([a-z0-9-]+,){2}[a-z0-9-]+$/);
  await expect(page.locator('table.compare thead th.compare-app')).toHaveCount(3);
  await page.locator('.compare-remove').first().click();
  await expect(page.locator('table.compare thead th.compare-app')).toHaveCount(2);
});

test.describe('compare errors', () => {
  test.use({ allowConsole: [/status of 400/] });

  test('an unknown app in a comparison is a 400 naming it', async ({ page, consoleErrors }) => {
    await page.goto('/apps?age=5-7');
    const slug = await page.locator('.app-card').first().getAttribute('data-card');
    const response = await page.goto(`/compare?apps=${slug},no-such-app`);
    expect(response?.status()).toBe(400);
    await expect(page.locator('.error-detail')).toContainText('no-such-app');
  });
});
