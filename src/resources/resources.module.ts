import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module';
import { AdminResourcesController } from './admin-resources.controller';
import { Resource, ResourceRegistryVersion, ResourceScope } from './resource.entity';
import { ResourceRegistry } from './resource-registry';
import { ResourcesRepository } from './resources.repository';
import { ResourceTargets } from './resource-targets';

/**
 * The registry of resource servers and their scopes (RFC 8707). Global: client registration,
 * discovery, the consent page and the token endpoint all read `ResourceRegistry`.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Resource, ResourceScope, ResourceRegistryVersion]), ClientsModule],
  controllers: [AdminResourcesController],
  providers: [ResourcesRepository, ResourceRegistry, ResourceTargets],
  exports: [ResourceRegistry, ResourceTargets],
})
export class ResourcesModule {}
