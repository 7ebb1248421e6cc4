import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AuthFailure } from './auth-failure.entity';
import { AuthFailuresRepository } from './auth-failures.repository';
import { CredentialThrottle } from './credential-throttle';

/** Throttling of failed client authentications and admin keys; global, like the guards that use it. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([AuthFailure])],
  providers: [AuthFailuresRepository, CredentialThrottle],
  exports: [CredentialThrottle],
})
export class ThrottlingModule {}
