import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { CookieSerializeOptions } from '@fastify/cookie';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { RandomSource } from '../common/crypto/random';
import { AppConfig } from '../config/app-config';
import { AuthorizationPageError } from './authorization-params';
import { AuthorizeFlow } from './authorize-flow';
import { EndSessionService } from './end-session.service';
import { BrowserContext, LoginOutcome, Outcome, renderPageError } from './outcome';
import { PAGE_CSP } from './views/html';

export const SESSION_COOKIE = 'oauth_session';
export const BROWSER_COOKIE = 'oauth_browser';
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

/**
 * The authorization endpoint and its pages. Every answer, page or redirect, is uncacheable,
 * unframeable and sends no Referer (the code and state must not leak).
 */
@Controller()
export class AuthorizeController {
  constructor(
    private readonly authorization: AuthorizeFlow,
    private readonly endSession: EndSessionService,
    private readonly random: RandomSource,
    private readonly config: AppConfig,
  ) {}

  @Get('authorize')
  authorizeGet(@Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    return this.answer(req, res, (browser) => this.authorization.authorize(req.query as Record<string, unknown>, browser));
  }

  /** One form target: the login and consent forms carry `request_id`; anything else is a form-encoded request. */
  @Post('authorize')
  authorizePost(@Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const body = bodyOf(req);
    return this.answer(req, res, (browser) => {
      if (body.request_id === undefined) return this.authorization.authorize(body, browser);
      if (body.decision !== undefined) return this.authorization.submitConsent(body, browser);
      return this.authorization.submitLogin(body, browser);
    });
  }

  /** `end_session_endpoint` (RP-Initiated Logout 1.0), and the sign-out page of the server itself. */
  @Get('logout')
  logoutGet(@Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    return this.answer(req, res, (browser) => this.endSession.request(req.query as Record<string, unknown>, browser));
  }

  /** A client's logout request as a form, or the confirmation form (which carries a CSRF token). */
  @Post('logout')
  logoutPost(@Req() req: FastifyRequest, @Res() res: FastifyReply): Promise<void> {
    const body = bodyOf(req);
    return this.answer(req, res, (browser) =>
      this.endSession.isConfirmation(body) ? this.endSession.confirm(body, browser) : this.endSession.request(body, browser),
    );
  }

  private async answer(req: FastifyRequest, res: FastifyReply, step: (browser: BrowserContext) => Promise<Outcome | LoginOutcome>): Promise<void> {
    const browser = this.browserContext(req, res);
    let outcome: Outcome | LoginOutcome;
    try {
      outcome = await step(browser);
    } catch (error) {
      if (!(error instanceof AuthorizationPageError)) throw error;
      outcome = renderPageError(error);
    }
    res.header('Content-Security-Policy', PAGE_CSP);
    res.header('X-Frame-Options', 'DENY');
    res.header('Referrer-Policy', 'no-referrer');
    res.header('Cache-Control', 'no-store');
    res.header('Pragma', 'no-cache');
    if (outcome.signedOut) res.clearCookie(SESSION_COOKIE, this.cookieOptions());
    if ('session' in outcome && outcome.session) {
      res.setCookie(SESSION_COOKIE, outcome.session.id, {
        ...this.cookieOptions(),
        maxAge: this.config.sessionTtlSeconds,
      });
    }
    if (outcome.kind === 'redirect') {
      await res.redirect(outcome.location, 302);
      return;
    }
    if (outcome.retryAfterSeconds) res.header('Retry-After', String(outcome.retryAfterSeconds));
    await res.status(outcome.status).type('text/html; charset=utf-8').send(outcome.html);
  }

  /** Reads the cookies; a browser without the CSRF cookie gets one. */
  private browserContext(req: FastifyRequest, res: FastifyReply): BrowserContext {
    const cookies = (req.cookies ?? {}) as Record<string, unknown>;
    let browserId = cookieValue(cookies[BROWSER_COOKIE]);
    if (!browserId) {
      browserId = this.random.token();
      res.setCookie(BROWSER_COOKIE, browserId, this.cookieOptions());
    }
    return {
      browserId,
      sessionId: cookieValue(cookies[SESSION_COOKIE]),
      ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
    };
  }

  private cookieOptions(): CookieSerializeOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.config.issuer.startsWith('https:'), path: '/' };
  }
}

function cookieValue(value: unknown): string | undefined {
  return typeof value === 'string' && COOKIE_VALUE.test(value) ? value : undefined;
}

function bodyOf(req: FastifyRequest): Record<string, unknown> {
  const body: unknown = req.body;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
