import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { existsSync } from 'node:fs';
import type { Server } from 'node:http';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module';
import { configureApp, createHttpAdapter } from './app.setup';
import { flush } from './logging/log-destination';
import { AppConfig, ConfigError, loadConfig } from './config/app-config';

/** How long requests in flight may take to finish once a shutdown signal arrives. */
const SHUTDOWN_DRAIN_MS = 5000;

function readConfig(): AppConfig {
  // `.env` in the working directory, when there is one; a variable set in the real environment wins.
  if (existsSync('.env')) process.loadEnvFile('.env');
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      // One line naming the variable and what it takes; no stack trace.
      process.stderr.write(`Configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}

async function bootstrap(): Promise<void> {
  const config = readConfig();
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), createHttpAdapter(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  await configureApp(app);
  const logger = app.get(Logger);
  if (!config.adminApiKey) logger.warn('ADMIN_API_KEY is not set: the admin API refuses every key and admits only access tokens with scope admin');
  if (!config.keyEncryptionKey) {
    logger.warn(
      'KEY_ENCRYPTION_KEY is not set: the private signing keys and the refresh token key are stored in the database in plain text, ' +
        'so whoever reads it can sign tokens. Set it to 32 random bytes in base64url to encrypt them (NODE_ENV=production requires it)',
    );
  }
  closeGracefullyOnSignals(app, logger);
  await app.listen(config.port, config.host);
  logger.log(`listening on http://${config.host}:${config.port} as issuer ${config.issuer}`);
  // The log is written in batches: whoever starts the server sees these lines now.
  flush();
}

/**
 * SIGTERM or SIGINT: stop accepting connections and let the requests in flight finish, then
 * close the modules (streams, timers, the database last) and exit 0. Nest's own shutdown hooks
 * would close the database before the HTTP server, failing the requests still running.
 */
function closeGracefullyOnSignals(app: NestFastifyApplication, logger: Logger): void {
  let closing = false;
  const close = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    logger.log({ msg: 'shutting down', signal });
    flush();
    drain(app.getHttpServer() as Server, SHUTDOWN_DRAIN_MS)
      .then(() => app.close())
      .then(
        () => process.exit(0),
        (error: unknown) => {
          logger.error({ msg: 'shutdown failed', err: error instanceof Error ? error.message : String(error) });
          process.exit(1);
        },
      );
  };
  process.once('SIGTERM', close);
  process.once('SIGINT', close);
}

/** Closes the listener and idle keep-alive connections; busy ones get `timeoutMs` to finish. */
function drain(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    // A keep-alive connection turns idle once its response is out: close it then, not at its timeout.
    const sweep = setInterval(() => server.closeIdleConnections(), 50);
    // Long-lived streams (the revocation feed) never finish by themselves: cut them at the deadline.
    const deadline = setTimeout(() => server.closeAllConnections(), timeoutMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(deadline);
      resolve();
    });
    server.closeIdleConnections();
  });
}

void bootstrap();
