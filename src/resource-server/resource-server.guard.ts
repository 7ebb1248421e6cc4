import { Injectable } from '@nestjs/common';
import { BearerAuthGuard } from '../resource/jwt-auth.guard';
import { BearerJwtStrategy } from '../resource/jwt.strategy';
import { RemoteAccessTokenVerifier } from './remote-access-token.verifier';

/** passport-jwt over the remote verifier. */
@Injectable()
export class RemoteJwtStrategy extends BearerJwtStrategy {
  constructor(verifier: RemoteAccessTokenVerifier) {
    super(verifier);
  }
}

/** Protects a route with the authorization server's access tokens: `@UseGuards(ResourceServerGuard, ScopesGuard)`. */
@Injectable()
export class ResourceServerGuard extends BearerAuthGuard {
  constructor(strategy: RemoteJwtStrategy) {
    super(strategy);
  }
}
