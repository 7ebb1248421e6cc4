import { ADMIN_KEY, createTestApp, databases, TestApp } from '../support/test-app';

const AUTH = { Authorization: `Bearer ${ADMIN_KEY}` };
const WEB = {
  client_name: 'OIDC app',
  redirect_uris: ['https://app.example.com/callback'],
  grant_types: ['authorization_code', 'refresh_token'],
  scope: 'openid email',
};

/** OIDC Registration and RFC 7591 metadata on the admin API. */
describe.each(databases)('OIDC client metadata on %s', (_name, databaseUrl) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl });
  });
  afterAll(() => app.close());

  const create = (body: Record<string, unknown>) => app.http().post('/admin/clients').set(AUTH).send(body);

  it('stores and returns the logout metadata and the registration names it does not act on', async () => {
    const metadata = {
      ...WEB,
      response_types: ['code'],
      post_logout_redirect_uris: ['https://app.example.com/signed-out'],
      backchannel_logout_uri: 'https://app.example.com/backchannel',
      backchannel_logout_session_required: true,
      client_uri: 'https://app.example.com',
      logo_uri: 'https://app.example.com/logo.png',
      policy_uri: 'https://app.example.com/privacy',
      tos_uri: 'https://app.example.com/terms',
      contacts: ['ops@example.com'],
    };
    const res = await create(metadata);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject(metadata);
    const read = await app.http().get(`/admin/clients/${res.body.client_id}`).set(AUTH);
    expect(read.body).toMatchObject(metadata);
    const patched = await app.http().patch(`/admin/clients/${res.body.client_id}`).set(AUTH).send({ post_logout_redirect_uris: [], contacts: [] });
    expect(patched.body.post_logout_redirect_uris).toEqual([]);
    expect(patched.body.contacts).toBeUndefined();
  });

  it('defaults response_types as RFC 7591 §2.1 pairs them with grant_types', async () => {
    expect((await create(WEB)).body).toMatchObject({ response_types: ['code'], post_logout_redirect_uris: [], backchannel_logout_session_required: false });
    const machine = await create({ ...WEB, redirect_uris: [], grant_types: ['client_credentials'] });
    expect(machine.body.response_types).toEqual([]);
    // Changing the grants without response_types takes their default.
    const patched = await app.http().patch(`/admin/clients/${machine.body.client_id}`).set(AUTH).send({ grant_types: ['authorization_code'], redirect_uris: WEB.redirect_uris });
    expect(patched.status).toBe(200);
    expect(patched.body.response_types).toEqual(['code']);
  });

  it.each([
    ['code without the authorization_code grant', { ...WEB, redirect_uris: [], grant_types: ['client_credentials'], response_types: ['code'] }],
    ['no code with the authorization_code grant', { ...WEB, response_types: [] }],
    ['an unsupported response type', { ...WEB, response_types: ['token'] }],
    ['a post-logout URI with a fragment', { ...WEB, post_logout_redirect_uris: ['https://app.example.com/out#x'] }],
    ['a plain-http back-channel URI off loopback', { ...WEB, backchannel_logout_uri: 'http://app.example.com/bc' }],
    ['a private-use back-channel URI', { ...WEB, backchannel_logout_uri: 'com.example.app:/bc' }],
    ['a non-boolean session_required', { ...WEB, backchannel_logout_session_required: 'yes' }],
    ['a javascript: client_uri', { ...WEB, client_uri: 'javascript:alert(1)' }],
    ['a contact that is not an email', { ...WEB, contacts: ['not an email'] }],
  ])('answers 400 to %s', async (_case, body) => {
    const res = await create(body);
    expect(res.status).toBe(400);
    expect(JSON.stringify(res.body.message)).toMatch(/response_types|post_logout_redirect_uris|backchannel_logout|client_uri|contacts/);
  });
});
