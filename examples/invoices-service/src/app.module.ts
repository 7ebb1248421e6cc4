import { Module } from '@nestjs/common';
import { ResourceServerModule } from '@nest-oauth/resource-server';
import { InvoicesController } from './invoices.controller';

/** Everything the service needs to trust the authorization server comes from its environment. */
@Module({
  imports: [
    ResourceServerModule.forRootAsync({
      useFactory: () => ({
        issuer: required('ISSUER'),
        audience: required('AUDIENCE'),
        clientId: required('CLIENT_ID'),
        clientSecret: required('CLIENT_SECRET'),
        resourceName: 'Invoices API',
      }),
    }),
  ],
  controllers: [InvoicesController],
})
export class AppModule {}

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}
