import { Module } from '@nestjs/common';
import { TokensModule } from '../tokens/tokens.module';
import { AccessTokenVerifier } from './access-token-verifier';

/** The protected resource API: bearer-token guards, scopes, `/api/me` and the notes demo. */
@Module({
  imports: [TokensModule],
  providers: [AccessTokenVerifier],
  exports: [AccessTokenVerifier],
})
export class ResourceModule {}
