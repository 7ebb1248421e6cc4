import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { compiledTree } from '../support/compiled-build';

// Keeps the benchmark harness from rotting: `npm run bench` in its 2-second smoke mode
// against our server on sqlite, the ceiling, the floor (the ceiling's work served through Nest) and the peer (both configurations). No timing is asserted, only that
// every scenario produced figures without errors.
const run = promisify(execFile);
const root = join(__dirname, '..', '..');

interface Figures {
  supported: boolean;
  requests: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  failures: number;
  peakRssMb: number;
  flowsPerSec?: number;
}

interface BenchDocument {
  settings: { duration: number; scenarios: string[] };
  results: Record<string, Record<string, Figures>>;
}

const SCENARIOS = ['verify', 'client_credentials', 'refresh', 'introspect', 'code_flow'];

describe('benchmark harness (smoke mode)', () => {
  let scratch: string;
  let document: BenchDocument;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
    const entry = join(await compiledTree(scratch), 'src', 'main.js');
    const out = join(scratch, 'results.json');
    // A private build outside the project resolves its packages through NODE_PATH.
    const env = { ...process.env, BENCH_POSTGRES_URL: '', NODE_PATH: join(root, 'node_modules') };
    await run(process.execPath, ['bench/run.js', '--smoke', '--entry', entry, '--out', out], { cwd: root, env, maxBuffer: 1 << 24 });
    document = JSON.parse(readFileSync(out, 'utf8')) as BenchDocument;
  }, 170_000);

  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('runs every scenario for 2 seconds against ours, the ceiling, the floor and the peer, and refresh against the offline peer', () => {
    expect(document.settings.duration).toBe(2);
    expect(document.settings.scenarios).toEqual(SCENARIOS);
    expect(Object.keys(document.results).sort()).toEqual(['ceiling', 'floor', 'ours_sqlite', 'peer', 'peer_offline']);
    expect(Object.keys(document.results.peer_offline)).toEqual(['refresh']);
    expect(document.results.peer_offline.refresh.supported).toBe(true);
    expect(document.results.peer_offline.refresh.requests).toBeGreaterThan(0);
  });

  it.each(['ours_sqlite', 'ceiling', 'floor'])('%s answers every scenario with figures', (target) => {
    for (const scenario of SCENARIOS) {
      const figures = document.results[target][scenario];
      expect({ scenario, supported: figures.supported }).toEqual({ scenario, supported: true });
      expect(figures.requests).toBeGreaterThan(0);
      expect(figures.reqPerSec).toBeGreaterThan(0);
      expect(figures.p99Ms).toBeGreaterThanOrEqual(figures.p50Ms);
      expect(figures.peakRssMb).toBeGreaterThan(0);
    }
    expect(document.results[target].code_flow.flowsPerSec).toBeGreaterThan(0);
  });

  it('measures the peer on every scenario it has (it has no resource API for verify)', () => {
    expect(document.results.peer.verify.supported).toBe(false);
    for (const scenario of SCENARIOS.filter((name) => name !== 'verify')) {
      expect({ scenario, supported: document.results.peer[scenario].supported }).toEqual({ scenario, supported: true });
      expect(document.results.peer[scenario].requests).toBeGreaterThan(0);
    }
  });

  it('sees no errors, no non-2xx answers, no failed rotations or flows anywhere', () => {
    const problems = Object.entries(document.results).flatMap(([target, byScenario]) =>
      Object.entries(byScenario)
        .filter(([, f]) => f.supported && f.errors + f.timeouts + f.non2xx + f.failures > 0)
        .map(([scenario, f]) => ({ target, scenario, errors: f.errors, timeouts: f.timeouts, non2xx: f.non2xx, failures: f.failures })));
    expect(problems).toEqual([]);
  });
});
