import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthenticatedClient } from '../clients/authenticated-client';
import type { ClientAuthenticator } from '../clients/client-authenticator';
import { TokenParams } from './grants/token-params';

/** What the token, revocation and introspection endpoints all start from. */
export interface ClientRequest {
  params: TokenParams;
  client: AuthenticatedClient;
}

/**
 * Marks the answer uncacheable before anything can fail (RFC 6749 §5.1), reads the form and
 * authenticates the client: `invalid_request` for a bad form, `401 invalid_client` for bad
 * credentials.
 */
export async function readClientRequest(authenticator: ClientAuthenticator, req: FastifyRequest, res: FastifyReply): Promise<ClientRequest> {
  res.header('Cache-Control', 'no-store');
  res.header('Pragma', 'no-cache');
  const params = TokenParams.fromRequest(req);
  const client = await authenticator.authenticate({ authorization: req.headers.authorization, body: params.asBody(), ip: req.ip });
  return { params, client };
}
