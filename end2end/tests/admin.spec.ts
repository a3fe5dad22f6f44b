import { test, expect, waitForHydration } from './fixtures';

const TOKEN = process.env.ADMIN_TOKEN ?? 'e2e-admin-token-0123456789';

test.use({ allowConsole: [/401 \(Unauthorized\)/] });

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
