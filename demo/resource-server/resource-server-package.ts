// The one place the demo takes the resource-server module from: repoint this line when the
// module is installed as a package.
export {
  RemoteRevocationFeed,
  RequireScopes,
  ResourceServerGuard,
  ResourceServerModule,
  ScopesGuard,
  type AuthenticatedRequest,
  type FeedStatus,
} from '../../src/resource-server';
