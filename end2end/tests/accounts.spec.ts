import { test, expect, waitForHydration } from './fixtures';

// Refusals the flow provokes on purpose (a wrong password, a bad age) log their status.
test.use({ allowConsole: [[/401 \(Unauthorized\)/, /422 \(Unprocessable Entity\)/], { scope: 'test' }] });

const unique = () => `${Date.now()}-${Math.floor(Math.random() * 1e6)}`;

test('a parent signs up, adds a child, signs out and back in', async ({ page, consoleErrors }) => {
  const email = `parent-${unique()}@famigo.test`;
  const password = 'a long family password';
  await page.goto('/');
  await waitForHydration(page);
  await page.locator('.user-menu a.sign-in-link').click();
  await page.getByRole('link', { name: 'Create an account' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toHaveText("Create your family's account");
  await waitForHydration(page);
  await page.fill('#signup-email', email);
  await page.fill('#signup-name', 'Maya’s mum');
  await page.fill('#signup-password', password);
  await page.click('button:has-text("Create account")');
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.locator('.user-menu .user-name')).toHaveText('Maya’s mum');

  await page.fill('#kid-nickname', 'Maya');
  await page.fill('#kid-age', '42');
  await page.click('.kid-form button');
  await expect(page.locator('.kid-form .field-error')).toContainText('an age from 0 to 17');
  await page.fill('#kid-age', '5');
  await page.click('.kid-form button');
  await expect(page.locator('.kids li')).toHaveText([/Maya, 5/]);

  // The weekly digest: off and on again from the account page.
  await expect(page.locator('.digest-state')).toContainText('On:');
  await page.click('.digest-form button:has-text("Stop the weekly digest")');
  await expect(page.locator('.digest-state')).toContainText('Off:');
  await page.click('.digest-form button:has-text("Send me the weekly digest")');
  await expect(page.locator('.digest-state')).toContainText('On:');

  // Her picks on the home page.
  await page.goto('/');
  await expect(page.getByRole('heading', { name: 'For Maya, 5' })).toBeVisible();
  await expect(page.locator('[data-picks="5-7"] .app-card')).toHaveCount(6);

  // A heart on a card: on at once, and the app is in My apps.
  await page.goto('/apps?age=5-7');
  await waitForHydration(page);
  const card = page.locator('.app-card').first();
  const slug = await card.getAttribute('data-card');
  await card.locator('button.heart').click();
  await expect(card.locator('button.heart')).toHaveAttribute('aria-pressed', 'true');
  await page.getByRole('link', { name: 'My apps' }).click();
  await expect(page.locator('.app-card')).toHaveCount(1);
  await expect(page.locator('.app-card').first()).toHaveAttribute('data-card', slug!);

  // A review of that app: refused while too short, then shown at once; the average follows
  // when the server's worker has run recompute_ratings.
  await page.goto(`/apps/${slug}`);
  await waitForHydration(page);
  const seededStars = await page.locator('.app-facts .stars').textContent();
  await page.selectOption('#review-stars', '1');
  await page.fill('#review-text', 'Short');
  await page.click('.review-form button');
  await expect(page.locator('.review-form .field-error')).toHaveText('write at least 10 characters');
  const text = `Maya counts ducks with it every morning (${unique()})`;
  await page.fill('#review-text', text);
  await page.click('.review-form button');
  await expect(page.locator('.review-list .review-text').first()).toHaveText(text);
  await expect(page.locator('.my-review h3')).toHaveText('Your review');
  await expect(async () => {
    await page.reload();
    expect(await page.locator('.app-facts .stars').textContent()).not.toBe(seededStars);
  }).toPass({ timeout: 20_000 });
  await expect(page.locator('.app-facts .stars')).toContainText('rating');

  await page.click('.user-menu button:has-text("Sign out")');
  await expect(page.locator('.user-menu')).toContainText('Sign in');
  await page.goto('/account');
  await expect(page.getByRole('heading', { name: 'Please sign in' })).toBeVisible();
  await page.goto('/my-apps');
  await expect(page.getByRole('heading', { name: 'Please sign in' })).toBeVisible();

  await page.getByRole('link', { name: 'Sign in', exact: true }).first().click();
  await waitForHydration(page);
  await page.fill('#signin-email', email);
  await page.fill('#signin-password', 'not the password at all');
  await page.click('.account-form button:has-text("Sign in")');
  await expect(page.getByRole('alert')).toHaveText('that email and password do not match an account');
  await page.fill('#signin-password', password);
  await page.click('.account-form button:has-text("Sign in")');
  await expect(page).toHaveURL(/\/account$/);
  await expect(page.locator('.kids li')).toHaveText([/Maya, 5/]);
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('signing up shows what is wrong, keeps what was typed, then signs in', async ({ page }) => {
    const email = `nojs-${unique()}@famigo.test`;
    await page.goto('/signup');
    await page.fill('#signup-email', email);
    await page.fill('#signup-name', 'Sam');
    // The browser's own checks are skipped so the server's answer shows.
    await page.$eval('#signup-password', (input: HTMLInputElement) => input.removeAttribute('minlength'));
    await page.fill('#signup-password', 'short');
    await page.click('button:has-text("Create account")');
    await expect(page.locator('.field-error')).toHaveText('use at least 10 characters');
    await expect(page.locator('#signup-email')).toHaveValue(email);
    await page.fill('#signup-password', 'long enough now, really');
    await page.click('button:has-text("Create account")');
    await expect(page).toHaveURL(/\/account$/);
    await expect(page.locator('.account-who')).toContainText(email);

    // The heart is a plain form: the post comes back to the page, the heart on.
    await page.goto('/apps?age=8-10');
    const card = page.locator('.app-card').first();
    await card.locator('button.heart').click();
    await expect(page).toHaveURL(/\/apps\?age=8-10/);
    await expect(page.locator('.app-card').first().locator('button.heart')).toHaveAttribute('aria-pressed', 'true');

    // A review is a plain form too: the post comes back to the app's page, the review on it.
    const slug = await page.locator('.app-card').first().getAttribute('data-card');
    await page.goto(`/apps/${slug}`);
    await page.selectOption('#review-stars', '4');
    await page.fill('#review-text', 'Works without JavaScript too.');
    await page.click('.review-form button');
    await expect(page).toHaveURL(new RegExp(`/apps/${slug}`));
    await expect(page.locator('.review-list')).toContainText('Works without JavaScript too.');
    await expect(page.locator('.my-review h3')).toHaveText('Your review');
  });
});

test('a digest link that is not valid says so and changes nothing', async ({ page }) => {
  await page.goto('/unsubscribe?user=01NOSUCHUSER&token=0123');
  await waitForHydration(page);
  await page.click('button:has-text("Stop the weekly digest")');
  await expect(page.locator('.field-error')).toContainText('this link is not valid any more');
});
