import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DenyListService } from './deny-list.service';
import { Revocation } from './revocation.entity';
import { RevocationLogService } from './revocation-log.service';

/** Denials of access tokens: the durable log, each instance's in-memory deny set, and the feed. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Revocation])],
  providers: [RevocationLogService, DenyListService],
  exports: [RevocationLogService, DenyListService],
})
export class RevocationModule {}
