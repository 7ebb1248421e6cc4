import { Injectable } from '@nestjs/common';
import { AppConfig } from '../../config/app-config';
import { AuthorizationCodes } from '../../tokens/grants/authorization-codes.service';
import { AuthorizationParams, redirectWith } from '../authorization-params';
import type { Outcome } from '../outcome';
import type { SignedIn } from '../sessions/browser-sessions';

/** The end of a granted request: a code for the client, sent back to its redirect URI. */
@Injectable()
export class CodeIssuer {
  constructor(
    private readonly codes: AuthorizationCodes,
    private readonly config: AppConfig,
  ) {}

  /** RFC 6749 §4.1.2 and RFC 9207: a fresh code, stored as its hash, bound to what was checked. */
  async issue(params: AuthorizationParams, signedIn: SignedIn): Promise<Outcome> {
    const code = await this.codes.issue({
      clientId: params.clientId,
      userId: signedIn.user.id,
      redirectUri: params.redirectUri,
      scopes: params.scopes,
      resources: params.resources,
      codeChallenge: params.codeChallenge,
      authTime: signedIn.session.authTime,
      sessionId: signedIn.session.sid,
      nonce: params.nonce,
    });
    return {
      kind: 'redirect',
      location: redirectWith(params.redirectUri, { code, state: params.state, iss: this.config.issuer }),
    };
  }
}
