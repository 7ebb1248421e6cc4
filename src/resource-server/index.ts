export { RequireScopes, ScopesGuard } from '../resource/scopes';
export type { AccessTokenClaims } from '../resource/access-token-claims';
export type { AuthenticatedRequest } from '../resource/jwt-auth.guard';
export { RemoteAccessTokenVerifier } from './remote-access-token.verifier';
export { RemoteRevocationFeed, type FeedStatus } from './remote-revocation-feed';
export { ResourceServerGuard } from './resource-server.guard';
export { RevocationFeedHealthIndicator } from './resource-server.health';
export { ResourceServerModule } from './resource-server.module';
export type { ResourceServerOptions } from './resource-server.options';
