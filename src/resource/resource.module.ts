import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { TokensModule } from '../tokens/tokens.module';
import { AccessTokenVerifier } from './access-token-verifier';
import { JwtAuthGuard } from './jwt-auth.guard';
import { JwtStrategy } from './jwt.strategy';
import { MeController } from './me.controller';
import { Note } from './note.entity';
import { NotesController } from './notes.controller';
import { NotesService } from './notes.service';
import { ScopesGuard } from './scopes';

/** The protected resource API: bearer-token guards, scopes, `/api/me` and the notes demo. */
@Module({
  imports: [TokensModule, TypeOrmModule.forFeature([Note])],
  controllers: [MeController, NotesController],
  providers: [AccessTokenVerifier, JwtStrategy, JwtAuthGuard, ScopesGuard, NotesService],
  exports: [AccessTokenVerifier, JwtStrategy, JwtAuthGuard, ScopesGuard],
})
export class ResourceModule {}
