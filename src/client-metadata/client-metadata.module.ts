import { Module } from '@nestjs/common';
import { ClientMetadataResolver } from './client-metadata.resolver';
import { FetchLimits, GuardedFetch } from './guarded-fetch';
import { HostResolver, SystemHostResolver } from './host-resolver';

/** Client ID Metadata Documents: the SSRF-guarded fetch and the clients it yields. */
@Module({
  providers: [ClientMetadataResolver, GuardedFetch, FetchLimits, { provide: HostResolver, useClass: SystemHostResolver }],
  exports: [ClientMetadataResolver],
})
export class ClientMetadataModule {}
