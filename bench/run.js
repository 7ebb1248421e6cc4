#!/usr/bin/env node
'use strict';
// `npm run bench`: builds (the npm script does), then measures our server on sqlite (and on
// PostgreSQL when BENCH_POSTGRES_URL is set, with one and with two instances), the ceiling and
// the peer with the same load settings, in one run. Only ratios within one run compare.
//
//   node bench/run.js [--duration 10] [--connections 32] [--scenarios verify,refresh]
//                     [--targets ours,ceiling,floor,peer,peer-offline] [--instances 2] [--warmup 2] [--smoke]
//                     [--out file.json] [--entry dist/src/main.js] [--profile dir] [--rate req/s]
// --rate caps the offered load (for a light profile beside other work); figures are then not
// throughput.
const { mkdirSync, mkdtempSync, rmSync, writeFileSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { isAbsolute, join, relative, resolve } = require('node:path');
const { randomBytes } = require('node:crypto');
const { SCENARIO_NAMES, scenarios } = require('./lib/scenarios');
const { measure } = require('./lib/load');
const { startOurs, startReference } = require('./lib/targets');
const { evaluateTargets, machine, ratios, table, targetLines } = require('./lib/report');

const root = resolve(__dirname, '..');
const SCALE_SCENARIOS = ['verify', 'refresh'];

function parseArgs(argv) {
  const options = {
    duration: 10, connections: 32, scenarios: SCENARIO_NAMES, targets: ['ours', 'ceiling', 'floor', 'peer', 'peer-offline'],
    instances: 2, entry: 'dist/src/main.js', smoke: false,
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=');
    const value = () => inline ?? argv[++i];
    switch (flag) {
      case '--smoke': options.smoke = true; break;
      case '--duration': options.duration = Number(value()); break;
      case '--connections': options.connections = Number(value()); break;
      case '--warmup': options.warmup = Number(value()); break;
      case '--instances': options.instances = Number(value()); break;
      case '--rate': options.rate = Number(value()); break;
      case '--scenarios': options.scenarios = value().split(','); break;
      case '--targets': options.targets = value().split(','); break;
      case '--out': options.out = value(); break;
      case '--entry': options.entry = value(); break;
      case '--profile': options.profile = resolve(value()); break;
      case '--help': console.log(require('node:fs').readFileSync(join(__dirname, 'run.js'), 'utf8').split('\n').slice(2, 11).join('\n')); process.exit(0); break;
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  if (options.smoke) {
    if (!argv.some((a) => a.startsWith('--duration'))) options.duration = 2;
    if (!argv.some((a) => a.startsWith('--connections'))) options.connections = 4;
  }
  options.warmup ??= options.smoke ? 0 : Math.min(2, Math.floor(options.duration / 5));
  const unknown = options.scenarios.filter((name) => !scenarios[name]);
  if (unknown.length) throw new Error(`unknown scenario ${unknown.join(', ')}; known: ${SCENARIO_NAMES.join(', ')}`);
  if (!(options.duration > 0) || !(options.connections > 0)) throw new Error('--duration and --connections take positive numbers');
  return options;
}

function describe(f) {
  if (!f.supported) return 'n/a';
  const unit = f.flowsPerSec !== undefined ? `${f.flowsPerSec} flows/s (${f.reqPerSec} req/s)` : `${f.reqPerSec} req/s`;
  const growth = f.storeGrowthBytesPer1000Rotations !== undefined ? `, store ${f.storeGrowthBytesPer1000Rotations >= 0 ? '+' : ''}${f.storeGrowthBytesPer1000Rotations} B per 1 000 rotations` : '';
  return `${unit}, p50 ${f.p50Ms} ms, p99 ${f.p99Ms} ms, errors ${f.errors + f.timeouts}, non-2xx ${f.non2xx}, failures ${f.failures}, RSS ${f.peakRssMb} MB, CPU ${f.cpuMsPerUnit} ms per ${f.flowsPerSec !== undefined ? 'flow' : 'request'}${growth}`;
}

/** The arguments as they may be published: a path outside the project is not shown. */
function publicArgs(args) {
  const PATHS = ['--entry', '--out', '--profile'];
  return args.map((arg, i) => {
    const [flag, inline] = arg.split('=');
    const value = PATHS.includes(flag) && inline !== undefined ? inline : PATHS.includes(args[i - 1]) ? arg : undefined;
    if (value === undefined) return arg;
    const inside = relative(root, resolve(root, value));
    const shown = inside.startsWith('..') || isAbsolute(inside) ? '<outside the project>' : inside;
    return inline !== undefined ? `${flag}=${shown}` : shown;
  });
}

function gitCommit() {
  try {
    return require('node:child_process').execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return undefined;
  }
}

async function dropSchema(url, schema) {
  const { Client } = require('pg');
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
  } finally {
    await client.end();
  }
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const log = (line) => console.log(line);
  const load = { connections: options.connections, duration: options.duration, warmup: options.warmup, rate: options.rate };
  const scratch = mkdtempSync(join(tmpdir(), 'oauth-bench-'));
  const results = {};
  const notes = {};
  const startedAt = new Date();
  log(`bench: ${options.scenarios.join(', ')}; ${options.duration} s runs (+${options.warmup} s warm-up), ${options.connections} connections; node ${process.version}, ${machine().cores} cores`);
  const ours = (label, databaseUrl, instances = 1) => () => startOurs({
    root, entry: options.entry, databaseUrl, instances, label,
    cpuProfileDir: options.profile && join(options.profile, label.replace(/\W+/g, '-')),
  });
  // Every system is started first; then each scenario runs against each in turn, so that a
  // change in the machine's load during the run touches all of them alike.
  const plans = [];
  const schemas = [];
  const postgres = process.env.BENCH_POSTGRES_URL;
  if (options.targets.includes('ours')) {
    plans.push({ key: 'ours_sqlite', start: ours('ours (sqlite)', `sqlite:${join(scratch, 'bench.sqlite')}`), scenarios: options.scenarios });
    if (postgres && !options.smoke) {
      for (const instances of options.instances > 1 ? [1, options.instances] : [1]) {
        const schema = `bench_${randomBytes(5).toString('hex')}`;
        schemas.push(schema);
        const url = new URL(postgres);
        url.searchParams.set('schema', schema);
        plans.push({
          key: instances === 1 ? 'ours_postgres' : 'ours_postgres_x2',
          start: ours(`ours (pg${instances > 1 ? ` x${instances}` : ''})`, url.toString(), instances),
          scenarios: instances === 1 ? options.scenarios : options.scenarios.filter((name) => SCALE_SCENARIOS.includes(name)),
        });
      }
    }
  }
  for (const kind of ['ceiling', 'floor', 'peer', 'peer-offline']) {
    if (!options.targets.includes(kind)) continue;
    // The second peer configuration differs only in how refresh tokens are granted.
    const names = kind === 'peer-offline' ? options.scenarios.filter((name) => name === 'refresh') : options.scenarios;
    if (names.length) plans.push({ key: kind.replace('-', '_'), start: () => startReference(kind, { root }), scenarios: names });
  }
  const running = [];
  try {
    for (const plan of plans) {
      const target = await plan.start();
      running.push({ ...plan, target });
      results[plan.key] = {};
      if (target.notes?.length) notes[plan.key] = target.notes;
    }
    for (const name of options.scenarios) {
      for (const { key, target, scenarios: names } of running) {
        if (!names.includes(name)) continue;
        results[key][name] = await measure(name, target, load);
        log(`  ${target.label.padEnd(20)} ${name.padEnd(18)} ${describe(results[key][name])}`);
      }
    }
  } finally {
    await Promise.all(running.flatMap(({ target }) => target.servers.map((server) => server.stop())));
    for (const schema of schemas) await dropSchema(postgres, schema);
    rmSync(scratch, { recursive: true, force: true });
  }

  const targets = evaluateTargets(results, options.scenarios);
  log('');
  log(table(results, options.scenarios));
  if (targets.length) log(`\ntargets (ratios within this run):\n${targetLines(targets)}`);
  for (const [key, list] of Object.entries(notes)) log(`note, ${key}: ${list.join('; ')}`);
  log('Only ratios from one run compare: absolute figures move with the machine and its load.');

  const document = {
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
    command: `node bench/run.js ${publicArgs(process.argv.slice(2)).join(' ')}`.trim(),
    commit: gitCommit(),
    machine: machine(),
    settings: { ...load, scenarios: options.scenarios, postgres: Boolean(process.env.BENCH_POSTGRES_URL) && !options.smoke, instances: options.instances },
    results,
    ratios: Object.fromEntries(options.scenarios.map((name) => [name, ratios(results, name)])),
    targets,
    notes,
  };
  const out = options.out
    ?? (options.smoke ? undefined : join(root, 'bench', 'results', `${startedAt.toISOString().slice(0, 16).replace(':', '-')}.json`));
  if (out) {
    mkdirSync(join(out, '..'), { recursive: true });
    writeFileSync(out, `${JSON.stringify(document, null, 2)}\n`);
    log(`results: ${out}`);
  }
}

main().catch((error) => {
  console.error(error instanceof Error ? error.stack : error);
  process.exit(1);
});
