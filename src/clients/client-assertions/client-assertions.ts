import { Injectable } from '@nestjs/common';
import { createLocalJWKSet, decodeJwt, errors, jwtVerify } from 'jose';
import { looksLikeClientIdUrl } from '../../client-metadata/client-id-url';
import { ClientKeySets, KeySetUnavailable } from '../../client-metadata/client-key-sets';
import type { ClientKeySource } from '../../client-metadata/client-metadata-document';
import { ClientMetadataResolver } from '../../client-metadata/client-metadata.resolver';
import { Clock } from '../../common/clock';
import { sha256 } from '../../common/crypto/hashing';
import { OAuthError } from '../../common/errors/oauth-error';
import { AppConfig } from '../../config/app-config';
import type { Client } from '../client.entity';
import { ClientAssertionJtisRepository } from './client-assertion-jtis.repository';

/** RFC 7523 §2.2: the `client_assertion_type` of a JWT client assertion. */
export const JWT_BEARER_ASSERTION = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
/** Asymmetric algorithms only: `none` and the HMAC family (a shared secret) are refused. */
export const CLIENT_ASSERTION_ALGS = ['RS256', 'PS256', 'ES256', 'EdDSA'];
/** The furthest ahead an assertion's `exp` may be (beyond the configured clock skew). */
export const MAX_ASSERTION_LIFETIME_SECONDS = 300;
const MAX_ASSERTION_LENGTH = 8192;
const MAX_JTI_LENGTH = 256;

const BAD_CLIENT = 'client authentication failed';
/** No key of the client's set has the assertion's `kid` (and algorithm). */
const NO_MATCHING_KEY = Symbol('no matching key');
const refused = (clientId: string, reason: string) => new OAuthError('invalid_client', BAD_CLIENT, `client ${clientId.slice(0, 200)}: assertion refused: ${reason}`);

/**
 * `private_key_jwt` (RFC 7523 §3, OIDC Core §9) for clients named by a Client ID Metadata
 * Document: the assertion is signed with one of the client's keys, `iss` = `sub` = the client
 * id, `aud` names this server (its issuer or its token endpoint), it expires within
 * ${MAX_ASSERTION_LIFETIME_SECONDS} s, and its `jti` is used once. Any failure is `invalid_client`.
 */
@Injectable()
export class ClientAssertions {
  constructor(
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly metadataDocuments: ClientMetadataResolver,
    private readonly keySets: ClientKeySets,
    private readonly jtis: ClientAssertionJtisRepository,
  ) {}

  /**
   * The client id an assertion claims (its `iss`), read without verifying it: only to find the
   * client whose keys then verify it. Refuses what is not a JWT bearer assertion.
   */
  claimedClientId(assertionType: string | undefined, assertion: string | undefined): string {
    if (assertionType !== JWT_BEARER_ASSERTION) throw new OAuthError('invalid_client', BAD_CLIENT, 'client_assertion_type is not jwt-bearer');
    if (!assertion || assertion.length > MAX_ASSERTION_LENGTH) throw new OAuthError('invalid_client', BAD_CLIENT, 'client_assertion missing or too long');
    let issuer: unknown;
    try {
      issuer = decodeJwt(assertion).iss;
    } catch {
      throw new OAuthError('invalid_client', BAD_CLIENT, 'client_assertion is not a JWT');
    }
    if (typeof issuer !== 'string' || !issuer) throw new OAuthError('invalid_client', BAD_CLIENT, 'client_assertion has no iss');
    return issuer;
  }

  /** Verifies `assertion` for `client` and spends its `jti`, or throws `invalid_client`. */
  async verify(client: Client, assertion: string): Promise<void> {
    const { clientId } = client;
    const source = this.metadataDocuments.keySourceOf(client);
    if (!looksLikeClientIdUrl(clientId) || client.tokenEndpointAuthMethod !== 'private_key_jwt' || !source) {
      throw refused(clientId, 'the client is not a private_key_jwt metadata-document client');
    }
    const now = this.clock.now();
    const skew = this.config.clockSkewSeconds;
    let verified = await this.verifySignature(clientId, source, assertion, now, {});
    // A kid the cached key set lacks: the client may have rotated its keys since it was fetched.
    if (verified === NO_MATCHING_KEY && 'jwksUri' in source) verified = await this.verifySignature(clientId, source, assertion, now, { lacksKey: true });
    if (verified === NO_MATCHING_KEY) throw refused(clientId, errors.JWKSNoMatchingKey.code);
    const { exp, jti } = verified;
    if (exp > Math.floor(now.getTime() / 1000) + MAX_ASSERTION_LIFETIME_SECONDS + skew) {
      throw refused(clientId, `exp is more than ${MAX_ASSERTION_LIFETIME_SECONDS} s ahead`);
    }
    if (typeof jti !== 'string' || !jti || jti.length > MAX_JTI_LENGTH) throw refused(clientId, 'jti must be a short string');
    if (!(await this.jtis.use(sha256(`${clientId} ${jti}`), new Date((exp + skew) * 1000), now))) throw refused(clientId, 'jti already used');
  }

  /** The assertion's `exp` and `jti` once its signature and claims hold, or NO_MATCHING_KEY. */
  private async verifySignature(
    clientId: string,
    source: ClientKeySource,
    assertion: string,
    now: Date,
    options: { lacksKey?: boolean },
  ): Promise<{ exp: number; jti: unknown } | typeof NO_MATCHING_KEY> {
    let keys: Awaited<ReturnType<ClientKeySets['keySet']>>;
    try {
      keys = await this.keySets.keySet(source, options);
    } catch (error) {
      if (error instanceof KeySetUnavailable) throw refused(clientId, error.message);
      throw error;
    }
    const { issuer } = this.config;
    try {
      const { payload } = await jwtVerify(assertion, createLocalJWKSet(keys as never), {
        algorithms: CLIENT_ASSERTION_ALGS,
        issuer: clientId,
        subject: clientId,
        audience: [issuer, `${issuer}/token`],
        currentDate: now,
        clockTolerance: this.config.clockSkewSeconds,
        requiredClaims: ['exp', 'jti'],
      });
      return { exp: payload.exp!, jti: payload.jti };
    } catch (error) {
      if (error instanceof errors.JWKSNoMatchingKey) return NO_MATCHING_KEY;
      if (error instanceof errors.JOSEError) throw refused(clientId, error.code);
      throw error;
    }
  }
}
