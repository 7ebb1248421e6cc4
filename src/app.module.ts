import { DynamicModule, Module } from '@nestjs/common';
import { APP_FILTER } from '@nestjs/core';
import { LoggerModule } from 'nestjs-pino';
import { AdminModule } from './admin/admin.module';
import { AuthorizationModule } from './authorization/authorization.module';
import { ClientsModule } from './clients/clients.module';
import { CommonModule } from './common/common.module';
import { OAuthErrorFilter } from './common/errors/oauth-error.filter';
import { AppConfig, loadConfig } from './config/app-config';
import { AppConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { serverLoggerParams } from './logging/logger-options';
import { OperationsModule } from './operations/operations.module';
import { RegistrationModule } from './registration/registration.module';
import { ResourceModule } from './resource/resource.module';
import { ResourcesModule } from './resources/resources.module';
import { RevocationLogModule } from './revocation-log/revocation-log.module';
import { ThrottlingModule } from './throttling/throttling.module';
import { TokensModule } from './tokens/tokens.module';
import { UsersModule } from './users/users.module';

@Module({})
export class AppModule {
  /** The whole server for one configuration; `main.ts` and the e2e tests both build it here. */
  static forRoot(config: AppConfig = loadConfig(process.env)): DynamicModule {
    return {
      module: AppModule,
      imports: [
        AppConfigModule.forRoot(config),
        LoggerModule.forRootAsync({ useFactory: () => serverLoggerParams(config) }),
        CommonModule,
        DatabaseModule,
        RevocationLogModule,
        ThrottlingModule,
        ClientsModule,
        ResourcesModule,
        UsersModule,
        AuthorizationModule,
        TokensModule,
        ResourceModule,
        OperationsModule,
        AdminModule,
        RegistrationModule,
      ],
      providers: [{ provide: APP_FILTER, useClass: OAuthErrorFilter }],
    };
  }
}
