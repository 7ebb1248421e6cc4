import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordingHttp } from './http';
import { freePort } from './free-port';
import { ChildServers } from './processes';
import type { DemoWorld } from './story';

/** The access-token lifetime of the second instance (step 7) and the resource server's clock-skew allowance. */
const SHORT_ACCESS_TOKEN_TTL_SECONDS = 2;
const RESOURCE_CLOCK_SKEW_SECONDS = 1;

/**
 * Starts the authorization server on a temporary sqlite file with an admin key made for this
 * run, a second instance on the same store whose access tokens live two seconds, and the
 * resource server (no database), and waits until the resource server follows the feed.
 * Every process is registered with `servers` as it is spawned, so the caller can stop them all.
 */
export async function startEnvironment(buildRoot: string, setup: (line: string) => void, servers: ChildServers, scratch: string): Promise<DemoWorld> {
  const [authPort, shortPort, resourcePort] = [await freePort(), await freePort(), await freePort()];
  const issuer = `http://127.0.0.1:${authPort}`;
  const audience = `http://127.0.0.1:${resourcePort}`;
  const adminKey = randomBytes(24).toString('base64url');
  const serverEnv = {
    HOST: '127.0.0.1',
    ISSUER: issuer,
    DATABASE_URL: `sqlite:${join(scratch, 'auth.sqlite')}`,
    ADMIN_API_KEY: adminKey,
    ACCESS_TOKEN_AUDIENCE: audience,
    REFRESH_REUSE_GRACE: '0',
    LOG_LEVEL: 'warn',
  };
  const serverEntry = join(buildRoot, 'src', 'main.js');
  const answersMetadata = async (baseUrl: string) => (await fetch(`${baseUrl}/.well-known/oauth-authorization-server`)).ok;

  const auth = await servers.start({ name: 'authorization server', entry: serverEntry, port: authPort, env: { ...serverEnv, PORT: String(authPort) }, isReady: answersMetadata });
  setup(`authorization server: ${auth.baseUrl} (sqlite file in a temporary directory, admin key generated for this run)`);
  const metadata = (await (await fetch(`${issuer}/.well-known/oauth-authorization-server`)).json()) as Record<string, string>;

  // The resource server's own registration: it authenticates to follow the revocation feed.
  const http = new RecordingHttp(new Map(), () => undefined);
  const registration = await http.send('POST', `${issuer}/admin/clients`, {
    headers: { Authorization: `Bearer ${adminKey}` },
    json: { client_name: 'Demo resource server', grant_types: ['client_credentials'], scope: 'notes:read', token_endpoint_auth_method: 'client_secret_basic' },
  });
  if (registration.status !== 201) throw new Error(`registering the resource server's client answered ${registration.status}: ${registration.text}`);

  const followsFeed = async (baseUrl: string) => {
    const status = (await (await fetch(`${baseUrl}/demo/status`)).json()) as { feed: { state: string } };
    return status.feed.state === 'live';
  };
  const [shortLived, resource] = await Promise.all([
    servers.start({
      name: 'short-lived-token instance',
      entry: serverEntry,
      port: shortPort,
      env: { ...serverEnv, PORT: String(shortPort), ACCESS_TOKEN_TTL: String(SHORT_ACCESS_TOKEN_TTL_SECONDS) },
      isReady: answersMetadata,
    }),
    servers.start({
      name: 'resource server',
      entry: join(buildRoot, 'demo', 'resource-server', 'main.js'),
      port: resourcePort,
      env: {
        PORT: String(resourcePort),
        AUTHORIZATION_SERVER: issuer,
        AUDIENCE: audience,
        CLIENT_ID: registration.body.client_id as string,
        CLIENT_SECRET: registration.body.client_secret as string,
        CLOCK_SKEW_SECONDS: String(RESOURCE_CLOCK_SKEW_SECONDS),
      },
      isReady: followsFeed,
    }),
  ]);
  setup(`second instance on the same store with ACCESS_TOKEN_TTL=${SHORT_ACCESS_TOKEN_TTL_SECONDS}: ${shortLived.baseUrl}`);
  setup(`resource server (resource-server module, no database, following the revocation feed): ${resource.baseUrl}`);
  return {
    auth: {
      baseUrl: issuer,
      adminKey,
      authorizationEndpoint: metadata.authorization_endpoint,
      tokenEndpoint: metadata.token_endpoint,
      introspectionEndpoint: metadata.introspection_endpoint,
      jwksUri: metadata.jwks_uri,
    },
    shortLivedAuth: { tokenEndpoint: `${shortLived.baseUrl}${new URL(metadata.token_endpoint).pathname}`, accessTokenTtlSeconds: SHORT_ACCESS_TOKEN_TTL_SECONDS },
    resource: { baseUrl: resource.baseUrl, clockSkewSeconds: RESOURCE_CLOCK_SKEW_SECONDS },
    story: {},
  };
}

/** A temporary directory for the sqlite file. */
export function makeScratch(): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), 'oauth-demo-'));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}
