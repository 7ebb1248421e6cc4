import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { BUILD_NODE_PATH, compiledTree, ROOT } from '../support/compiled-build';

const run = promisify(execFile);

interface DemoReport {
  ok: boolean;
  steps: Array<{ number: number; title: string; ok: boolean; error?: string; exchanges: unknown[]; figures: Record<string, number> }>;
  error?: string;
}

// `npm run demo -- --json` on the compiled demo: the walk-through is a test too. It starts
// its own server, second instance and resource server, and exits 0 only if every step held.
describe('npm run demo', () => {
  let scratch: string;
  let exitCode: number;
  let report: DemoReport;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'demo-e2e-'));
    const tree = await compiledTree(scratch);
    const env = { ...process.env, NODE_PATH: BUILD_NODE_PATH };
    const result = await run(process.execPath, [join(tree, 'demo', 'main.js'), '--json'], { cwd: ROOT, env, maxBuffer: 1 << 24 }).then(
      ({ stdout }) => ({ code: 0, stdout }),
      (error: { code: number; stdout: string }) => ({ code: error.code, stdout: error.stdout }),
    );
    exitCode = result.code;
    report = JSON.parse(result.stdout) as DemoReport;
  }, 300_000);
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('walks all seven steps, each seeing what it claims, and exits 0', () => {
    expect(report.error).toBeUndefined();
    expect(report.steps.map(({ number, ok, error }) => ({ number, ok, error }))).toEqual(
      [1, 2, 3, 4, 5, 6, 7].map((number) => ({ number, ok: true, error: undefined })),
    );
    expect(report.ok).toBe(true);
    expect(exitCode).toBe(0);
  });

  it('shows the HTTP exchanges behind every step', () => {
    for (const step of report.steps) expect(step.exchanges.length).toBeGreaterThan(0);
  });

  it('reports that the resource server served a request with no outbound call', () => {
    expect(report.steps[1].figures).toEqual({ outboundRequests: 0, connectionsOpened: 0 });
  });
});
