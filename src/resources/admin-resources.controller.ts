import { Body, ConflictException, Controller, Delete, Get, HttpCode, NotFoundException, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse } from '@nestjs/swagger';
import { AdminApi } from '../admin/admin-api.decorator';
import { invalidBody } from '../admin/admin-validation.pipe';
import { ClientsService } from '../clients/clients.service';
import { ListClientsQuery } from '../clients/dto/list-clients.query';
import { Clock } from '../common/clock';
import { RandomSource } from '../common/crypto/random';
import { isServerScope } from '../common/scopes';
import { AppConfig } from '../config/app-config';
import { CreateResourceDto, ResourcePage, ResourceResponse, ScopeDto, UpdateResourceDto } from './dto/resource.dto';
import { ResourceRegistry } from './resource-registry';
import { RegisteredResource, RegistryConflict, ResourcesRepository } from './resources.repository';

/** Registration of resource servers and their scopes (RFC 8707). */
@AdminApi('admin: resources')
@ApiBadRequestResponse({ description: 'Invalid body or query: `message` lists each bad field' })
@Controller('admin/resources')
export class AdminResourcesController {
  constructor(
    private readonly resources: ResourcesRepository,
    private readonly registry: ResourceRegistry,
    private readonly clients: ClientsService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    private readonly random: RandomSource,
  ) {}

  @Post()
  @ApiCreatedResponse({ type: ResourceResponse })
  @ApiConflictResponse({ description: 'The identifier, or a scope name, belongs to another resource' })
  async create(@Body() body: CreateResourceDto): Promise<ResourceResponse> {
    this.assertValid(body);
    const now = this.clock.now();
    const id = this.random.id();
    const resource = { id, identifier: body.identifier, name: body.name, accessTokenTtlSeconds: body.access_token_ttl ?? null, createdAt: now, updatedAt: now };
    await conflictsAs409(this.resources.create(resource, body.scopes));
    return ResourceResponse.from(await this.current(id));
  }

  @Get()
  @ApiOkResponse({ type: ResourcePage })
  async list(@Query() query: ListClientsQuery): Promise<ResourcePage> {
    const { resources } = await this.resources.loadAll();
    const items = resources.slice(query.offset, query.offset + query.limit).map((resource) => ResourceResponse.from(resource));
    return { items, total: resources.length, offset: query.offset, limit: query.limit };
  }

  @Get(':id')
  @ApiOkResponse({ type: ResourceResponse })
  @ApiNotFoundResponse()
  async findOne(@Param('id') id: string): Promise<ResourceResponse> {
    return ResourceResponse.from(await this.existing(id));
  }

  @Patch(':id')
  @ApiOkResponse({ type: ResourceResponse })
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'A scope name is taken, or a removed scope is still registered to clients' })
  async update(@Param('id') id: string, @Body() body: UpdateResourceDto): Promise<ResourceResponse> {
    this.assertValid(body);
    const existing = await this.existing(id);
    if (body.scopes) {
      const kept = new Set(body.scopes.map((scope) => scope.name));
      await this.refuseWhileUsed(existing.scopes.map((scope) => scope.name).filter((name) => !kept.has(name)), 'remove');
    }
    const changes = {
      ...(body.identifier !== undefined ? { identifier: body.identifier } : {}),
      ...(body.name !== undefined ? { name: body.name } : {}),
      ...(body.access_token_ttl !== undefined ? { accessTokenTtlSeconds: body.access_token_ttl } : {}),
      updatedAt: this.clock.now(),
    };
    if (!(await conflictsAs409(this.resources.update(id, changes, body.scopes)))) throw resourceNotFound(id);
    return ResourceResponse.from(await this.current(id));
  }

  /**
   * Refused while any client is registered with one of its scopes: removing a scope from a
   * live client silently would change what that client can do. Update or delete those first.
   */
  @Delete(':id')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  @ApiConflictResponse({ description: 'Clients are still registered with its scopes; the answer names them' })
  async remove(@Param('id') id: string): Promise<void> {
    const existing = await this.existing(id);
    await this.refuseWhileUsed(existing.scopes.map((scope) => scope.name), 'delete');
    if (!(await this.resources.delete(id))) throw resourceNotFound(id);
    await this.registry.reload();
  }

  /** Rules a DTO cannot state: across fields, or against the configuration. */
  private assertValid(body: { scopes?: ScopeDto[]; access_token_ttl?: number | null }): void {
    const problems: string[] = [];
    const names = (body.scopes ?? []).map((scope) => scope.name);
    const repeated = names.filter((name, index) => names.indexOf(name) !== index);
    if (repeated.length) problems.push(`scopes repeats ${[...new Set(repeated)].join(', ')}`);
    const reserved = names.filter(isServerScope);
    if (reserved.length) problems.push(`scopes must not include the server's own scopes: ${reserved.join(', ')}`);
    // Denials and key retirement are sized by ACCESS_TOKEN_TTL: no token may outlive them.
    if (body.access_token_ttl != null && body.access_token_ttl > this.config.accessTokenTtlSeconds) {
      problems.push(`access_token_ttl must be at most ACCESS_TOKEN_TTL (${this.config.accessTokenTtlSeconds})`);
    }
    if (problems.length) throw invalidBody(problems);
  }

  private async refuseWhileUsed(scopes: string[], action: 'delete' | 'remove'): Promise<void> {
    if (scopes.length === 0) return;
    const users = await this.clients.registeredWithAnyScope(scopes);
    if (users.length === 0) return;
    const named = users.map((client) => `${client.clientId} (${client.clientName})`).join(', ');
    const what = action === 'delete' ? 'the resource' : 'these scopes';
    throw new ConflictException(`clients still use ${scopes.filter((scope) => users.some((client) => client.scopes.includes(scope))).join(', ')}: ${named}; change or delete them before you ${action} ${what}`);
  }

  /** The stored resource after a write, and this instance's registry brought up to date. */
  private async current(id: string): Promise<RegisteredResource> {
    await this.registry.reload();
    return this.existing(id);
  }

  private async existing(id: string): Promise<RegisteredResource> {
    const { resources } = await this.resources.loadAll();
    const resource = resources.find((candidate) => candidate.id === id);
    if (!resource) throw resourceNotFound(id);
    return resource;
  }
}

async function conflictsAs409<T>(write: Promise<T>): Promise<T> {
  try {
    return await write;
  } catch (error) {
    if (error instanceof RegistryConflict) throw new ConflictException(error.what);
    throw error;
  }
}

function resourceNotFound(id: string): NotFoundException {
  return new NotFoundException(`no resource ${id}`);
}
