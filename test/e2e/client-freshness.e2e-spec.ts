import { mintAccessToken } from '../support/access-tokens';
import { createClient, TestClient } from '../support/authorize-flow';
import { basicAuth, createParty, signInAndExchange } from '../support/token-helpers';
import { ADMIN_KEY, TestApp } from '../support/test-app';
import { timeUntilRefused } from '../support/timing';
import { sharedStores, startTwoInstances, stopTwoInstances } from '../support/two-instances';

/** Two instances on one store: what the admin changes on A reaches B's caches within a second. */
const stores = sharedStores('freshness-');

describe.each(stores)('client and user changes between instances on %s', (_name, databaseUrl) => {
  let a: TestApp;
  let b: TestApp;
  beforeAll(async () => {
    [a, b] = await startTwoInstances(databaseUrl());
  });
  afterAll(() => stopTwoInstances(a, b));

  const admin = (app: TestApp, method: 'post' | 'delete', path: string) => app.http()[method](path).set('Authorization', `Bearer ${ADMIN_KEY}`);
  const serviceClient = () => createClient(a, { grant_types: ['client_credentials'], redirect_uris: [], scope: 'notes:read' });
  const clientCredentialsOn = (app: TestApp, client: TestClient, secret = client.client_secret!) => async () =>
    (await app.http().post('/token').type('form').set('Authorization', basicAuth(client.client_id, secret)).send({ grant_type: 'client_credentials' })).status;
  const meOn = (app: TestApp, token: string) => async () => (await app.http().get('/api/me').set('Authorization', `Bearer ${token}`)).status;

  it('stops authenticating on B, within a second, a client deleted on A', async () => {
    const client = await serviceClient();
    expect(await clientCredentialsOn(b, client)()).toBe(200); // B now holds the client in its cache
    const deleteOnA = async () => expect((await admin(a, 'delete', `/admin/clients/${client.client_id}`)).status).toBe(204);
    const { status, elapsedMs } = await timeUntilRefused(deleteOnA, clientCredentialsOn(b, client));
    expect(status).toBe(401);
    expect(elapsedMs).toBeLessThan(1000);
  });

  it('stops accepting on B, within a second, a secret rotated on A without overlap', async () => {
    const client = await serviceClient();
    expect(await clientCredentialsOn(b, client)()).toBe(200);
    let newSecret = '';
    const rotateOnA = async () => {
      const res = await admin(a, 'post', `/admin/clients/${client.client_id}/secret`).send({ overlap_seconds: 0 });
      expect(res.status).toBe(200);
      newSecret = res.body.client_secret as string;
    };
    const { status, elapsedMs } = await timeUntilRefused(rotateOnA, clientCredentialsOn(b, client));
    expect(status).toBe(401);
    expect(elapsedMs).toBeLessThan(1000);
    expect(await clientCredentialsOn(b, client, newSecret)()).toBe(200);
  });

  it('refuses on both instances every token of a deleted client, even one issued after its deletion', async () => {
    const party = await createParty(a);
    const userToken = (await signInAndExchange(a, party, 'notes:read')).access_token;
    expect(await meOn(b, userToken)()).toBe(200);
    const { status, elapsedMs } = await timeUntilRefused(
      async () => expect((await admin(a, 'delete', `/admin/clients/${party.client.client_id}`)).status).toBe(204),
      meOn(b, userToken),
    );
    expect(status).toBe(401);
    expect(elapsedMs).toBeLessThan(1000);
    // What a stale instance could still have issued to it: a token of a new family, after the denial.
    const late = await mintAccessToken(b, {
      claims: { sub: party.user.id, client_id: party.client.client_id, sid: 'family-started-late' },
      nowSeconds: Math.floor(Date.now() / 1000) + 2,
    });
    for (const app of [a, b]) expect(await meOn(app, late)()).toBe(401);
    const resourceServer = await serviceClient();
    const introspected = await a
      .http()
      .post('/introspect')
      .type('form')
      .set('Authorization', basicAuth(resourceServer.client_id, resourceServer.client_secret!))
      .send({ token: late });
    expect(introspected.body).toEqual({ active: false });
  });

  it('refuses on B, within a second, the tokens of a user deleted on A', async () => {
    const party = await createParty(a);
    const token = (await signInAndExchange(a, party, 'notes:read')).access_token;
    expect(await meOn(b, token)()).toBe(200);
    const { status, elapsedMs } = await timeUntilRefused(
      async () => expect((await admin(a, 'delete', `/admin/users/${party.user.id}`)).status).toBe(204),
      meOn(b, token),
    );
    expect(status).toBe(401);
    expect(elapsedMs).toBeLessThan(1000);
  });
});
