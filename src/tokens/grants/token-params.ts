import { OAuthError } from '../../common/errors/oauth-error';

/**
 * The form parameters of a token, revocation or introspection request. RFC 6749 §3.2:
 * parameters must not be repeated, and an empty value counts as absent.
 */
export class TokenParams {
  private constructor(private readonly values: ReadonlyMap<string, string>) {}

  /** The form of a request; any other body type is `invalid_request` (RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1). */
  static fromRequest(req: { body?: unknown; is(type: string): string | false | null }): TokenParams {
    if (!req.is('application/x-www-form-urlencoded')) {
      throw new OAuthError('invalid_request', 'the body must be application/x-www-form-urlencoded');
    }
    return TokenParams.from(req.body);
  }

  /** Rejects a body that is not a form, and any repeated or non-string parameter, naming it. */
  static from(body: unknown): TokenParams {
    const values = new Map<string, string>();
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return new TokenParams(values);
    for (const [name, value] of Object.entries(body as Record<string, unknown>)) {
      if (typeof value !== 'string') throw new OAuthError('invalid_request', `parameter ${name} must appear once`);
      if (value !== '') values.set(name, value);
    }
    return new TokenParams(values);
  }

  optional(name: string): string | undefined {
    return this.values.get(name);
  }

  required(name: string): string {
    const value = this.values.get(name);
    if (value === undefined) throw new OAuthError('invalid_request', `missing parameter ${name}`);
    return value;
  }

  /** The body for the client authenticator: only the values that survived the checks. */
  asBody(): Record<string, string> {
    return Object.fromEntries(this.values);
  }
}
