import { ChildProcessWithoutNullStreams, execFile, spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN_KEY, freePort } from '../support/test-app';

const ROOT = join(__dirname, '..', '..');
const METRICS_TOKEN = 'real-environment-token-0123456789';

/**
 * Fails any load of a devDependency from the app's node_modules: the compiled server must run
 * with production dependencies alone. Preloaded into the server process only.
 */
const DEV_DEPENDENCY_GUARD = `
const Module = require('node:module');
const { join, sep } = require('node:path');
const pkg = require(join(process.cwd(), 'package.json'));
const modules = require('node:fs').realpathSync(join(process.cwd(), 'node_modules'));
const dev = Object.keys(pkg.devDependencies || {}).map((name) => join(modules, name) + sep);
const resolve = Module._resolveFilename;
Module._resolveFilename = function (...args) {
  const file = resolve.apply(this, args);
  const hit = dev.find((prefix) => file.startsWith(prefix));
  if (hit) throw new Error('devDependency loaded in production: ' + hit);
  return file;
};
`;

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

describe('npm run start:prod', () => {
  let work: string;
  let app: string;
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'oauth-prod-'));
    app = join(work, 'app');
    mkdirSync(app);
    // What a deployment ships: dist/ and package.json, with node_modules installed; no src/.
    await new Promise<void>((resolve) =>
      execFile('npx', ['tsc', '-p', 'tsconfig.build.json', '--outDir', join(app, 'dist')], { cwd: ROOT }, () => resolve()),
    );
    copyFileSync(join(ROOT, 'package.json'), join(app, 'package.json'));
    symlinkSync(join(ROOT, 'node_modules'), join(app, 'node_modules'), 'dir');
    writeFileSync(join(work, 'no-dev-dependencies.js'), DEV_DEPENDENCY_GUARD);
    expect(existsSync(join(app, 'dist', 'src', 'main.js'))).toBe(true);
    expect(existsSync(join(app, 'src'))).toBe(false);
  }, 180_000);
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  const run = (command: string, args: string[], env: Record<string, string>): ChildProcessWithoutNullStreams =>
    spawn(command, args, {
      cwd: app,
      detached: true, // its own process group: npm's child gets the signal too
      env: { PATH: process.env.PATH, HOME: process.env.HOME ?? work, NODE_OPTIONS: `--require ${join(work, 'no-dev-dependencies.js')}`, ...env },
    });
  const finished = (child: ChildProcessWithoutNullStreams) =>
    new Promise<Finished>((resolve) => {
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (chunk) => (stdout += chunk));
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('close', (code) => resolve({ code, stdout, stderr }));
    });
  const answers = async (url: string, child: ChildProcessWithoutNullStreams): Promise<boolean> => {
    const deadline = Date.now() + 60_000;
    while (child.exitCode === null && Date.now() < deadline) {
      const ok = await fetch(url)
        .then((res) => res.status === 200)
        .catch(() => false);
      if (ok) return true;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    return false;
  };

  it('serves from dist/ with production dependencies only, reads .env under the real environment, and warns once about plain keys', async () => {
    const port = await freePort();
    // .env gives the port; the real environment's METRICS_TOKEN wins over the file's.
    writeFileSync(join(app, '.env'), `PORT=${port}\nADMIN_API_KEY=${ADMIN_KEY}\nMETRICS_TOKEN=token-from-the-env-file-0123456789\n`);
    const child = run('npm', ['run', '--silent', 'start:prod'], { DATABASE_URL: 'sqlite::memory:', METRICS_TOKEN });
    const result = finished(child);
    try {
      expect(await answers(`http://127.0.0.1:${port}/health/live`, child)).toBe(true);
      const scrape = (token: string) => fetch(`http://127.0.0.1:${port}/metrics`, { headers: { Authorization: `Bearer ${token}` } });
      expect((await scrape(METRICS_TOKEN)).status).toBe(200);
      expect((await scrape('token-from-the-env-file-0123456789')).status).toBe(401);
    } finally {
      process.kill(-child.pid!, 'SIGTERM');
      rmSync(join(app, '.env'));
    }
    const { stdout, stderr } = await result;
    expect(stderr).not.toMatch(/devDependency loaded/);
    const lines = stdout.split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line));
    expect(lines.filter((line) => /KEY_ENCRYPTION_KEY is not set/.test(String(line.msg)))).toHaveLength(1);
    expect(lines.find((line) => /KEY_ENCRYPTION_KEY is not set/.test(String(line.msg)))?.level).toBe(40);
    // It served what was compiled: nothing was built.
    expect(existsSync(join(app, 'src'))).toBe(false);
    expect(stdout).not.toMatch(/nest build|tsc/);
  }, 90_000);

  it.each([
    [{ NODE_ENV: 'production' }, /^Configuration error: KEY_ENCRYPTION_KEY: is required when NODE_ENV=production/, []],
    [{ ADMIN_API_KEY: 'short-secret' }, /^Configuration error: ADMIN_API_KEY: must be at least 16 characters/, ['short-secret']],
    [{ KEY_ENCRYPTION_KEY: 'not-a-key-hunter2' }, /^Configuration error: KEY_ENCRYPTION_KEY: must be 32 random bytes/, ['hunter2']],
    [{ METRICS_TOKEN: 'hunter2' }, /^Configuration error: METRICS_TOKEN: must be at least 16 characters/, ['hunter2']],
    [{ DATABASE_URL: 'postgres://app:hunter2@db:port/auth' }, /^Configuration error: DATABASE_URL: is not a valid PostgreSQL URL/, ['hunter2']],
    [{ DATABASE_URL: 'mysql://app:hunter2@db/auth' }, /^Configuration error: DATABASE_URL: must be sqlite:/, ['hunter2']],
  ])('refuses %j with one line that names the variable and never its secret', async (env, message, secrets) => {
    const result = await finished(run(process.execPath, [join('dist', 'src', 'main.js')], { DATABASE_URL: 'sqlite::memory:', ...env }));
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(message);
    expect(result.stderr.trim().split('\n')).toHaveLength(1);
    for (const secret of secrets) expect(result.stderr + result.stdout).not.toContain(secret);
  }, 30_000);
});
