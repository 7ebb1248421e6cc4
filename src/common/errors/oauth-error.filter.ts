import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAUTH_ERROR_STATUS, OAuthError } from './oauth-error';
import { TooManyFailuresError } from './too-many-failures.error';

/** RFC 6749 §5.2 JSON for every `OAuthError`, with the RFC 6750 / RFC 7235 challenge where one is due. */
@Catch(OAuthError)
export class OAuthErrorFilter implements ExceptionFilter<OAuthError> {
  private readonly logger = new Logger('OAuth');

  catch(error: OAuthError, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<FastifyRequest>();
    const res = http.getResponse<FastifyReply>();
    let status = OAUTH_ERROR_STATUS[error.code] ?? 400;
    if (error instanceof TooManyFailuresError) {
      status = 429;
      res.header('Retry-After', String(error.retryAfterSeconds));
    }
    this.logger.log({ msg: 'oauth error', reqId: req.id, code: error.code, detail: error.detail, path: req.url.split('?')[0] });
    const challenge = challengeFor(error, req);
    if (challenge) res.header('WWW-Authenticate', challenge);
    void res
      .status(status)
      .header('Cache-Control', 'no-store')
      .header('Pragma', 'no-cache')
      .send({ error: error.code, error_description: error.description });
  }
}

/** Basic for a failed client authentication, Bearer for a bad or insufficient access token. */
export function challengeFor(error: OAuthError, req: Pick<FastifyRequest, 'headers'>): string | undefined {
  if (error.code === 'invalid_client') {
    // RFC 6749 §5.2: answer with the scheme the client tried; Basic is our default.
    return 'Basic realm="oauth", charset="UTF-8"';
  }
  if (error.code === 'invalid_token' || error.code === 'insufficient_scope') {
    const presented = /^Bearer\s/i.test(req.headers.authorization ?? '');
    const params = [`realm="api"`];
    // RFC 6750 §3.1: a request without a token gets a challenge with no error code.
    if (presented || error.code === 'insufficient_scope') {
      params.push(`error="${error.code}"`, `error_description="${quote(error.description)}"`);
    }
    if (error.scope) params.push(`scope="${quote(error.scope)}"`);
    return `Bearer ${params.join(', ')}`;
  }
  return undefined;
}

function quote(value: string): string {
  return value.replace(/["\\]/g, '');
}
