import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createTestApp, TestApp } from './test-app';

/**
 * The stores two instances can share, for `describe.each`: a sqlite file (followed by polling)
 * always, and PostgreSQL (LISTEN/NOTIFY) when TEST_POSTGRES_URL is set. Each URL is made when
 * the suite starts; `prefix` names the sqlite file's temporary directory.
 */
export function sharedStores(prefix: string): Array<[name: string, databaseUrl: () => string]> {
  return [
    ['sqlite (shared file, polling)', () => `sqlite:${join(mkdtempSync(join(tmpdir(), prefix)), 'auth.sqlite')}`],
    ...(process.env.TEST_POSTGRES_URL ? [['postgres (LISTEN/NOTIFY)', () => process.env.TEST_POSTGRES_URL!] as [string, () => string]] : []),
  ];
}

/** Instances A and B of the app on one store. */
export async function startTwoInstances(databaseUrl: string): Promise<[a: TestApp, b: TestApp]> {
  const a = await createTestApp({ databaseUrl });
  const b = await createTestApp({ databaseUrl: a.databaseUrl });
  return [a, b];
}

/** Stops B then A, and removes a shared sqlite file's directory. */
export async function stopTwoInstances(a: TestApp, b: TestApp): Promise<void> {
  await b.close();
  await a.close();
  if (a.databaseUrl.startsWith('sqlite:')) rmSync(dirname(a.databaseUrl.slice('sqlite:'.length)), { recursive: true, force: true });
}
