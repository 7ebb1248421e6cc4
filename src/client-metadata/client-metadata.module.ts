import { Module } from '@nestjs/common';
import { ClientKeySets } from './client-key-sets';
import { ClientMetadataResolver } from './client-metadata.resolver';
import { FetchLimits, GuardedFetch } from './guarded-fetch';
import { HostResolver, SystemHostResolver } from './host-resolver';

/** Client ID Metadata Documents: the SSRF-guarded fetch and the clients it yields. */
@Module({
  providers: [ClientMetadataResolver, ClientKeySets, GuardedFetch, FetchLimits, { provide: HostResolver, useClass: SystemHostResolver }],
  exports: [ClientMetadataResolver, ClientKeySets, GuardedFetch],
})
export class ClientMetadataModule {}
