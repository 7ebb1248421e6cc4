import { bearerChallenge, protectedResourceMetadataUrl } from './bearer-challenge';

describe('protectedResourceMetadataUrl', () => {
  it('puts the well-known prefix between the host and the path (RFC 9728 §3.1)', () => {
    expect(protectedResourceMetadataUrl('https://invoices.example.com')).toBe('https://invoices.example.com/.well-known/oauth-protected-resource');
    expect(protectedResourceMetadataUrl('https://auth.example.com/api')).toBe('https://auth.example.com/.well-known/oauth-protected-resource/api');
  });
});

describe('bearerChallenge', () => {
  it('names the error, the scope and the metadata, dropping quotes from values', () => {
    expect(bearerChallenge({ realm: 'api', error: 'insufficient_scope', description: 'needs "x"', scope: 'x', resourceMetadata: 'https://r/m' })).toBe(
      'Bearer realm="api", error="insufficient_scope", error_description="needs x", scope="x", resource_metadata="https://r/m"',
    );
    expect(bearerChallenge({ realm: 'api' })).toBe('Bearer realm="api"');
  });
});
