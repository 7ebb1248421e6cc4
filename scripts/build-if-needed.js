// `npm start` and `npm run demo` run this first: it builds when dist/ is missing or older than a source file.
const { execSync } = require('node:child_process');
const { existsSync, readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const entry = join(root, 'dist/src/main.js');

function newestSource(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestSource(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const sources = Math.max(
  newestSource(join(root, 'src')),
  newestSource(join(root, 'packages/resource-server/src')),
  newestSource(join(root, 'demo')),
  statSync(join(root, 'ormconfig.ts')).mtimeMs,
);
if (!existsSync(entry) || statSync(entry).mtimeMs < sources) {
  // The resource-server package first: the server imports its build. Build output goes to
  // stderr: stdout is the demo's (`npm run demo -- --json`).
  execSync('npm run build', { cwd: root, stdio: ['ignore', process.stderr, process.stderr] });
}
