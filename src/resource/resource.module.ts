import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TokensModule } from '../tokens/tokens.module';
import { AccessTokenVerifier } from './access-token-verifier';
import { AccessTokenStrategy } from './access-token.strategy';
import { JwtAuthGuard } from './jwt-auth.guard';
import { MeController } from './me.controller';
import { Note } from './note.entity';
import { NotesController } from './notes.controller';
import { NotesRepository } from './notes.repository';
import { NotesService } from './notes.service';
import { ProtectedResourceMetadataController } from './protected-resource-metadata.controller';

/** The protected resource API: the bearer guard (passport-jwt over the local verifier), `/api/me` and the notes demo. */
@Module({
  imports: [TokensModule, TypeOrmModule.forFeature([Note])],
  controllers: [MeController, NotesController, ProtectedResourceMetadataController],
  providers: [AccessTokenVerifier, AccessTokenStrategy, JwtAuthGuard, NotesService, NotesRepository],
  exports: [AccessTokenVerifier, AccessTokenStrategy, JwtAuthGuard],
})
export class ResourceModule {}
