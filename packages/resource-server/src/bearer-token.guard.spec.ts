import { HttpException } from '@nestjs/common';
import { BearerTokenError } from './bearer-token.error';
import { presentsBearerToken, refusal } from './bearer-token.guard';

describe('presentsBearerToken', () => {
  it('is true for the Bearer scheme in any letter case, well-formed or not', () => {
    for (const header of ['Bearer abc', 'bearer abc', 'BEARER a b c', 'Bearer', 'Bearer ', ['Bearer abc']]) {
      expect(presentsBearerToken(header)).toBe(true);
    }
  });

  it('is false without a header or for another scheme', () => {
    for (const header of [undefined, '', 'Basic YTpi', 'Bearerabc', 'DPoP abc', []]) {
      expect(presentsBearerToken(header)).toBe(false);
    }
  });
});

describe('refusal', () => {
  const settings = { realm: 'api', resourceMetadataUrl: 'https://api.example.com/.well-known/oauth-protected-resource' };
  const response = () => {
    const headers: Record<string, string> = {};
    return { headers, setHeader: (name: string, value: string) => (headers[name] = value) };
  };

  it('leaves the error code out of the challenge when no token was presented (RFC 6750 §3.1)', () => {
    const res = response();
    const exception = refusal(new BearerTokenError('invalid_token', 'an access token is required'), false, res, settings);
    expect(res.headers['WWW-Authenticate']).toBe(`Bearer realm="api", resource_metadata="${settings.resourceMetadataUrl}"`);
    expect(res.headers['Cache-Control']).toBe('no-store');
    expect(exception).toBeInstanceOf(HttpException);
    expect(exception.getStatus()).toBe(401);
    expect(exception.getResponse()).toEqual({ error: 'invalid_token', error_description: 'an access token is required' });
  });

  it('names insufficient_scope and the scope with 403, token or not', () => {
    const res = response();
    const exception = refusal(new BearerTokenError('insufficient_scope', 'needs notes:read', undefined, 'notes:read'), false, res, settings);
    expect(res.headers['WWW-Authenticate']).toBe(
      `Bearer realm="api", error="insufficient_scope", error_description="needs notes:read", scope="notes:read", resource_metadata="${settings.resourceMetadataUrl}"`,
    );
    expect(exception.getStatus()).toBe(403);
  });
});
