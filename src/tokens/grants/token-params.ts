import { OAuthError } from '../../common/errors/oauth-error';
import { formParameter } from '../../common/form-parameters';
import { readResourceParameter } from '../../resources/resource-targets';

/**
 * The form parameters of a token, revocation or introspection request. RFC 6749 §3.2:
 * parameters must not be repeated, and an empty value counts as absent.
 */
export class TokenParams {
  private constructor(
    private readonly values: ReadonlyMap<string, string>,
    private readonly resourceValues: unknown = undefined,
  ) {}

  /** The form of a request; any other body type is `invalid_request` (RFC 6749 §3.2, RFC 7009 §2.1, RFC 7662 §2.1). */
  static fromRequest(req: { body?: unknown; headers: { 'content-type'?: string } }): TokenParams {
    const mediaType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
    if (mediaType !== 'application/x-www-form-urlencoded') {
      throw new OAuthError('invalid_request', 'the body must be application/x-www-form-urlencoded');
    }
    return TokenParams.from(req.body);
  }

  /** Rejects a body that is not a form, and any repeated or non-string parameter, naming it. */
  static from(body: unknown): TokenParams {
    const values = new Map<string, string>();
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return new TokenParams(values);
    let resource: unknown;
    const form = body as Record<string, unknown>;
    for (const name of Object.keys(form)) {
      // RFC 8707 §2: `resource` may be repeated; `resources()` checks its values.
      if (name === 'resource') {
        resource = form[name];
        continue;
      }
      const read = formParameter(form, name);
      if (read !== undefined) values.set(name, read);
    }
    return new TokenParams(values, resource);
  }

  /** The RFC 8707 `resource` values, or `invalid_target` naming what is wrong with them. */
  resources(): string[] {
    return readResourceParameter(this.resourceValues);
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
