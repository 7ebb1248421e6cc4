import { Controller, Get, Post, Req, Res } from '@nestjs/common';
import type { CookieOptions, Request, Response } from 'express';
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
  authorizeGet(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.answer(req, res, (browser) => this.authorization.authorize(req.query as Record<string, unknown>, browser));
  }

  /** One form target: the login and consent forms carry `request_id`; anything else is a form-encoded request. */
  @Post('authorize')
  authorizePost(@Req() req: Request, @Res() res: Response): Promise<void> {
    const body = bodyOf(req);
    return this.answer(req, res, (browser) => {
      if (body.request_id === undefined) return this.authorization.authorize(body, browser);
      if (body.decision !== undefined) return this.authorization.submitConsent(body, browser);
      return this.authorization.submitLogin(body, browser);
    });
  }

  /** `end_session_endpoint` (RP-Initiated Logout 1.0), and the sign-out page of the server itself. */
  @Get('logout')
  logoutGet(@Req() req: Request, @Res() res: Response): Promise<void> {
    return this.answer(req, res, (browser) => this.endSession.request(req.query as Record<string, unknown>, browser));
  }

  /** A client's logout request as a form, or the confirmation form (which carries a CSRF token). */
  @Post('logout')
  logoutPost(@Req() req: Request, @Res() res: Response): Promise<void> {
    const body = bodyOf(req);
    return this.answer(req, res, (browser) =>
      this.endSession.isConfirmation(body) ? this.endSession.confirm(body, browser) : this.endSession.request(body, browser),
    );
  }

  private async answer(req: Request, res: Response, step: (browser: BrowserContext) => Promise<Outcome | LoginOutcome>): Promise<void> {
    const browser = this.browserContext(req, res);
    let outcome: Outcome | LoginOutcome;
    try {
      outcome = await step(browser);
    } catch (error) {
      if (!(error instanceof AuthorizationPageError)) throw error;
      outcome = renderPageError(error);
    }
    res.setHeader('Content-Security-Policy', PAGE_CSP);
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Pragma', 'no-cache');
    if (outcome.signedOut) res.clearCookie(SESSION_COOKIE, this.cookieOptions());
    if ('session' in outcome && outcome.session) {
      res.cookie(SESSION_COOKIE, outcome.session.id, {
        ...this.cookieOptions(),
        maxAge: this.config.sessionTtlSeconds * 1000,
      });
    }
    if (outcome.kind === 'redirect') {
      res.redirect(302, outcome.location);
      return;
    }
    if (outcome.retryAfterSeconds) res.setHeader('Retry-After', String(outcome.retryAfterSeconds));
    res.status(outcome.status).type('html').send(outcome.html);
  }

  /** Reads the cookies; a browser without the CSRF cookie gets one. */
  private browserContext(req: Request, res: Response): BrowserContext {
    const cookies = (req.cookies ?? {}) as Record<string, unknown>;
    let browserId = cookieValue(cookies[BROWSER_COOKIE]);
    if (!browserId) {
      browserId = this.random.token();
      res.cookie(BROWSER_COOKIE, browserId, this.cookieOptions());
    }
    return {
      browserId,
      sessionId: cookieValue(cookies[SESSION_COOKIE]),
      ip: req.ip ?? req.socket.remoteAddress ?? 'unknown',
    };
  }

  private cookieOptions(): CookieOptions {
    return { httpOnly: true, sameSite: 'lax', secure: this.config.issuer.startsWith('https:'), path: '/' };
  }
}

function cookieValue(value: unknown): string | undefined {
  return typeof value === 'string' && COOKIE_VALUE.test(value) ? value : undefined;
}

function bodyOf(req: Request): Record<string, unknown> {
  const body: unknown = req.body;
  return body && typeof body === 'object' && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
}
