import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from './oauth-error';
import { OAuthErrorFilter } from './oauth-error.filter';

/**
 * The last line: Nest's HTTP exceptions keep their status and body, client errors raised by
 * middleware keep their 4xx, and anything else is a bug: a generic `500 server_error`, logged
 * with the request id (name, message and stack only: error objects can carry query parameters).
 */
@Catch()
export class UnexpectedErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('UnexpectedError');
  private readonly oauthErrors = new OAuthErrorFilter();

  catch(error: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw error;
    if (error instanceof OAuthError) return this.oauthErrors.catch(error, host);
    const req = host.switchToHttp().getRequest<FastifyRequest>();
    const res = host.switchToHttp().getResponse<FastifyReply>();
    if (res.sent || res.raw.headersSent) {
      this.logger.error({ msg: 'error after the response started', reqId: req.id, err: describe(error) });
      if (!res.raw.writableEnded) res.raw.end();
      return;
    }
    if (error instanceof HttpException) {
      const body = error.getResponse();
      res.status(error.getStatus()).send(typeof body === 'string' ? { statusCode: error.getStatus(), message: body } : body);
      return;
    }
    const clientError = asClientError(error);
    if (clientError) {
      sendJsonError(res, clientError.status, 'invalid_request', clientError.message);
      return;
    }
    this.logger.error({ msg: 'unexpected error', reqId: req.id, method: req.method, path: req.url.split('?')[0], err: describe(error) });
    sendJsonError(res, 500, 'server_error', 'the server met an unexpected error');
  }
}

/** An http-errors style error (the body parsers, a hook) whose status is 4xx and message is meant for the client. */
export function asClientError(error: unknown): { status: number; message: string } | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const { status, expose, message } = error as { status?: unknown; expose?: unknown; message?: unknown };
  if (typeof status !== 'number' || status < 400 || status > 499 || expose !== true) return undefined;
  return { status, message: typeof message === 'string' ? message : 'bad request' };
}

/** RFC 6749 §5.2-shaped JSON error, which both OAuth clients and admin scripts can read. */
export function sendJsonError(res: FastifyReply, status: number, error: string, description: string): void {
  void res.status(status).header('Cache-Control', 'no-store').send({ error, error_description: description });
}

function describe(error: unknown): { name: string; message: string; stack?: string } {
  return error instanceof Error
    ? { name: error.name, message: error.message, stack: error.stack }
    : { name: typeof error, message: 'non-Error value thrown' };
}
