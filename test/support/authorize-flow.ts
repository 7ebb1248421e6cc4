import { createHash, randomBytes } from 'node:crypto';
import type { Response } from 'supertest';
import type { GrantType, TokenEndpointAuthMethod } from '../../src/clients/client.entity';
import { ADMIN_KEY, TestApp } from './test-app';

/**
 * Helpers that walk the real authorization pages over supertest, for every suite that needs
 * a signed-in user's authorization code.
 */

export interface TestUser {
  id: string;
  email: string;
  password: string;
}

export interface TestClient {
  client_id: string;
  client_secret?: string;
  client_name: string;
  /** The first registered redirect URI. */
  redirect_uri: string;
  redirect_uris: string[];
  grant_types: GrantType[];
  scope: string;
  token_endpoint_auth_method: TokenEndpointAuthMethod;
  skip_consent: boolean;
  /** OIDC logout metadata, when a test registers it. */
  post_logout_redirect_uris?: string[];
  backchannel_logout_uri?: string;
  backchannel_logout_session_required?: boolean;
}

let counter = 0;

/** Registers a user through `POST /admin/users`. */
export async function createUser(app: TestApp, email?: string, password = 'correct horse battery staple'): Promise<TestUser> {
  const address = email ?? `user${++counter}-${randomBytes(4).toString('hex')}@example.com`;
  const res = await app.http().post('/admin/users').set('Authorization', `Bearer ${ADMIN_KEY}`).send({ email: address, password });
  if (res.status !== 201) throw new Error(`POST /admin/users answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { id: res.body.id, email: res.body.email, password };
}

/** Registers a client through `POST /admin/clients`; a confidential web client by default. */
export async function createClient(app: TestApp, overrides: Partial<Omit<TestClient, 'client_id' | 'client_secret' | 'redirect_uri'>> = {}): Promise<TestClient> {
  const metadata = {
    client_name: 'Test application',
    redirect_uris: ['https://app.example.com/callback'],
    grant_types: ['authorization_code', 'refresh_token'] as GrantType[],
    scope: 'openid notes:read notes:write',
    token_endpoint_auth_method: 'client_secret_basic' as TokenEndpointAuthMethod,
    skip_consent: false,
    ...overrides,
  };
  const res = await app.http().post('/admin/clients').set('Authorization', `Bearer ${ADMIN_KEY}`).send(metadata);
  if (res.status !== 201) throw new Error(`POST /admin/clients answered ${res.status}: ${JSON.stringify(res.body)}`);
  return { ...metadata, ...res.body, redirect_uri: metadata.redirect_uris[0] };
}

/** RFC 7636: a random verifier and its S256 challenge. */
export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

/** A cookie jar standing in for one browser: keep it to stay signed in across authorizations. */
export class BrowserCookies {
  private readonly cookies = new Map<string, string>();

  /** Takes the `Set-Cookie` headers of a response. */
  store(res: Response): void {
    const header = res.headers['set-cookie'] as unknown as string[] | string | undefined;
    for (const line of Array.isArray(header) ? header : header ? [header] : []) {
      const [pair, ...attributes] = line.split(';');
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq).trim();
      const value = decodeURIComponent(pair.slice(eq + 1).trim());
      const expired = attributes.some((a) => /^\s*expires=Thu, 01 Jan 1970/i.test(a) || /^\s*max-age=0\s*$/i.test(a));
      if (expired || value === '') this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
  }

  get(name: string): string | undefined {
    return this.cookies.get(name);
  }

  /** The `Cookie` request header. */
  header(): string {
    return [...this.cookies].map(([name, value]) => `${name}=${value}`).join('; ');
  }
}

/** The value of a hidden or text input named `name` in an HTML page. */
export function formField(html: string, name: string): string | undefined {
  const input = new RegExp(`<input[^>]*name="${name}"[^>]*>`).exec(html)?.[0];
  const value = input && /value="([^"]*)"/.exec(input)?.[1];
  return value?.replace(/&amp;/g, '&').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, '<').replace(/&gt;/g, '>');
}

export interface AuthorizeOptions {
  client_id: string;
  redirect_uri: string;
  scope?: string;
  user: { email: string; password: string };
  state?: string;
  /** A PKCE verifier; its S256 challenge is sent. A fresh one is made when missing. */
  verifier?: string;
  /** What to answer on the consent page, if it is shown. Default `allow`. */
  consent?: 'allow' | 'deny';
  /** Extra query parameters (prompt, max_age, …); an array repeats one (resource). */
  extra?: Record<string, string | string[]>;
  /** Reuse one browser's cookies (stay signed in); a fresh browser when missing. */
  cookies?: BrowserCookies;
}

export interface AuthorizeResult {
  /** Present on success. */
  code?: string;
  /** Present when the server redirected with an error (e.g. `access_denied` after Deny). */
  error?: string;
  state: string | null;
  iss: string | null;
  location: string;
  verifier: string;
  /** Which pages were shown on the way. */
  pages: Array<'login' | 'consent'>;
  cookies: BrowserCookies;
}

/**
 * Walks the real flow: `GET /authorize`, the login form (when not signed in), the consent
 * form (when shown), and returns what the final `302` to the redirect URI carried.
 */
export async function authorize(app: TestApp, options: AuthorizeOptions): Promise<AuthorizeResult> {
  const cookies = options.cookies ?? new BrowserCookies();
  const verifier = options.verifier ?? pkcePair().verifier;
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const pages: AuthorizeResult['pages'] = [];
  const path = authorizationPath(options, {
    state: options.state ?? randomBytes(8).toString('hex'),
    code_challenge: challenge,
    scope: options.scope,
    ...options.extra,
  });
  let res = await app.http().get(path).set('Cookie', cookies.header());
  cookies.store(res);

  for (let step = 0; step < 3 && res.status === 200; step++) {
    const page = res.text;
    const form = { request_id: formField(page, 'request_id'), csrf_token: formField(page, 'csrf_token') };
    if (/name="password"/.test(page)) {
      pages.push('login');
      res = await app
        .http()
        .post('/authorize')
        .type('form')
        .set('Cookie', cookies.header())
        .send({ ...form, email: options.user.email, password: options.user.password });
    } else if (/name="decision"/.test(page)) {
      pages.push('consent');
      res = await app
        .http()
        .post('/authorize')
        .type('form')
        .set('Cookie', cookies.header())
        .send({ ...form, decision: options.consent ?? 'allow' });
    } else {
      break;
    }
    cookies.store(res);
  }
  if (res.status !== 302) throw new Error(`authorization flow ended with ${res.status}: ${res.text.slice(0, 500)}`);
  const location = res.headers.location as string;
  const url = new URL(location);
  return {
    code: url.searchParams.get('code') ?? undefined,
    error: url.searchParams.get('error') ?? undefined,
    state: url.searchParams.get('state'),
    iss: url.searchParams.get('iss'),
    location,
    verifier,
    pages,
    cookies,
  };
}

/**
 * `/authorize?…` for a valid request by `client`, with `overrides` applied: `undefined`
 * removes a parameter, an array repeats it.
 */
export function authorizationPath(
  client: Pick<TestClient, 'client_id' | 'redirect_uri'>,
  overrides: Record<string, string | string[] | undefined> = {},
): string {
  const query: Record<string, string | string[] | undefined> = {
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: client.redirect_uri,
    state: 'state-123',
    code_challenge: pkcePair().challenge,
    code_challenge_method: 'S256',
    ...overrides,
  };
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    for (const each of value === undefined ? [] : Array.isArray(value) ? value : [value]) params.append(name, each);
  }
  return `/authorize?${params.toString()}`;
}
