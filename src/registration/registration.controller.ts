import { Body, Controller, Delete, Get, Headers, HttpCode, Inject, Ip, Param, Post, Put, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { AccessRevoker } from '../admin/access-revoker';
import { Clock } from '../common/clock';
import { constantTimeEqual, sha256 } from '../common/crypto/hashing';
import { RandomSource } from '../common/crypto/random';
import { OAuthError } from '../common/errors/oauth-error';
import { AppConfig } from '../config/app-config';
import type { Client } from '../clients/client.entity';
import { ClientsService } from '../clients/clients.service';
import { ClientResponse } from '../clients/dto/client.response';
import { ResourceRegistry } from '../resources/resource-registry';
import { SUPPORTED_GRANT_TYPES } from '../tokens/grants/grant-handler';
import { CredentialThrottle } from '../throttling/credential-throttle';
import { InitialAccessTokensRepository } from './initial-access-tokens.repository';
import { registrationToMetadata } from './registration-policy';

const BAD_TOKEN = 'the registration access token is missing, wrong, or no longer valid';

/** RFC 6750 §2.1 bearer token from the Authorization header. */
function bearer(authorization: string | undefined): string | undefined {
  return /^Bearer\s+([A-Za-z0-9._~+/-]+=*)\s*$/i.exec(authorization ?? '')?.[1];
}

/**
 * Dynamic client registration (RFC 7591) and its management protocol (RFC 7592):
 * `POST /register`, then `GET|PUT|DELETE /register/:client_id` with the registration access
 * token the registration answered. Off unless DYNAMIC_REGISTRATION says `open` or `token`.
 */
@ApiExcludeController()
@Controller('register')
export class RegistrationController {
  constructor(
    private readonly config: AppConfig,
    private readonly clients: ClientsService,
    private readonly registry: ResourceRegistry,
    private readonly initialTokens: InitialAccessTokensRepository,
    private readonly throttle: CredentialThrottle,
    private readonly access: AccessRevoker,
    private readonly random: RandomSource,
    private readonly clock: Clock,
    @Inject(SUPPORTED_GRANT_TYPES) private readonly supportedGrants: readonly string[],
  ) {}

  @Post()
  async register(@Body() body: unknown, @Headers('authorization') authorization: string | undefined, @Ip() ip: string, @Res({ passthrough: true }) res: FastifyReply): Promise<Record<string, unknown>> {
    this.refuseWhenOff();
    if (this.config.dynamicRegistration === 'token') {
      const token = bearer(authorization);
      if (!token || !(await this.initialTokens.use(sha256(token), this.clock.now()))) {
        throw new OAuthError('invalid_token', 'an initial access token is required to register', 'initial access token missing, unknown, spent or expired');
      }
    }
    const metadata = registrationToMetadata(body, (scope) => this.registry.isKnownScope(scope), this.supportedGrants);
    const tooMany = await this.throttle.registered(ip);
    if (tooMany) throw tooMany;
    const registrationAccessToken = this.random.token();
    const { client, clientSecret } = await this.clients.create(metadata, { registrationAccessTokenHash: sha256(registrationAccessToken) });
    res.status(201).header('Cache-Control', 'no-store');
    return { ...this.describe(client), ...(clientSecret ? { client_secret: clientSecret, client_secret_expires_at: 0 } : {}), registration_access_token: registrationAccessToken };
  }

  @Get(':client_id')
  async read(@Param('client_id') clientId: string, @Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) res: FastifyReply): Promise<Record<string, unknown>> {
    const client = await this.authorized(clientId, authorization);
    res.header('Cache-Control', 'no-store');
    return this.describe(client);
  }

  /** RFC 7592 §2.2: the request replaces the client's metadata; omitted fields take their defaults. */
  @Put(':client_id')
  async replace(@Param('client_id') clientId: string, @Body() body: unknown, @Headers('authorization') authorization: string | undefined, @Res({ passthrough: true }) res: FastifyReply): Promise<Record<string, unknown>> {
    const client = await this.authorized(clientId, authorization);
    const fields = (body && typeof body === 'object' ? body : {}) as Record<string, unknown>;
    if (fields.client_id !== undefined && fields.client_id !== clientId) throw new OAuthError('invalid_client_metadata', 'client_id must be the registered one');
    if (fields.client_secret !== undefined) throw new OAuthError('invalid_client_metadata', 'client_secret cannot be chosen by the client');
    const { client_id: _id, registration_access_token: _token, registration_client_uri: _uri, client_secret_expires_at: _expires, client_id_issued_at: _issued, ...rest } = fields;
    const metadata = registrationToMetadata(rest, (scope) => this.registry.isKnownScope(scope), this.supportedGrants);
    if (metadata.tokenEndpointAuthMethod !== client.tokenEndpointAuthMethod) {
      throw new OAuthError('invalid_client_metadata', 'token_endpoint_auth_method cannot change; register a new client instead');
    }
    const updated = await this.clients.update(clientId, metadata);
    if (!updated) throw new OAuthError('invalid_token', BAD_TOKEN);
    res.header('Cache-Control', 'no-store');
    return this.describe(updated);
  }

  @Delete(':client_id')
  @HttpCode(204)
  async remove(@Param('client_id') clientId: string, @Headers('authorization') authorization: string | undefined): Promise<void> {
    await this.authorized(clientId, authorization);
    await this.access.revokeClient(clientId, 'client_deleted');
    await this.clients.delete(clientId);
  }

  private refuseWhenOff(): void {
    if (this.config.dynamicRegistration === 'off') throw new OAuthError('invalid_request', 'dynamic client registration is not enabled');
  }

  /** The self-registered client the token belongs to; one answer for every failure (no oracle). */
  private async authorized(clientId: string, authorization: string | undefined): Promise<Client> {
    this.refuseWhenOff();
    const token = bearer(authorization);
    const client = token ? await this.clients.findById(clientId) : null;
    const expected = client?.registrationAccessTokenHash;
    if (!token || !client || !expected || !constantTimeEqual(sha256(token), expected)) {
      throw new OAuthError('invalid_token', BAD_TOKEN, `registration management of ${clientId.slice(0, 64)} refused`);
    }
    return client;
  }

  /** RFC 7591 §3.2.1 and RFC 7592 §3: the metadata, plus where and how to manage it. */
  private describe(client: Client): Record<string, unknown> {
    const { skip_consent: _skip, origin: _origin, updated_at: _updated, ...metadata } = ClientResponse.from(client);
    return { ...metadata, registration_client_uri: `${this.config.issuer}/register/${encodeURIComponent(client.clientId)}` };
  }
}
