import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '../..');
const PACKAGE_DIR = join(ROOT, 'packages/resource-server');

/**
 * Installs the resource-server package into an example the way npm would from its tarball:
 * `npm pack` (which builds it), then the tarball unpacked into the example's node_modules.
 * The example's other dependencies resolve from the repository's node_modules, as hoisted
 * packages do. Then the example is compiled with tsc against the packed type declarations.
 */
export function installPackedPackage(example: string): void {
  const exampleDir = join(ROOT, 'examples', example);
  const packDir = mkdtempSync(join(tmpdir(), 'resource-server-pack-'));
  try {
    const [packed] = JSON.parse(
      execFileSync('npm', ['pack', '--json', '--pack-destination', packDir], { cwd: PACKAGE_DIR, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }),
    ) as Array<{ filename: string }>;
    const target = join(exampleDir, 'node_modules/@nest-oauth/resource-server');
    rmSync(target, { recursive: true, force: true });
    mkdirSync(target, { recursive: true });
    execFileSync('tar', ['-xzf', join(packDir, packed.filename), '-C', target, '--strip-components=1']);
  } finally {
    rmSync(packDir, { recursive: true, force: true });
  }
  execFileSync(join(ROOT, 'node_modules/.bin/tsc'), ['-p', join(exampleDir, 'tsconfig.json')], { stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Starts the compiled example and resolves once it says it listens. */
export async function startExample(example: string, env: Record<string, string>): Promise<ChildProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'examples', example, 'dist/main.js')], {
    env: { PATH: process.env.PATH, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('listening')) resolve();
    });
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`${example} exited with ${code}: ${output}`)));
  });
  return child;
}

/** Stops the example and waits until it has exited. */
export async function stopExample(child: ChildProcess | undefined): Promise<void> {
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}
