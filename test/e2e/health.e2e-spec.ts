import { KeyStoreService } from '../../src/tokens/signing/key-store.service';
import { createTestApp, databases, TestApp } from '../support/test-app';

describe.each(databases)('the foundation on %s', (_name, databaseUrl) => {
  let app: TestApp;
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl });
  });
  afterAll(() => app.close());

  it('runs the migrations and generates a signing key at first start', () => {
    const jwks = app.get(KeyStoreService).jwks();
    expect(jwks.keys).toHaveLength(1);
    expect(jwks.keys[0]).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
    expect(jwks.keys[0]).not.toHaveProperty('d');
  });
});
