import { createHmac, randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import { createClient } from './authorize-flow';
import { Clock } from '../../src/common/clock';
import { KeyStoreService } from '../../src/tokens/signing/key-store.service';
import type { TestApp } from './test-app';
import { basicAuth } from './token-helpers';

export interface MintOptions {
  /** Claims to add or replace; `undefined` removes a claim. */
  claims?: Record<string, unknown>;
  /** Header fields to add or replace. */
  header?: Record<string, unknown>;
  /** Seconds since the epoch that `iat`/`exp` count from; defaults to now on the app's clock. */
  nowSeconds?: number;
  ttlSeconds?: number;
}

/** The claims this server puts into an access token (RFC 9068), for a user by default. */
export function accessTokenClaims(app: TestApp, options: MintOptions = {}): Record<string, unknown> {
  // The app's clock, not the wall clock: under a FixedClock (2030) a wall-clock token would be
  // expired before its signature is looked at, and a test of the signature would prove nothing.
  const now = options.nowSeconds ?? Math.floor(app.get(Clock).now().getTime() / 1000);
  const claims: Record<string, unknown> = {
    iss: app.config.issuer,
    aud: app.config.accessTokenAudience,
    sub: 'user-1',
    client_id: 'client-1',
    scope: 'notes:read notes:write',
    jti: randomUUID(),
    iat: now,
    exp: now + (options.ttlSeconds ?? 600),
    ...options.claims,
  };
  for (const [name, value] of Object.entries(claims)) if (value === undefined) delete claims[name];
  return claims;
}

/** An access token signed by the app's active key, as the token endpoint would sign it. */
export async function mintAccessToken(app: TestApp, options: MintOptions = {}): Promise<string> {
  const signer = app.get(KeyStoreService).activeSigner();
  return new SignJWT(accessTokenClaims(app, options))
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'at+jwt', ...options.header })
    .sign(signer.privateKey);
}

/** A token with valid claims signed by a key the server never issued, under the server's kid. */
export async function mintWithForeignKey(app: TestApp, options: MintOptions = {}): Promise<string> {
  const signer = app.get(KeyStoreService).activeSigner();
  const foreign = await generateKeyPair(signer.alg);
  return new SignJWT(accessTokenClaims(app, options))
    .setProtectedHeader({ alg: signer.alg, kid: signer.kid, typ: 'at+jwt' })
    .sign(foreign.privateKey);
}

/** An unsecured JWT (`alg: none`) with otherwise valid claims. */
export function mintUnsecured(app: TestApp, options: MintOptions = {}): string {
  const header = { alg: 'none', typ: 'at+jwt', kid: app.get(KeyStoreService).activeSigner().kid };
  return `${encode(header)}.${encode(accessTokenClaims(app, options))}.`;
}

/** The algorithm-confusion attack: HS256 keyed with the server's public key (PEM, as libraries read it). */
export function mintHs256WithPublicKey(app: TestApp, options: MintOptions = {}): string {
  const keys = app.get(KeyStoreService);
  const { kid } = keys.activeSigner();
  const publicPem = keys.cachedVerificationKey(kid)!.keyObject.export({ type: 'spki', format: 'pem' });
  const signingInput = `${encode({ alg: 'HS256', typ: 'at+jwt', kid })}.${encode(accessTokenClaims(app, options))}`;
  const signature = createHmac('sha256', publicPem).update(signingInput).digest('base64url');
  return `${signingInput}.${signature}`;
}

/** The token with its payload replaced (signature left as it was). */
export function tamperPayload(token: string, changes: Record<string, unknown>): string {
  const [header, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
  return `${header}.${encode({ ...claims, ...changes })}.${signature}`;
}

function encode(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** A confidential client, as a resource server registers to read the feed or introspect. */
export async function registerResourceServerClient(app: TestApp): Promise<{ clientId: string; clientSecret: string; basic: string }> {
  const client = await createClient(app, { client_name: 'resource server', redirect_uris: [], grant_types: ['client_credentials'], scope: 'notes:read' });
  return { clientId: client.client_id, clientSecret: client.client_secret!, basic: basicAuth(client.client_id, client.client_secret!) };
}
