import { test, expect, waitForHydration, resultTotal } from './fixtures';

test('home lists apps for every age band', async ({ page, consoleErrors }) => {
  await page.goto('/');
  await waitForHydration(page);
  await expect(page).toHaveTitle(/Famigo/);
  await expect(page.locator('#top-rated .app-card')).toHaveCount(8);
  for (const band of ['2-4', '5-7', '8-10', '11-13', '14-18']) {
    expect(await page.locator(`[data-band="${band}"] .app-card`).count()).toBeGreaterThan(0);
  }
});

test('choosing age and platform narrows the list, the URL and the counts without a reload', async ({ page, consoleErrors }) => {
  await page.goto('/apps');
  await waitForHydration(page);
  const everything = await resultTotal(page);
  const iosCountBefore = await page.locator('[data-facet="platform"] li', { hasText: 'iOS' }).locator('.facet-count').innerText();
  // A marker on window survives client-side navigation but not a full page load.
  await page.evaluate(() => ((window as any).__famigoMarker = 'still-here'));

  await page.selectOption('#filter-age', '5-7');
  await expect(page).toHaveURL(/\/apps\?age=5-7$/);
  await expect.poll(() => resultTotal(page)).toBeLessThan(everything);
  const byAge = await resultTotal(page);

  await page.selectOption('#filter-platform', 'ios');
  await expect(page).toHaveURL(/\/apps\?age=5-7&platform=ios$/);
  await expect.poll(() => resultTotal(page)).toBeLessThan(byAge);
  const byBoth = await resultTotal(page);
  expect(byBoth).toBeGreaterThan(0);

  // The platform facet now counts within ages 5–7, so its iOS count equals the result total.
  const iosCountAfter = await page.locator('[data-facet="platform"] li', { hasText: 'iOS' }).locator('.facet-count').innerText();
  expect(Number(iosCountAfter)).toBe(byBoth);
  expect(iosCountAfter).not.toBe(iosCountBefore);
  await expect(page.locator('.chip', { hasText: 'Ages 5–7' })).toBeVisible();
  await expect(page.locator('#filter-age')).toHaveValue('5-7');

  expect(await page.evaluate(() => (window as any).__famigoMarker)).toBe('still-here');

  // Removing a filter chip goes back to the wider list.
  await page.locator('.chip', { hasText: 'iOS' }).click();
  await expect(page).toHaveURL(/\/apps\?age=5-7$/);
  await expect.poll(() => resultTotal(page)).toBe(byAge);
  await expect(page.locator('#filter-platform')).toHaveValue('');
});

test('an app page opens from a card', async ({ page, consoleErrors }) => {
  await page.goto('/apps?age=8-10');
  await waitForHydration(page);
  const card = page.locator('.app-card').first();
  const name = await card.locator('.app-card-name').innerText();
  const slug = await card.getAttribute('data-card');
  await card.locator('a.app-card-link').click();
  await expect(page).toHaveURL(new RegExp(`/apps/${slug}$`));
  await expect(page.locator('h1')).toHaveText(name);
  await expect(page.locator('.scorecard')).toBeVisible();
  await expect(page).toHaveTitle(new RegExp(name));
});

test('an app page shows the content grid, privacy label, what it costs, and where each fact came from', async ({ page, consoleErrors }) => {
  await page.goto('/apps?age=8-10');
  await page.locator('.app-card a.app-card-link').first().click();
  await waitForHydration(page);
  await expect(page.locator('.content-grid .meter-row')).toHaveCount(10);
  await expect(page.locator('.content-grid')).toContainText('Sex & romance');
  await expect(page.locator('.money-line')).toContainText('What it really costs:');
  for (const group of ['content', 'interaction', 'privacy', 'money']) {
    await expect(page.locator(`[data-group="${group}"] .fact-source`)).toHaveText(/^(Source: .+ · checked \w+ \d+, \d{4}|Source unknown · not checked yet)$/);
  }
  await expect(page.locator('.privacy-label')).toContainText(/Data (used to track|linked to|not linked to|not collected)|Not checked yet/);
  await expect(page.locator('.fact-changes h2')).toHaveText('What changed');
});

test.describe('error pages', () => {
  // Chromium logs the document's own error status; nothing else may fail.
  test.use({ allowConsole: [/status of 40[04]/] });

  test('unknown app shows a 404 page', async ({ page, consoleErrors }) => {
    const response = await page.goto('/apps/there-is-no-such-app');
    expect(response?.status()).toBe(404);
    await expect(page.locator('h1')).toHaveText("We couldn't find that page");
    await waitForHydration(page);
  });

  test('a bad filter value gets a 400 page naming it', async ({ page, consoleErrors }) => {
    const response = await page.goto('/apps?age=baby');
    expect(response?.status()).toBe(400);
    await expect(page.locator('.error-detail')).toContainText('age');
    await waitForHydration(page);
  });
});

