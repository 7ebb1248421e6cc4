#!/usr/bin/env node
'use strict';
// Compares builds of our server side by side: every build is started at once (sqlite, each its
// own file), then each round runs every scenario against each build in turn, alternating the
// order, and the medians of CPU per request and req/s are printed. Short interleaved rounds
// let a change of a few percent show through a machine whose speed drifts by more.
//
//   node bench/ab.js [--rounds 5] [--duration 3] [--scenarios verify,client_credentials] \
//     before=/path/to/old/dist/src/main.js after=dist/src/main.js
//
// A build outside the project resolves its packages through NODE_PATH=<project>/node_modules.
const { mkdtempSync, rmSync } = require('node:fs');
const { tmpdir } = require('node:os');
const { join, resolve } = require('node:path');
const { measure } = require('./lib/load');
const { startOurs } = require('./lib/targets');

const root = resolve(__dirname, '..');

function parseArgs(argv) {
  const options = { rounds: 5, duration: 3, scenarios: ['verify', 'client_credentials', 'introspect', 'refresh'], builds: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--rounds') options.rounds = Number(argv[++i]);
    else if (arg === '--duration') options.duration = Number(argv[++i]);
    else if (arg === '--scenarios') options.scenarios = argv[++i].split(',');
    else if (arg.includes('=')) {
      const [label, entry] = arg.split('=');
      options.builds.push({ label, entry: resolve(entry) });
    } else throw new Error(`unknown argument ${arg}`);
  }
  if (options.builds.length < 2) throw new Error('name at least two builds: label=path/to/main.js');
  return options;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const scratch = mkdtempSync(join(tmpdir(), 'oauth-ab-'));
  const running = [];
  try {
    for (const { label, entry } of options.builds) {
      running.push({ label, target: await startOurs({ root, entry, databaseUrl: `sqlite:${join(scratch, `${label}.sqlite`)}`, label }) });
    }
    const figures = new Map(); // `${scenario} ${label}` -> figures of each round
    for (let round = 0; round < options.rounds; round++) {
      for (const scenario of options.scenarios) {
        for (const { label, target } of round % 2 ? [...running].reverse() : running) {
          const result = await measure(scenario, target, { connections: 32, duration: options.duration, warmup: 0.5 });
          const key = `${scenario} ${label}`;
          figures.set(key, [...(figures.get(key) ?? []), result]);
        }
      }
    }
    for (const scenario of options.scenarios) {
      for (const { label } of running) {
        const rounds = figures.get(`${scenario} ${label}`);
        const unhealthy = rounds.reduce((sum, f) => sum + f.errors + f.timeouts + f.non2xx + f.failures, 0);
        console.log([
          scenario.padEnd(18), label.padEnd(12),
          `CPU ${median(rounds.map((f) => f.cpuMsPerUnit)).toFixed(3)} ms (${rounds.map((f) => f.cpuMsPerUnit.toFixed(3)).join(' ')})`,
          `${Math.round(median(rounds.map((f) => f.flowsPerSec ?? f.reqPerSec)))} ${rounds[0].flowsPerSec === undefined ? "req" : "flows"}/s`,
          unhealthy ? `${unhealthy} errors, non-2xx or failures` : '',
        ].join('  '));
      }
    }
  } finally {
    await Promise.all(running.flatMap(({ target }) => target.servers.map((server) => server.stop())));
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
