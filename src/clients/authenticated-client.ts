import type { GrantType, TokenEndpointAuthMethod } from './client.entity';

/** What the token, introspection and revocation endpoints know of the client that called them. */
export interface AuthenticatedClient {
  readonly clientId: string;
  readonly clientName: string;
  readonly isConfidential: boolean;
  readonly authMethod: TokenEndpointAuthMethod;
  readonly grantTypes: readonly GrantType[];
  /** The scope tokens the client is registered for. */
  readonly scopes: readonly string[];
  readonly redirectUris: readonly string[];
}
