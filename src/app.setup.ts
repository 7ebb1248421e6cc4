import { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import cookieParser from 'cookie-parser';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';

/** The HTTP pipeline, shared by `main.ts` and the e2e tests so that both run the same server. */
export function configureApp(app: INestApplication): void {
  const express = app as NestExpressApplication;
  express.useLogger(app.get(Logger));
  express.disable('x-powered-by');
  // JSON and form bodies up to 100 kB; beyond that body-parser answers 413.
  express.useBodyParser('json', { limit: '100kb' });
  express.useBodyParser('urlencoded', { limit: '100kb', extended: false });
  app.use(helmet());
  app.use(cookieParser());
  app.enableShutdownHooks();
}
