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
