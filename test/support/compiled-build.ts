import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const ROOT = join(__dirname, '..', '..');
/** Lets a build outside the project find the project's packages. */
export const BUILD_NODE_PATH = join(ROOT, 'node_modules');

function newestMtime(dir: string, filter: (file: string) => boolean): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(path, filter));
    else if (filter(path)) newest = Math.max(newest, statSync(path).mtimeMs);
  }
  return newest;
}

function copyViews(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const path = join(from, entry.name);
    if (entry.isDirectory()) copyViews(path, to);
    else if (path.includes('/views/') && path.endsWith('.html')) {
      const target = join(to, relative(ROOT, path));
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(path, target);
    }
  }
}

/**
 * The root of a compiled tree (`src/main.js`, `demo/main.js`): dist/ when it is newer than every
 * source file, else a private compilation into `scratch`, so that a shared dist/ is never rebuilt
 * under a running server. A type error fails the build, with tsc's output in the error.
 */
export async function compiledTree(scratch: string): Promise<string> {
  const dist = join(ROOT, 'dist');
  const entries = ['src/main.js', 'demo/main.js'];
  const sources = Math.max(...['src', 'demo'].map((dir) => newestMtime(join(ROOT, dir), (file) => !file.endsWith('.spec.ts'))));
  if (entries.every((entry) => existsSync(join(dist, entry)) && statSync(join(dist, entry)).mtimeMs >= sources)) return dist;
  const outDir = join(scratch, 'build');
  try {
    await run(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', 'tsconfig.build.json', '--outDir', outDir], { cwd: ROOT, maxBuffer: 1 << 24 });
  } catch (error) {
    const { stdout, stderr } = error as { stdout?: string; stderr?: string };
    throw new Error(`tsc failed:\n${stdout ?? ''}${stderr ?? ''}`);
  }
  copyViews(join(ROOT, 'src'), outDir);
  return outDir;
}
