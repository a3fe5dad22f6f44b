import { test, expect, waitForHydration, resultTotal } from './fixtures';

// The seeded catalog (scripts/e2e-server.sh) names apps "<Adjective> <Noun> <Format>".

test('typing in the header box suggests apps; arrow keys and Enter open one', async ({ page, consoleErrors }) => {
  await page.goto('/');
  await waitForHydration(page);
  const box = page.getByRole('combobox', { name: 'Search apps' });
  await box.pressSequentially('dino', { delay: 40 });
  const options = page.getByRole('option');
  await expect(options.first()).toBeVisible();
  await expect(box).toHaveAttribute('aria-expanded', 'true');
  const firstName = (await options.first().locator('.suggestion-name').textContent())!;
  expect(firstName.toLowerCase()).toContain('dino');

  await box.press('ArrowDown');
  await expect(options.first()).toHaveAttribute('aria-selected', 'true');
  await box.press('Escape');
  await expect(page.locator('#site-search-list')).toBeHidden();

  await box.press('ArrowDown');
  await expect(page.locator('#site-search-list')).toBeVisible();
  await box.press('Enter');
  await expect(page).toHaveURL(/\/apps\/[a-z0-9-]+$/);
  await expect(page.locator('h1')).toHaveText(firstName);
});

test('a click on a suggestion lands on the app', async ({ page, consoleErrors }) => {
  await page.goto('/apps');
  await waitForHydration(page);
  await page.getByRole('combobox', { name: 'Search apps' }).pressSequentially('happy', { delay: 40 });
  const option = page.getByRole('option').nth(1);
  await expect(option).toBeVisible();
  const name = (await option.locator('.suggestion-name').textContent())!;
  await option.click();
  await expect(page.locator('h1')).toHaveText(name);
});

test('submitting the box shows marked results that filter without a reload', async ({ page, consoleErrors }) => {
  await page.goto('/');
  await waitForHydration(page);
  const box = page.getByRole('combobox', { name: 'Search apps' });
  await box.fill('dino');
  await box.press('Enter');
  await expect(page).toHaveURL(/\/search\?q=dino$/);
  await expect(page.locator('.search-result').first()).toBeVisible();
  await expect(page.locator('.search-result mark').first()).toHaveText(/dino/i);
  const all = await resultTotal(page);
  await page.locator('[data-facet="age"] a', { hasText: 'Ages 5–7' }).click();
  await expect(page).toHaveURL(/\/search\?q=dino&age=5-7$/);
  await expect.poll(() => resultTotal(page)).toBeLessThan(all);
  await expect(box).toHaveValue('dino');
});

test('filters written as words become the search filters', async ({ page, consoleErrors }) => {
  await page.goto('/');
  await waitForHydration(page);
  const box = page.getByRole('combobox', { name: 'Search apps' });
  await box.fill('free dino apps for 4 year olds');
  await box.press('Enter');
  await expect(page).toHaveURL(/\/search\?q=dino&age=2-4&price=free$/);
  await expect(page.locator('.search-result').first()).toBeVisible();
  await expect(page.locator('.search-result .price').first()).toHaveText('Free');
  await page.goBack();
  await expect(page).toHaveURL(/:\d+\/$/); // the typed search was replaced, not kept in history
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('the header form searches and the facets and pages are links', async ({ page, consoleErrors }) => {
    await page.goto('/apps');
    await page.fill('#site-search-q', 'happy');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await expect(page).toHaveURL(/\/search\?q=happy$/);
    const all = await resultTotal(page);
    expect(all).toBeGreaterThan(0);
    await page.locator('[data-facet="safety"] a', { hasText: 'No ads' }).click();
    await expect(page).toHaveURL(/q=happy&no_ads=1/);
    const filtered = await resultTotal(page);
    expect(filtered).toBeLessThanOrEqual(all);
    await page.locator('.sort-links a', { hasText: 'Newest' }).click();
    await expect(page).toHaveURL(/q=happy&no_ads=1&sort=new/);
    expect(await resultTotal(page)).toBe(filtered);
    await page.locator('.search-result-name').first().click();
    await expect(page.locator('.scorecard')).toBeVisible();
  });

  test('a misspelt search still finds the app, and nonsense offers popular picks', async ({ page, consoleErrors }) => {
    await page.goto('/search?q=dinno');
    expect(await resultTotal(page)).toBeGreaterThan(0);
    await page.goto('/search?q=qqqzzzxx');
    await expect(page.getByTestId('no-results')).toBeVisible();
    await expect(page.locator('.app-card').first()).toBeVisible();
  });
});
