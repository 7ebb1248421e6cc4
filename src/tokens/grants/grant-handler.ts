import type { AuthenticatedClient } from '../../clients/authenticated-client';
import type { TokenParams } from './token-params';

/** Where a token request came from, for security events. */
export interface GrantContext {
  readonly ip?: string;
}

/** What a grant decided to issue; the endpoint signs the access token and shapes the JSON. */
export interface TokenGrantResult {
  /** The user id, or the client id for client credentials. */
  readonly subject: string;
  readonly scopes: readonly string[];
  /** RFC 8707: the resource the access token is for, its `aud`; ACCESS_TOKEN_AUDIENCE when absent. */
  readonly audience?: string;
  readonly sid?: string;
  readonly authTime?: Date;
  readonly refreshToken?: string;
  /** OIDC: the sign-in session (its public `sid`) behind a user's grant. */
  readonly sessionId?: string;
  /** OIDC: the authorization request's `nonce`, for the ID token of a code exchange. */
  readonly nonce?: string;
}

/**
 * One grant type (RFC 6749 §4). To add one: write a class implementing this interface and
 * add it to the `inject` list of the `GRANT_HANDLERS` provider in tokens.module.ts. Client
 * registration and discovery's `grant_types_supported` follow the registry by themselves.
 */
export interface GrantHandler {
  readonly grantType: string;
  /** Validates the grant, changes state atomically, returns what to issue. */
  handle(params: TokenParams, client: AuthenticatedClient, context: GrantContext): Promise<TokenGrantResult>;
}

/** DI token of the `Map<grant_type, GrantHandler>` the token endpoint dispatches on. */
export const GRANT_HANDLERS = Symbol('GRANT_HANDLERS');

/**
 * DI token (provided by the admin module) of the grant types the registry serves, in its order:
 * the list client registration accepts; discovery publishes the same `supportedGrantTypes`.
 */
export const SUPPORTED_GRANT_TYPES = Symbol('SUPPORTED_GRANT_TYPES');

export function supportedGrantTypes(handlers: ReadonlyMap<string, GrantHandler>): readonly string[] {
  return [...handlers.keys()];
}

export function grantHandlerMap(...handlers: GrantHandler[]): Map<string, GrantHandler> {
  return new Map(handlers.map((handler) => [handler.grantType, handler]));
}
