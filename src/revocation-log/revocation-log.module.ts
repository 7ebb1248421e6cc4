import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module';
import { DenyListService } from './deny-list.service';
import { Revocation } from './revocation.entity';
import { RevocationFeedController } from './revocation-feed.controller';
import { RevocationFeedService } from './revocation-feed.service';
import { RevocationLogService } from './revocation-log.service';
import { RevocationsRepository } from './revocations.repository';

/** Denials of access tokens: the durable log, each instance's in-memory deny set, and the feed. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Revocation]), ClientsModule],
  controllers: [RevocationFeedController],
  providers: [RevocationLogService, RevocationsRepository, DenyListService, RevocationFeedService],
  exports: [RevocationLogService, DenyListService, RevocationFeedService],
})
export class RevocationLogModule {}
