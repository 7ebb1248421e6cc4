import {
  Body,
  ConflictException,
  Controller,
  Delete,
  Get,
  Header,
  HttpCode,
  NotFoundException,
  Param,
  Patch,
  Post,
  Query,
} from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { AccessRevoker } from '../admin/access-revoker';
import { AdminApi } from '../admin/admin-api.decorator';
import { invalidBody } from '../admin/admin-validation.pipe';
import type { Client } from './client.entity';
import { parseScope } from '../common/scopes';
import { ResourceRegistry } from '../resources/resource-registry';
import { clientMetadataProblems, defaultResponseTypes } from './client-metadata.rules';
import { ClientMetadata, ClientsService } from './clients.service';
import { ClientPage, ClientResponse, ClientWithSecretResponse } from './dto/client.response';
import { CreateClientDto } from './dto/create-client.dto';
import { ListClientsQuery } from './dto/list-clients.query';
import { RotateSecretDto } from './dto/rotate-secret.dto';
import { UpdateClientDto } from './dto/update-client.dto';

/** Registration and lifecycle of OAuth clients (RFC 7591 metadata names). */
@AdminApi('admin: clients')
@ApiBadRequestResponse({ description: 'Invalid body or query: `message` lists each bad field' })
@Controller('admin/clients')
export class AdminClientsController {
  constructor(
    private readonly clients: ClientsService,
    private readonly access: AccessRevoker,
    private readonly registry: ResourceRegistry,
  ) {}

  @Post()
  @Header('Cache-Control', 'no-store')
  @ApiCreatedResponse({ type: ClientWithSecretResponse, description: 'client_secret is shown this once' })
  async create(@Body() body: CreateClientDto): Promise<ClientWithSecretResponse> {
    const metadata: ClientMetadata = {
      clientName: body.client_name,
      redirectUris: body.redirect_uris ?? [],
      grantTypes: body.grant_types ?? ['authorization_code'],
      scope: body.scope,
      tokenEndpointAuthMethod: body.token_endpoint_auth_method ?? 'client_secret_basic',
      skipConsent: body.skip_consent ?? false,
      responseTypes: body.response_types ?? defaultResponseTypes(body.grant_types ?? ['authorization_code']),
      postLogoutRedirectUris: body.post_logout_redirect_uris ?? [],
      backchannelLogoutUri: body.backchannel_logout_uri ?? null,
      backchannelLogoutSessionRequired: body.backchannel_logout_session_required ?? false,
      clientUri: body.client_uri ?? null,
      logoUri: body.logo_uri ?? null,
      policyUri: body.policy_uri ?? null,
      tosUri: body.tos_uri ?? null,
      contacts: body.contacts ?? [],
    };
    assertCoherent(metadata);
    this.assertScopesExist(metadata.scope);
    const { client, clientSecret } = await this.clients.create(metadata);
    return ClientWithSecretResponse.withSecret(client, clientSecret);
  }

  @Get()
  @ApiOkResponse({ type: ClientPage })
  async list(@Query() query: ListClientsQuery): Promise<ClientPage> {
    const { items, total } = await this.clients.list(query.offset, query.limit);
    return { items: items.map((client) => ClientResponse.from(client)), total, offset: query.offset, limit: query.limit };
  }

  @Get(':client_id')
  @ApiOkResponse({ type: ClientResponse })
  @ApiNotFoundResponse()
  async findOne(@Param('client_id') clientId: string): Promise<ClientResponse> {
    return ClientResponse.from(await this.existing(clientId));
  }