test('the bundle has hashed names, comes precompressed and is cacheable forever', async ({ page, request, consoleErrors }) => {
  await page.goto('/');
  const assets = [
    await page.locator('link#leptos').getAttribute('href'),
    await page.locator('link[rel="modulepreload"]').getAttribute('href'),
    await page.locator('link[rel="preload"][as="fetch"]').getAttribute('href'),
  ];
  for (const href of assets) {
    expect(href).toMatch(/^\/pkg\/famigo\.[A-Za-z0-9_-]{22}\.(css|js|wasm)$/);
    const res = await request.get(href!, { headers: { 'accept-encoding': 'br, gzip' } });
    expect(res.status(), href!).toBe(200);
    expect(res.headers()['cache-control'], href!).toBe('public, max-age=31536000, immutable');
    expect(res.headers()['content-encoding'], href!).toBe('br');
  }
  const favicon = await request.get('/favicon.svg');
  expect(favicon.headers()['cache-control']).toBe('public, max-age=3600');
});

test('a parent filters no chat, no tracking and works offline, and every result says so', async ({ page, consoleErrors }) => {
  await page.goto('/apps');
  await waitForHydration(page);
  const everything = await resultTotal(page);
  await page.selectOption('#filter-chat', 'none');
  await expect(page).toHaveURL(/chat=none/);
  await page.check('input[name="no_tracking"]');
  await expect(page).toHaveURL(/no_tracking=1/);
  await page.check('input[name="offline"]');
  await expect(page).toHaveURL(/\/apps\?chat=none&no_tracking=1&offline=1$/);
  await expect.poll(() => resultTotal(page)).toBeLessThan(everything);
  const total = await resultTotal(page);
  expect(total).toBeGreaterThan(0);
  await expect(page.locator('.chip', { hasText: 'Works offline' })).toBeVisible();

  const slugs = await page.locator('.app-card').evaluateAll((cards) => cards.slice(0, 4).map((c) => c.getAttribute('data-card')));
  for (const slug of slugs) {
    await page.goto(`/apps/${slug}`);
    const interaction = page.locator('[data-group="interaction"]');
    await expect(interaction.locator('.flag-row', { hasText: 'Chat' }).first()).toContainText('No chat');
    await expect(page.locator('.privacy-tracking')).toHaveCount(0);
    await expect(page.locator('[data-group="store"]')).toContainText('Works offline.');
  }
});

// The first cards of a listing whose worst risk is one of the four that alternatives beat.
async function riskyApps(page, path: string): Promise<string[]> {
  await page.goto(path);
  return page.locator('.app-card').evaluateAll((cards) =>
    cards
      .filter((c) => /Open chat|Tracks your child|Loot boxes|Third-party ads|In-app purchases|Subscription/.test(c.querySelector('.risk-pill')?.textContent ?? ''))
      .map((c) => c.getAttribute('data-card')));
}

test('an app page offers safer alternatives, each saying what it does better, and compares one side by side', async ({ page, consoleErrors }) => {
  let slug: string | undefined;
  for (const candidate of await riskyApps(page, '/apps?age=8-10&category=games')) {
    await page.goto(`/apps/${candidate}`);
    if ((await page.locator('.alternatives .app-card').count()) > 0) { slug = candidate!; break; }
  }
  expect(slug, 'a risky game for 8–10 with alternatives').toBeDefined();
  await waitForHydration(page);
  await expect(page.locator('.alternatives h2')).toHaveText('Same idea, fewer risks');
  const first = page.locator('.alternatives .app-card').first();
  const chips = await first.locator('.better-chip').allInnerTexts();
  expect(chips.length).toBeGreaterThan(0);
  const other = await first.getAttribute('data-card');

  await first.locator('a.compare-link').click();
  await expect(page).toHaveURL(new RegExp(`/compare\\?apps=${slug},${other}$`));
  await expect(page.locator('table.compare thead th.compare-app')).toHaveCount(2);
  await expect(page.locator('tr.compare-differs').first()).toBeVisible();
  // What the chip claims is what the table shows, marked best.
  const rowOf: Record<string, [string, RegExp]> = {
    'No ads': ['Ads', /^No ads/],
    'No third-party ads': ['Ads', /^(No ads|Ads for the maker's own apps)/],
    'Nothing to buy': ['In-app purchases', /^None/],
    'No loot boxes': ['In-app purchases', /^(None|Yes)( Best)?$/],
    'Collects no personal data': ['In short', /^Collects no personal data/],
    'No tracking': ['In short', /^Collects (no personal data|data linked)/],
    'No chat': ['Chat', /^No chat/],
    'No open chat': ['Chat', /^(No chat|Preset|Moderated)/],
  };
  const [label, shows] = rowOf[chips[0]];
  const cell = page.locator(`tr[data-row="${label}"] td`).nth(1);
  await expect(cell).toHaveText(shows);
  await expect(cell).toHaveClass(/compare-best/);
  await waitForHydration(page);
});
