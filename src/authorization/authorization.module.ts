import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ClientsModule } from '../clients/clients.module';
import { OidcModule } from '../oidc/oidc.module';
import { TokensModule } from '../tokens/tokens.module';
import { UsersModule } from '../users/users.module';
import { EndSessionService } from './end-session.service';
import { SessionEnder } from './session-ender';
import { SessionExpiryJob } from './session-expiry.job';
import { AuthorizationRequest } from './authorization-request.entity';
import { AuthorizationRequestsRepository } from './authorization-requests.repository';
import { AuthorizeFlow } from './authorize-flow';
import { AuthorizeController } from './authorize.controller';
import { Consent } from './consent.entity';
import { ConsentsRepository } from './consents.repository';
import { LoginFailure } from './login-failure.entity';
import { LoginFailuresRepository } from './login-failures.repository';
import { LoginThrottle } from './login-throttle';
import { CodeIssuer } from './codes/code-issuer';
import { ConsentStep } from './consent/consent-step';
import { PendingRequests } from './requests/pending-requests';
import { BrowserSessions } from './sessions/browser-sessions';
import { SignInForm } from './sessions/sign-in-form';
import { SessionsRepository } from './sessions.repository';
import { UserSession } from './user-session.entity';

/** The authorization endpoint, the sign-in and consent pages and sessions; codes are issued through the tokens module. */
@Module({
  imports: [
    TypeOrmModule.forFeature([AuthorizationRequest, UserSession, Consent, LoginFailure]),
    ClientsModule,
    UsersModule,
    TokensModule,
    OidcModule,
  ],
  controllers: [AuthorizeController],
  providers: [
    AuthorizeFlow,
    PendingRequests,
    BrowserSessions,
    SignInForm,
    ConsentStep,
    CodeIssuer,
    AuthorizationRequestsRepository,
    SessionsRepository,
    ConsentsRepository,
    LoginThrottle,
    LoginFailuresRepository,
    SessionEnder,
    SessionExpiryJob,
    EndSessionService,
  ],
  exports: [SessionEnder],
})
export class AuthorizationModule {}