  @Patch(':client_id')
  @ApiOkResponse({ type: ClientResponse })
  @ApiNotFoundResponse()
  async update(@Param('client_id') clientId: string, @Body() body: UpdateClientDto): Promise<ClientResponse> {
    const client = await this.existing(clientId);
    const changes: Partial<ClientMetadata> = dropUndefined({
      clientName: body.client_name,
      redirectUris: body.redirect_uris,
      grantTypes: body.grant_types,
      scope: body.scope,
      tokenEndpointAuthMethod: body.token_endpoint_auth_method,
      skipConsent: body.skip_consent,
      // A change of grants without response_types takes their default (RFC 7591 §2.1).
      responseTypes: body.response_types ?? (body.grant_types ? defaultResponseTypes(body.grant_types) : undefined),
      postLogoutRedirectUris: body.post_logout_redirect_uris,
      backchannelLogoutUri: body.backchannel_logout_uri,
      backchannelLogoutSessionRequired: body.backchannel_logout_session_required,
      clientUri: body.client_uri,
      logoUri: body.logo_uri,
      policyUri: body.policy_uri,
      tosUri: body.tos_uri,
      contacts: body.contacts,
    });
    const merged = { ...metadataOf(client), ...changes };
    if ((merged.tokenEndpointAuthMethod === 'none') !== (client.tokenEndpointAuthMethod === 'none')) {
      // A public client has no secret to keep and a confidential one must have one: register anew.
      throw invalidBody(['token_endpoint_auth_method cannot switch between public (none) and confidential']);
    }
    assertCoherent(merged);
    this.assertScopesExist(merged.scope);
    const updated = await this.clients.update(clientId, changes);
    if (!updated) throw clientNotFound(clientId);
    return ClientResponse.from(updated);
  }

  /** Deletes the client after revoking every token it holds, so none outlives it. */
  @Delete(':client_id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  async remove(@Param('client_id') clientId: string): Promise<void> {
    await this.existing(clientId);
    await this.access.revokeClient(clientId, 'client_deleted');
    if (!(await this.clients.delete(clientId))) throw clientNotFound(clientId);
  }

  @Post(':client_id/secret')
  @HttpCode(200)
  @Header('Cache-Control', 'no-store')
  @ApiOkResponse({ type: ClientWithSecretResponse, description: 'The new client_secret, shown this once' })
  @ApiNotFoundResponse()
  @ApiBadRequestResponse({ description: 'A public client has no secret to rotate' })
  @ApiConflictResponse({ description: 'Another rotation of the same client won the race' })
  async rotateSecret(@Param('client_id') clientId: string, @Body() body: RotateSecretDto): Promise<ClientWithSecretResponse> {
    const client = await this.existing(clientId);
    if (!client.isConfidential) {
      throw invalidBody(['a public client has no secret to rotate']);
    }
    const rotated = await this.clients.rotateSecret(clientId, body.overlap_seconds);
    if (!rotated) throw clientNotFound(clientId);
    if (rotated === 'conflict') throw new ConflictException('the secret was rotated by another request at the same time; try again');
    return ClientWithSecretResponse.withSecret(rotated.client, rotated.clientSecret);
  }

  /** A client may be registered only with scopes that exist: the server's own or a registered resource's. */
  private assertScopesExist(scope: string): void {
    const unknown = parseScope(scope).filter((token) => !this.registry.isKnownScope(token));
    if (unknown.length > 0) throw invalidBody([`scope has unknown scopes: ${unknown.join(', ')} (register them with a resource first)`]);
  }

  private async existing(clientId: string): Promise<Client> {
    const client = await this.clients.findById(clientId);
    if (!client) throw clientNotFound(clientId);
    return client;
  }
}

function metadataOf(client: Client): ClientMetadata {
  return {
    clientName: client.clientName,
    redirectUris: client.redirectUris,
    grantTypes: client.grantTypes,
    scope: client.scope,
    tokenEndpointAuthMethod: client.tokenEndpointAuthMethod,
    skipConsent: client.skipConsent,
    responseTypes: client.responseTypes ?? defaultResponseTypes(client.grantTypes),
    postLogoutRedirectUris: client.postLogoutRedirectUris ?? [],
    backchannelLogoutUri: client.backchannelLogoutUri,
    backchannelLogoutSessionRequired: client.backchannelLogoutSessionRequired,
    clientUri: client.clientUri,
    logoUri: client.logoUri,
    policyUri: client.policyUri,
    tosUri: client.tosUri,
    contacts: client.contacts ?? [],
  };
}

function assertCoherent(metadata: ClientMetadata): void {
  const problems = clientMetadataProblems(metadata);
  if (problems.length > 0) throw invalidBody(problems);
}

function clientNotFound(clientId: string): NotFoundException {
  return new NotFoundException(`no client ${clientId}`);
}

function dropUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
