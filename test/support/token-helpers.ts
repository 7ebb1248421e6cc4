import type { Response } from 'supertest';
import { authorize, BrowserCookies, createClient, createUser, TestClient, TestUser } from './authorize-flow';
import type { TestApp } from './test-app';

/**
 * Token endpoint helpers over supertest: client authentication as the client is registered,
 * a code through the real authorization pages, refresh, introspection and revocation.
 */

export interface TokenSet {
  access_token: string;
  token_type: string;
  expires_in: number;
  scope: string;
  refresh_token?: string;
  /** OIDC: when the grant has `openid`. */
  id_token?: string;
}

/** RFC 6749 §2.3.1: id and secret are form-encoded, then Basic-encoded. */
export function basicAuth(clientId: string, clientSecret: string): string {
  const encode = (value: string) => encodeURIComponent(value).replace(/%20/g, '+');
  return `Basic ${Buffer.from(`${encode(clientId)}:${encode(clientSecret)}`).toString('base64')}`;
}

/** POSTs a form to `path`, authenticating as `client` with its registered method. */
export function postForm(app: TestApp, path: string, client: TestClient | undefined, form: Record<string, string>): Promise<Response> {
  const body = new URLSearchParams(form);
  const req = app.http().post(path).type('form');
  if (client?.token_endpoint_auth_method === 'client_secret_basic') {
    req.set('Authorization', basicAuth(client.client_id, client.client_secret!));
  } else if (client?.token_endpoint_auth_method === 'client_secret_post') {
    body.set('client_id', client.client_id);
    body.set('client_secret', client.client_secret!);
  } else if (client) {
    body.set('client_id', client.client_id);
  }
  return req.send(body.toString());
}

export function tokenRequest(app: TestApp, client: TestClient | undefined, form: Record<string, string>): Promise<Response> {
  return postForm(app, '/token', client, form);
}

/** A user and a client that skips consent, so each authorization is one login (or none). */
export interface Party {
  user: TestUser;
  client: TestClient;
  cookies: BrowserCookies;
}

export async function createParty(app: TestApp, overrides: Parameters<typeof createClient>[1] = {}): Promise<Party> {
  const user = await createUser(app);
  const client = await createClient(app, { skip_consent: true, ...overrides });
  return { user, client, cookies: new BrowserCookies() };
}

/** A fresh code through the real authorization pages. */
export async function obtainCode(app: TestApp, party: Party, scope?: string): Promise<{ code: string; verifier: string }> {
  const result = await authorize(app, {
    client_id: party.client.client_id,
    redirect_uri: party.client.redirect_uri,
    scope: scope ?? party.client.scope,
    user: party.user,
    cookies: party.cookies,
  });
  if (!result.code) throw new Error(`authorization answered ${result.error ?? result.location}`);
  return { code: result.code, verifier: result.verifier };
}

export function exchangeCode(app: TestApp, party: Party, code: { code: string; verifier: string }): Promise<Response> {
  return tokenRequest(app, party.client, {
    grant_type: 'authorization_code',
    code: code.code,
    redirect_uri: party.client.redirect_uri,
    code_verifier: code.verifier,
  });
}

/** Code, then tokens; fails loudly when the exchange does not answer 200. */
export async function signInAndExchange(app: TestApp, party: Party, scope?: string): Promise<TokenSet> {
  const res = await exchangeCode(app, party, await obtainCode(app, party, scope));
  if (res.status !== 200) throw new Error(`code exchange answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as TokenSet;
}

export function refresh(app: TestApp, client: TestClient, refreshToken: string, extra: Record<string, string> = {}): Promise<Response> {
  return tokenRequest(app, client, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra });
}

export async function introspect(app: TestApp, client: TestClient, token: string, hint?: string): Promise<Record<string, unknown>> {
  const res = await postForm(app, '/introspect', client, { token, ...(hint ? { token_type_hint: hint } : {}) });
  if (res.status !== 200) throw new Error(`introspection answered ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body as Record<string, unknown>;
}

export function revoke(app: TestApp, client: TestClient, token: string, hint?: string): Promise<Response> {
  return postForm(app, '/revoke', client, { token, ...(hint ? { token_type_hint: hint } : {}) });
}

/** The payload of a JWT, unverified: for asserting what the server put in. */
export function jwtPayload(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

export function jwtHeader(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString('utf8')) as Record<string, unknown>;
}
