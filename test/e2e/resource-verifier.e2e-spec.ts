import { AccessTokenVerifier } from '../../src/resource/access-token-verifier';
import { RevocationLogService } from '../../src/revocation-log/revocation-log.service';
import { mintAccessToken, mintUnsecured } from '../support/access-tokens';
import { createTestApp, databases, TestApp } from '../support/test-app';

describe.each(databases)('AccessTokenVerifier on %s', (_name, databaseUrl) => {
  let app: TestApp;
  let verifier: AccessTokenVerifier;
  beforeAll(async () => {
    app = await createTestApp({ databaseUrl });
    verifier = app.get(AccessTokenVerifier);
  });
  afterAll(() => app.close());

  it('returns the claims of a token this server signed', async () => {
    const token = await mintAccessToken(app, { claims: { sub: 'user-7', scope: 'admin' } });
    const claims = await verifier.verify(token);
    expect(claims).toMatchObject({ sub: 'user-7', scope: 'admin', client_id: 'client-1', iss: app.config.issuer });
  });

  it('throws invalid_token for an unsecured token', async () => {
    await expect(verifier.verify(mintUnsecured(app))).rejects.toMatchObject({ code: 'invalid_token' });
  });

  it('throws invalid_token as soon as the jti is denied on this instance', async () => {
    const token = await mintAccessToken(app, { claims: { jti: 'verifier-jti' } });
    await expect(verifier.verify(token)).resolves.toMatchObject({ jti: 'verifier-jti' });
    await app.get(RevocationLogService).deny('jti', 'verifier-jti', new Date(Date.now() + 600_000));
    await expect(verifier.verify(token)).rejects.toMatchObject({ code: 'invalid_token', description: 'access token has been revoked' });
  });
});
