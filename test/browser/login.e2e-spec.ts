import { createServer, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Browser, chromium, ConsoleMessage } from 'playwright-core';
import { authorizationPath, createClient, createUser, pkcePair, TestClient, TestUser } from '../support/authorize-flow';
import { createTestApp, TestApp } from '../support/test-app';

/** Debian's chromium; CI installs it when missing. */
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

describe('sign-in and consent in a real browser', () => {
  let app: TestApp;
  let browser: Browser;
  let callback: Server;
  let callbackUrl: string;
  let client: TestClient;
  let user: TestUser;

  beforeAll(async () => {
    // The client's redirect target: a tiny page on 127.0.0.1 that only says it got there.
    callback = createServer((_req, res) => res.writeHead(200, { 'Content-Type': 'text/html' }).end('<!doctype html><title>back</title>ok'));
    await new Promise<void>((resolve) => callback.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(callback.address() as AddressInfo).port}/callback`;

    app = await createTestApp({ listen: true });
    client = await createClient(app, { client_name: 'Browser Test App', redirect_uris: [callbackUrl], scope: 'openid notes:read' });
    user = await createUser(app);
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await app?.close();
    await new Promise<void>((resolve) => (callback ? callback.close(() => resolve()) : resolve()));
  });

  it('opens the authorize URL, signs in, allows, and lands on the redirect URI with a code and the state, without console errors', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));

    const { challenge } = pkcePair();
    await page.goto(`${app.baseUrl}${authorizationPath(client, { state: 'browser-state', scope: 'openid notes:read', code_challenge: challenge })}`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await Promise.all([page.waitForURL(`${app.baseUrl}/authorize`), page.getByRole('button', { name: 'Sign in' }).click()]);

    await expect(page.getByRole('heading', { name: 'Allow access?' }).isVisible()).resolves.toBe(true);
    await expect(page.getByText('Browser Test App').isVisible()).resolves.toBe(true);
    await Promise.all([page.waitForURL(`${callbackUrl}?**`), page.getByRole('button', { name: 'Allow' }).click()]);

    const landed = new URL(page.url());
    expect(`${landed.origin}${landed.pathname}`).toBe(callbackUrl);
    expect(landed.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(landed.searchParams.get('state')).toBe('browser-state');
    expect(landed.searchParams.get('iss')).toBe(app.config.issuer);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('signs out on the logout confirmation page and returns to the registered post-logout URI with the state', async () => {
    const signedOutUrl = callbackUrl.replace(/callback$/, 'signed-out');
    const logoutClient = await createClient(app, {
      client_name: 'Logout <Test> App',
      redirect_uris: [callbackUrl],
      post_logout_redirect_uris: [signedOutUrl],
      scope: 'openid',
      skip_consent: true,
    });
    const context = await browser.newContext();
    const page = await context.newPage();
    const problems: string[] = [];
    page.on('console', (message: ConsoleMessage) => {
      if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));

    await page.goto(`${app.baseUrl}${authorizationPath(logoutClient, { scope: 'openid', code_challenge: pkcePair().challenge })}`);
    await page.getByLabel('Email').fill(user.email);
    await page.getByLabel('Password').fill(user.password);
    await Promise.all([page.waitForURL(`${callbackUrl}?**`), page.getByRole('button', { name: 'Sign in' }).click()]);

    const query = new URLSearchParams({ client_id: logoutClient.client_id, post_logout_redirect_uri: signedOutUrl, state: 'bye' });
    await page.goto(`${app.baseUrl}/logout?${query.toString()}`);
    await expect(page.getByRole('heading', { name: 'Sign out' }).isVisible()).resolves.toBe(true);
    // The client's name is shown as text, never as markup.
    await expect(page.getByText('Logout <Test> App').isVisible()).resolves.toBe(true);
    await Promise.all([page.waitForURL(`${signedOutUrl}?**`), page.getByRole('button', { name: 'Sign out' }).click()]);
    expect(new URL(page.url()).searchParams.get('state')).toBe('bye');

    // Signed out: the next authorization asks for the password again.
    await page.goto(`${app.baseUrl}${authorizationPath(logoutClient, { scope: 'openid', code_challenge: pkcePair().challenge })}`);
    await expect(page.getByLabel('Password').isVisible()).resolves.toBe(true);
    expect(problems).toEqual([]);
    await context.close();
  });

  it('fits the login page on a phone screen without sideways scrolling', async () => {
    const context = await browser.newContext({ viewport: { width: 360, height: 640 }, isMobile: true, hasTouch: true });
    const page = await context.newPage();
    await page.goto(`${app.baseUrl}${authorizationPath(client)}`);
    const layout = await page.evaluate(() => {
      const doc = (globalThis as unknown as { document: { documentElement: { scrollWidth: number }; getElementById(id: string): { getBoundingClientRect(): { width: number } } } }).document;
      return { scrollWidth: doc.documentElement.scrollWidth, emailWidth: doc.getElementById('email').getBoundingClientRect().width };
    });
    expect(layout.scrollWidth).toBeLessThanOrEqual(360);
    expect(layout.emailWidth).toBeGreaterThan(250);
    await context.close();
  });
});
