import type { Page } from '@playwright/test';
import { test, expect, waitForHydration } from './fixtures';

const TOKEN = process.env.ADMIN_TOKEN ?? 'e2e-admin-token-0123456789';

// (Two values: spelled as Playwright's [value, options] pair, or it reads the second as options.)
async function signInAsAdmin(page: Page) {
  await page.goto('/admin');
  await waitForHydration(page);
  await page.fill('#admin-token', TOKEN);
  await page.click('button:has-text("Sign in")');
  await expect(page).toHaveURL(/\/admin\/jobs$/);
}

test.use({ allowConsole: [[/401 \(Unauthorized\)/, /422 \(Unprocessable Entity\)/], { scope: 'test' }] });

test('an administrator signs in, starts a job and watches its progress bar reach 100%', async ({ page, consoleErrors }) => {
  await page.goto('/admin/jobs');
  await waitForHydration(page);
  await expect(page.getByRole('heading', { name: 'Sign in to Famigo admin' })).toBeVisible();
  await page.fill('#admin-token', 'wrong-token-wrong-token');
  await page.click('button:has-text("Sign in")');
  await expect(page.getByRole('alert')).toHaveText('That token is not right.');

  await page.fill('#admin-token', TOKEN);
  await page.click('button:has-text("Sign in")');
  await expect(page).toHaveURL(/\/admin\/jobs$/);
  await expect(page.getByRole('heading', { name: 'Jobs', exact: true })).toBeVisible();
  await waitForHydration(page);

  const noop = page.locator('form.job-start[data-kind="noop"]');
  await noop.locator('input[name="args"]').fill('{"steps": 10, "step_ms": 150}');
  await noop.locator('button').click();

  const row = page.locator('tr[data-kind="noop"]').first();
  await expect(row).toBeVisible();
  // It moves through running (a bar part way) to done (100%), live, without a reload.
  await expect(row.locator('progress')).toHaveAttribute('data-percent', /^[1-9]\d?$/, { timeout: 10_000 });
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 15_000 });
  await expect(row.locator('progress')).toHaveAttribute('data-percent', '100');
});

test('an uploaded CSV file is imported and its bad row reported', async ({ page, consoleErrors }) => {
  await signInAsAdmin(page);
  await waitForHydration(page);

  const header = 'slug,name,developer,description,platforms,categories,price_cents,min_age,learning_rating,violence,scariness,language,consumerism,ads,in_app_purchases,collects_data,open_chat,rating_avg,rating_count,released,updated';
  const good = 'upload-test-app,Upload Test App,Test Studio,Counting with dinosaurs.,ios;android,math,0,4,5,0,0,0,0,false,false,false,false,4.5,12,2024-01-02,2024-03-04';
  const bad = 'upload-bad-app,Bad App,Test Studio,Too young.,ios,math,0,1,5,0,0,0,0,false,false,false,false,4.5,12,2024-01-02,2024-03-04';
  await page.setInputFiles('form.job-upload input[type="file"]', {
    name: 'apps.csv',
    mimeType: 'text/csv',
    buffer: Buffer.from([header, good, bad].join('\n')),
  });
  await page.click('form.job-upload button');
  await expect(page).toHaveURL(/\/admin\/jobs\?queued=/);
  const row = page.locator('tr[data-kind="import_catalog"]').first();
  await expect(row).toHaveAttribute('data-state', 'done', { timeout: 15_000 });
  await expect(row.locator('.job-detail')).toContainText('"imported":1');
  await expect(row.locator('.job-detail')).toContainText('"line":3,"field":"min_age"');

  await page.goto('/apps/upload-test-app');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('Upload Test App');
});

