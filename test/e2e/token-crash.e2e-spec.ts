import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { parseDatabaseUrl } from '../../src/config/app-config';
import { dataSourceOptions } from '../../src/database/data-source-options';
import { RefreshToken } from '../../src/tokens/refresh-tokens/refresh-token.entity';
import { decodeRefreshToken } from '../../src/tokens/refresh-tokens/refresh-token-codec';
import { TokenFamily } from '../../src/tokens/refresh-tokens/token-family.entity';
import { createParty, introspect, jwtPayload, Party, refresh, signInAndExchange } from '../support/token-helpers';
import { FreshStore, freshStore } from '../support/fresh-store';
import { ADMIN_KEY, databases, freePort, TestApp } from '../support/test-app';

const FAMILIES = 12;
// Kill rounds at most, until one kill lands between a rotation's commit and its answer (one
// loaded run needed 4 on sqlite and 1 on PostgreSQL; 30 make a run that proves nothing unlikely).
const MAX_KILLS = 30;

// One build of the server for both databases.
let build: string;
let main: string;

beforeAll(() => {
  build = mkdtempSync(join(tmpdir(), 'crash-build-'));
  try {
    execFileSync('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', build], { cwd: join(__dirname, '../..'), stdio: 'pipe' });
  } catch {
    // tsc emits despite type errors elsewhere in the tree; the entry point decides below.
  }
  main = join(build, 'src/main.js');
  expect(existsSync(main)).toBe(true);
}, 180_000);

afterAll(() => rmSync(build, { recursive: true, force: true }));

/**
 * Crash safety of the rotation, with a real server process on a sqlite file or a PostgreSQL
 * schema: kill -9 it in the middle of refresh load, start it again, and every family must
 * have exactly one live refresh token: the one the client last saw, or its successor when the
 * killed rotation had committed (then the one the client holds is spent).
 */
describe.each(databases)('refresh rotation survives a killed server process on %s', (name, baseDatabaseUrl) => {
  let store: FreshStore;
  let databaseUrl: string;
  let server: ChildProcess | undefined;
  let exited: Promise<unknown> = Promise.resolve();

  beforeAll(() => {
    store = freshStore(name, baseDatabaseUrl, 'crash');
    databaseUrl = store.databaseUrl;
  });

  afterAll(async () => {
    server?.kill('SIGKILL');
    await exited;
    await store.remove();
  });

  async function start(): Promise<TestApp> {
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    server = spawn(process.execPath, [main], {
      // The build lives outside the project: it finds the project's packages through NODE_PATH.
      env: { NODE_PATH: join(__dirname, '../../node_modules'), PATH: process.env.PATH, DATABASE_URL: databaseUrl, PORT: String(port), ISSUER: baseUrl, ADMIN_API_KEY: ADMIN_KEY, LOG_LEVEL: 'silent' },
      stdio: 'ignore',
    });
    exited = new Promise((resolve) => server!.once('exit', resolve));
    for (let attempt = 0; attempt < 300; attempt++) {
      const up = await request(baseUrl)
        .get('/.well-known/oauth-authorization-server')
        .then((res) => res.status === 200)
        .catch(() => false);
      if (up) return { http: () => request(baseUrl), baseUrl } as unknown as TestApp;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error('server did not start');
  }

  /** Refreshes every family in a loop, keeping the newest token each was answered, until the server is killed. */
  async function killUnderLoad(app: TestApp, party: Party, held: Map<string, string>): Promise<number> {
    let stop = false;
    let rotations = 0;
    const load = [...held.keys()].map(async (sid) => {
      while (!stop) {
        const res = await refresh(app, party.client, held.get(sid)!).catch(() => undefined);
        if (!res) return; // the server is gone
        expect(res.status).toBe(200);
        held.set(sid, res.body.refresh_token);
        rotations++;
      }
    });
    while (rotations < held.size * 5) await new Promise((resolve) => setTimeout(resolve, 5));
    server!.kill('SIGKILL');
    stop = true;
    await Promise.all(load);
    await exited;
    return rotations;
  }

  it('leaves every family with exactly one live token after kill -9 under load, also when a kill lands between commit and answer', async () => {
    let app = await start();
    const party: Party = await createParty(app);
    const held = new Map<string, string>(); // sid → the refresh token the client holds
    for (let i = 0; i < FAMILIES; i++) {
      const tokens = await signInAndExchange(app, party);
      held.set(jwtPayload(tokens.access_token).sid as string, tokens.refresh_token!);
    }

    // A run proves something only if some kill landed after a rotation committed and before
    // its answer reached the client: kill again until that happened at least once.
    let committedUnseen = 0;
    let kills = 0;
    const store = await new DataSource(dataSourceOptions(parseDatabaseUrl(databaseUrl))).initialize();
    try {
      while (committedUnseen === 0 && kills < MAX_KILLS) {
        await killUnderLoad(app, party, held);
        kills++;
        app = await start();
        for (const [sid, token] of [...held]) {
          const family = await store.getRepository(TokenFamily).findOneByOrFail({ id: sid });
          expect(family.revokedAt).toBeNull();
          const presented = decodeRefreshToken(token)!;
          expect(presented.familyId).toBe(sid);
          if (presented.generation === family.generation) {
            // The live token is the one the client holds: it works (and the client keeps its successor).
            const res = await refresh(app, party.client, token);
            expect(res.status).toBe(200);
            held.set(sid, res.body.refresh_token);
          } else {
            // The killed rotation committed but its answer was lost: the live token is the
            // successor, and the one the client holds is spent, so presenting it is reuse.
            expect(family.generation).toBe(presented.generation + 1);
            expect(await introspect(app, party.client, token)).toEqual({ active: false });
            expect((await refresh(app, party.client, token)).body.error).toBe('invalid_grant');
            expect((await store.getRepository(TokenFamily).findOneByOrFail({ id: sid })).revokedAt).not.toBeNull();
            held.delete(sid);
            committedUnseen++;
          }
        }
      }
      expect(committedUnseen).toBeGreaterThan(0);
      // Nothing is stored per token: the old per-token table received nothing.
      expect(await store.getRepository(RefreshToken).count()).toBe(0);
    } finally {
      await store.destroy();
    }
  }, 900_000);
});
