import { CanActivate, ExecutionContext, HttpException, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AccessTokenClaims, BearerTokenVerifier } from './access-token-claims';
import { bearerChallenge } from './bearer-challenge';
import { BearerTokenError } from './bearer-token.error';
import { missingScopes, REQUIRED_SCOPES } from './scopes';

/** How a bearer guard answers and where it puts the claims. */
export interface BearerGuardSettings {
  /** The challenge's `realm`. */
  realm?: string;
  /** RFC 9728: the absolute URL of the resource's metadata, named in every challenge. */
  resourceMetadataUrl?: string;
  /** The request property that receives the verified claims. Default `user`, as passport does. */
  requestProperty?: string;
}

interface HttpRequest {
  headers: Record<string, string | string[] | undefined>;
  [property: string]: unknown;
}
/** An Express response (`setHeader`) or a Fastify reply (`header`): the guard works in either host. */
interface HttpResponse {
  header?(name: string, value: string): unknown;
  setHeader?(name: string, value: string): unknown;
}

function setResponseHeader(response: HttpResponse, name: string, value: string): void {
  if (typeof response.header === 'function') response.header(name, value);
  else response.setHeader?.(name, value);
}

/**
 * Whether the request used the Bearer scheme at all, well-formed or not: RFC 6750 §3.1 gives
 * a request that presented no token a challenge without an error code.
 */
export function presentsBearerToken(header: string | string[] | undefined): boolean {
  const value = Array.isArray(header) ? header[0] : header;
  return !!value && /^Bearer(\s|$)/i.test(value);
}

/** RFC 6750 §2.1: the header only, never the query string or the body. */
function bearerToken(header: string | string[] | undefined): { presented: boolean; token?: string } {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || !presentsBearerToken(value)) return { presented: false };
  const match = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i.exec(value);
  return { presented: true, token: match?.[1] };
}

/**
 * Verifies the request's bearer token, checks the route's `@RequireScopes`, and puts the
 * claims on the request. Refusals are answered here, whatever exception filters the host
 * has: the RFC 6750 challenge is set on the response and an `HttpException` carries the
 * RFC 6749 §5.2 body. Passport is not involved, so a host's own passport setup is untouched.
 */
export abstract class BearerTokenGuard implements CanActivate {
  private readonly logger = new Logger('BearerTokenGuard');

  protected constructor(
    private readonly verifier: BearerTokenVerifier,
    private readonly reflector: Reflector,
    private readonly settings: BearerGuardSettings,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const http = context.switchToHttp();
    const request = http.getRequest<HttpRequest>();
    const { presented, token } = bearerToken(request.headers.authorization);
    try {
      if (!token) throw new BearerTokenError('invalid_token', 'an access token is required', presented ? 'malformed bearer credentials' : 'no bearer token');
      const claims = await this.verifier.verify(token);
      request[this.settings.requestProperty ?? 'user'] = claims;
      checkRequiredScopes(this.reflector, context, claims);
      return true;
    } catch (error) {
      if (!(error instanceof BearerTokenError)) throw error;
      this.logger.debug({ msg: 'bearer token refused', code: error.code, detail: error.detail });
      throw refusal(error, presented, http.getResponse<HttpResponse>(), this.settings);
    }
  }
}

/** Throws `insufficient_scope` when the route's `@RequireScopes` are not all in the token. */
export function checkRequiredScopes(reflector: Reflector, context: ExecutionContext, claims: Pick<AccessTokenClaims, 'scope'> | undefined): void {
  const required = reflector.getAllAndOverride<string[] | undefined>(REQUIRED_SCOPES, [context.getHandler(), context.getClass()]);
  if (!required?.length) return;
  const missing = missingScopes(claims?.scope ?? '', required);
  if (missing.length) {
    throw new BearerTokenError('insufficient_scope', `this request needs scope ${required.join(' ')}`, `missing ${missing.join(' ')}`, required.join(' '));
  }
}

/** Writes the challenge onto the response and returns the exception that carries the body. */
export function refusal(error: BearerTokenError, presented: boolean, response: HttpResponse, settings: BearerGuardSettings): HttpException {
  // RFC 6750 §3.1: a request that sent no token gets a challenge with no error code.
  const withError = presented || error.code === 'insufficient_scope';
  setResponseHeader(
    response,
    'WWW-Authenticate',
    bearerChallenge({
      realm: settings.realm,
      error: withError ? error.code : undefined,
      description: error.description,
      scope: error.scope,
      resourceMetadata: settings.resourceMetadataUrl,
    }),
  );
  setResponseHeader(response, 'Cache-Control', 'no-store');
  return new HttpException({ error: error.code, error_description: error.description }, error.status, { cause: error });
}
