export type { AccessTokenClaims, BearerTokenVerifier } from './access-token-claims';
export {
  bearerChallenge,
  PROTECTED_RESOURCE_WELL_KNOWN,
  protectedResourceMetadataPath,
  protectedResourceMetadataUrl,
  type ChallengeParams,
  type ProtectedResourceMetadata,
} from './bearer-challenge';
export { BearerTokenError, type BearerErrorCode } from './bearer-token.error';
export { BearerTokenGuard, checkRequiredScopes, presentsBearerToken, refusal, type BearerGuardSettings } from './bearer-token.guard';
export { DenySet, type DeniableToken, type Denial } from './deny-set';
export { formatFeedEvent, parseFeedEventData, type DenialKind, type FeedEvent } from './feed-event';
export { AuthorizationServerClient } from './authorization-server.client';
export { RemoteAccessTokenVerifier } from './remote-access-token.verifier';
export { RemoteRevocationFeed, type FeedState, type FeedStatus } from './remote-revocation-feed';
export { ResourceServerGuard, ScopesGuard } from './resource-server.guard';
export { ResourceServerModule } from './resource-server.module';
export { RESOURCE_SERVER_OPTIONS, type ResourceServerAsyncOptions, type ResourceServerOptions } from './resource-server.options';
export { missingScopes, RequireScopes, REQUIRED_SCOPES } from './scopes';
export { DEFAULT_ACCESS_TOKEN_ALGORITHMS, REQUIRED_CLAIMS, verifyAccessToken, type AccessTokenChecks } from './verify-access-token';
