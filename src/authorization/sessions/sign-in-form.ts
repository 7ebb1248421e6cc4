import { Injectable } from '@nestjs/common';
import { Clock } from '../../common/clock';
import { Metrics } from '../../operations/metrics/metrics';
import { UsersService } from '../../users/users.service';
import { singleOrNothing } from '../authorization-params';
import { requestForm } from '../form-csrf';
import { LoginThrottle } from '../login-throttle';
import type { BrowserContext, LoginOutcome } from '../outcome';
import { loginPage } from '../views/pages';
import { BrowserSessions, SessionCookie, SignedIn } from './browser-sessions';

/** The sign-in form's answer: the form again (with why), or a signed-in browser. */
export type SignInResult = { again: LoginOutcome } | { signedIn: SignedIn; cookie: SessionCookie };

/** The sign-in page of a pending request, and its answer: throttled, then checked. */
@Injectable()
export class SignInForm {
  constructor(
    private readonly users: UsersService,
    private readonly throttle: LoginThrottle,
    private readonly sessions: BrowserSessions,
    private readonly clock: Clock,
    private readonly metrics: Metrics,
  ) {}

  /** The sign-in page's HTML for pending request `requestId`. */
  page(clientName: string, requestId: string, browser: BrowserContext, email?: string): string {
    return loginPage({ clientName, form: requestForm(requestId, browser), email });
  }

  /** Checks the email and password of the form; a right pair signs the browser in. */
  async submit(body: Record<string, unknown>, browser: BrowserContext, clientName: string, requestId: string): Promise<SignInResult> {
    const form = requestForm(requestId, browser);
    const email = singleOrNothing(body, 'email');
    const password = singleOrNothing(body, 'password');
    const again = (status: number, error: string, retryAfterSeconds?: number): SignInResult => ({
      again: { kind: 'page', status, html: loginPage({ clientName, form, email, error }), retryAfterSeconds },
    });
    if (!email || !password) return again(400, 'Enter your email and password.');

    const now = this.clock.now();
    const attempt = await this.throttle.begin(email, browser.ip, now);
    const wait = attempt.retryAfterSeconds;
    if (wait > 0) return again(429, `Too many failed sign-in attempts. Try again in ${Math.ceil(wait / 60)} minute(s).`, wait);
    const user = await this.users.verifyCredentials(email, password);
    // One message for an unknown email and a wrong password: no account enumeration.
    if (!user) {
      this.metrics.loginFailed();
      return again(400, 'Wrong email or password.');
    }
    await this.throttle.succeeded(attempt);
    return this.sessions.start(browser, user, now);
  }
}