test('an administrator adds an app: a bad field is named beside its input, then the app is saved', async ({ page, consoleErrors }) => {
  await signInAsAdmin(page);

  await page.goto('/admin/apps/new');
  await waitForHydration(page);
  await page.fill('#app-slug', 'e2e-puddle-jump');
  await page.fill('#app-name', 'E2E Puddle Jump');
  await page.fill('#app-developer', 'Rainy Day Games');
  await page.check('input[name="form[platforms][]"][value="ios"]');
  await page.check('input[name="form[categories][]"][value="math"]');
  await page.fill('#app-price', 'cheap');
  await page.click('button:has-text("Add the app")');
  await expect(page.locator('#error-price')).toContainText('Write the price in dollars');
  await expect(page.locator('#app-price')).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#app-name')).toHaveValue('E2E Puddle Jump');

  await page.fill('#app-price', '1.99');
  await page.selectOption('#app-model', 'paid-once');
  await page.click('button:has-text("Add the app")');
  await expect(page).toHaveURL(/\/apps\/e2e-puddle-jump$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('E2E Puddle Jump');
  await expect(page.locator('.money-line')).toContainText('$1.99 once');
});

test('an administrator changes a fact, marks it verified today, and the page says what changed', async ({ page, consoleErrors }) => {
  await signInAsAdmin(page);

  await page.goto('/admin/apps');
  const slug = await page.locator('tr[data-slug]').nth(3).getAttribute('data-slug');
  await page.goto(`/admin/apps/${slug}/edit`);
  await waitForHydration(page);
  const chat = await page.locator('#app-chat').inputValue();
  const next = chat === 'moderated' ? 'preset' : 'moderated';
  await page.selectOption('#app-chat', next);
  await page.selectOption('#app-source-interaction', 'famigo-test');
  await page.locator('.provenance button[value="interaction"]').click();
  await expect(page).toHaveURL(new RegExp(`/apps/${slug}$`));

  const label = next === 'moderated' ? 'Moderated chat' : 'Preset phrases only';
  const change = page.locator('.fact-changes li[data-fact="interaction.chat"]').first();
  await expect(change).toContainText(`to “${label}”`);
  await expect(change).toContainText("famigo's own test");
  const today = new Date().toLocaleDateString('en-US', { month: 'long', day: 'numeric', year: 'numeric', timeZone: 'UTC' });
  await expect(page.locator('[data-group="interaction"] .fact-source')).toHaveText(`Source: Famigo's own test · checked ${today}`);
});

test('an administrator uploads an icon and a screenshot, and the app page shows them', async ({ page, consoleErrors }) => {
  await signInAsAdmin(page);
  await page.goto('/admin/apps');
  const slug = await page.locator('tr[data-slug]').nth(5).getAttribute('data-slug');
  await page.goto(`/admin/apps/${slug}/edit`);
  await waitForHydration(page);
  // A real PNG, drawn by the browser.
  const png = Buffer.from(
    await page.evaluate(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 300;
      canvas.height = 200;
      const g = canvas.getContext('2d')!;
      g.fillStyle = '#c2367a';
      g.fillRect(0, 0, 300, 200);
      g.fillStyle = '#ffffff';
      g.fillRect(100, 50, 100, 100);
      return canvas.toDataURL('image/png').split(',')[1];
    }),
    'base64',
  );
  const upload = async (use: string) => {
    const form = page.locator('form.image-upload');
    await form.locator('select[name="use"]').selectOption(use);
    await form.locator('input[type="file"]').setInputFiles({ name: `${use}.png`, mimeType: 'image/png', buffer: png });
    await form.locator('button').click();
    await expect(page).toHaveURL(new RegExp(`/admin/apps/${slug}/edit#images$`));
  };
  await upload('icon');
  const icon = await page.locator('.admin-images li').first().getAttribute('data-image');
  expect(icon).toMatch(/^[0-9a-f]{32}\.webp$/);
  await upload('screenshot');
  const shot = await page.locator('.admin-images li').last().getAttribute('data-image');
  expect(shot).toMatch(/^[0-9a-f]{32}\.jpg$/);

  await page.goto(`/apps/${slug}`);
  const img = page.locator('.app-head img.app-icon');
  await expect(img).toHaveAttribute('src', `/media/${icon}`);
  await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBe(256);
  const last = page.locator('.screenshots img').last();
  await expect(last).toHaveAttribute('src', `/media/${shot}`);
  await last.scrollIntoViewIfNeeded();
  await expect.poll(() => last.evaluate((el: HTMLImageElement) => el.naturalWidth)).toBe(300);
});
