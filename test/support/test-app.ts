import { INestApplication, ModuleMetadata } from '@nestjs/common';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { randomBytes } from 'node:crypto';
import { Client as PgClient } from 'pg';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { freePort } from '../../demo/free-port';
import { AppModule } from '../../src/app.module';
import { configureApp, createHttpAdapter } from '../../src/app.setup';
import { Clock, FixedClock } from '../../src/common/clock';
import { AppConfig, loadConfig } from '../../src/config/app-config';

export const ADMIN_KEY = 'test-admin-key-0123456789abcdef';

/** `describe.each(databases)`: sqlite always, PostgreSQL when TEST_POSTGRES_URL is set. */
export const databases: Array<[name: string, databaseUrl: string]> = [
  ['sqlite', 'sqlite::memory:'],
  ...(process.env.TEST_POSTGRES_URL ? [['postgres', process.env.TEST_POSTGRES_URL] as [string, string]] : []),
];

export interface TestAppOptions {
  /** Defaults to an in-memory sqlite database. */
  databaseUrl?: string;
  /** Extra environment variables, as an operator would set them. */
  env?: Record<string, string>;
  /** Inject a FixedClock to move time without sleeping. */
  clock?: FixedClock;
  /** Adjust providers before the app compiles. */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /** Serve on a real port on 127.0.0.1 (browser tests, second instances, remote modules). */
  listen?: boolean;
  /** Modules a host application adds beside the server's own (a team's passport strategy, say). */
  imports?: ModuleMetadata['imports'];
}

export interface TestApp {
  app: NestFastifyApplication;
  config: AppConfig;
  /** A fresh supertest agent on the app. */
  http: () => TestAgent;
  /** The base URL when started with `listen: true`. */
  baseUrl?: string;
  /** The DATABASE_URL this app uses; pass it to a second instance to share the store. */
  databaseUrl: string;
  get<T>(token: abstract new (...args: never[]) => T): T;
  close(): Promise<void>;
}

/**
 * Boots the real AppModule against a real database. On PostgreSQL each app gets a schema of
 * its own (dropped on close) unless its URL already names one, so tests never see each
 * other's rows while two instances can still share one store.
 */
export async function createTestApp(options: TestAppOptions = {}): Promise<TestApp> {
  const { url: databaseUrl, ownSchema } = await isolate(options.databaseUrl ?? 'sqlite::memory:');
  const port = String(options.listen ? await freePort() : 3000);
  const config = loadConfig({
    ADMIN_API_KEY: ADMIN_KEY,
    LOG_LEVEL: 'silent',
    PORT: port,
    ...(options.listen ? { ISSUER: `http://127.0.0.1:${port}` } : {}),
    ...options.env,
    DATABASE_URL: databaseUrl,
  });
  let builder = Test.createTestingModule({ imports: [AppModule.forRoot(config), ...(options.imports ?? [])] });
  if (options.clock) builder = builder.overrideProvider(Clock).useValue(options.clock);
  if (options.override) builder = options.override(builder);
  const moduleRef = await builder.compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(createHttpAdapter(config), { bodyParser: false, logger: false });
  await configureApp(app);
  let baseUrl: string | undefined;
  if (options.listen) {
    await app.listen(Number(port), '127.0.0.1');
    baseUrl = `http://127.0.0.1:${port}`;
  } else {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  }
  return {
    app,
    config,
    baseUrl,
    databaseUrl,
    http: () => request(app.getHttpServer()),
    get: (token) => app.get(token as never),
    close: async () => {
      await app.close();
      if (ownSchema) await dropSchema(databaseUrl, ownSchema);
    },
  };
}

async function isolate(databaseUrl: string): Promise<{ url: string; ownSchema?: string }> {
  if (!databaseUrl.startsWith('postgres')) return { url: databaseUrl };
  const url = new URL(databaseUrl);
  if (url.searchParams.has('schema')) return { url: databaseUrl };
  const schema = `test_${randomBytes(6).toString('hex')}`;
  url.searchParams.set('schema', schema);
  return { url: url.toString(), ownSchema: schema };
}

async function dropSchema(databaseUrl: string, schema: string): Promise<void> {
  const url = new URL(databaseUrl);
  url.searchParams.delete('schema');
  const client = new PgClient({ connectionString: url.toString() });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

/** A free TCP port on 127.0.0.1, outside the range the kernel hands out by itself (see free-port.ts). */
export { freePort };

export type { INestApplication };
