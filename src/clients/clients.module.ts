import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { Client } from './client.entity';
import { ClientAuthenticator } from './client-authenticator';
import { ClientsService } from './clients.service';

@Module({
  imports: [TypeOrmModule.forFeature([Client])],
  providers: [ClientsService, ClientAuthenticator],
  exports: [ClientsService, ClientAuthenticator],
})
export class ClientsModule {}
