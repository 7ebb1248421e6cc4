'use strict';
// The terminal table, the targets of the benchmark issue, and the JSON document.
const os = require('node:os');

const COLUMNS = [
  ['ours_sqlite', 'ours (sqlite)'],
  ['ceiling', 'ceiling'],
  ['floor', 'floor (Nest)'],
  ['peer', 'peer'],
  ['peer_offline', 'peer (offline)'],
  ['ours_postgres', 'ours (pg)'],
  ['ours_postgres_x2', 'ours (pg, 2 inst.)'],
];

const ratio = (a, b) => (a && b ? Math.round((a / b) * 100) / 100 : undefined);
/** Throughput in the scenario's unit: full flows for code_flow, requests otherwise. */
const rate = (figures) => (figures?.supported ? (figures.flowsPerSec ?? figures.reqPerSec) : undefined);
const healthy = (f) => f.errors === 0 && f.timeouts === 0 && f.non2xx === 0 && f.failures === 0;

function ratios(results, scenario) {
  const ours = results.ours_sqlite?.[scenario];
  return {
    oursToCeiling: ratio(rate(ours), rate(results.ceiling?.[scenario])),
    oursToPeer: ratio(rate(ours), rate(results.peer?.[scenario])),
    oursToPeerOffline: ratio(rate(ours), rate(results.peer_offline?.[scenario])),
    postgresToPeer: ratio(rate(results.ours_postgres?.[scenario]), rate(results.peer?.[scenario])),
    // What the framework alone reaches, and what of it we keep.
    floorToPeer: ratio(rate(results.floor?.[scenario]), rate(results.peer?.[scenario])),
    oursToFloor: ratio(rate(ours), rate(results.floor?.[scenario])),
    p99ToCeiling: ours?.supported && results.ceiling?.[scenario]?.supported
      ? ratio(ours.p99Ms, results.ceiling[scenario].p99Ms) : undefined,
  };
}

/** The performance targets, as ratios within this run. `met` is undefined when a figure is missing. */
function evaluateTargets(results, scenarioNames) {
  const targets = [];
  const add = (scenario, goal, value, met) => {
    if (scenarioNames.includes(scenario)) targets.push({ scenario, goal, value, met: value === undefined ? undefined : met });
  };
  const r = (scenario) => ratios(results, scenario);
  add('verify', 'req/s >= 0.7x ceiling', r('verify').oursToCeiling, r('verify').oursToCeiling >= 0.7);
  add('verify', 'p99 <= 2x ceiling', r('verify').p99ToCeiling, r('verify').p99ToCeiling <= 2);
  add('client_credentials', 'req/s >= 1.5x peer', r('client_credentials').oursToPeer, r('client_credentials').oursToPeer >= 1.5);
  add('refresh', 'sqlite req/s >= 2.0x peer', r('refresh').oursToPeer, r('refresh').oursToPeer >= 2.0);
  if (results.peer_offline) {
    add('refresh', 'sqlite req/s >= 1.0x peer (offline)', r('refresh').oursToPeerOffline, r('refresh').oursToPeerOffline >= 1.0);
  }
  if (results.ours_postgres) {
    add('refresh', 'PostgreSQL req/s >= 1.0x peer', r('refresh').postgresToPeer, r('refresh').postgresToPeer >= 1.0);
  }
  add('introspect', 'req/s >= 1.0x peer', r('introspect').oursToPeer, r('introspect').oursToPeer >= 1.0);
  add('code_flow', 'flows/s >= 2.0x peer', r('code_flow').oursToPeer, r('code_flow').oursToPeer >= 2.0);
  const ours = Object.entries(results).filter(([key]) => key.startsWith('ours'))
    .flatMap(([, byScenario]) => Object.values(byScenario).filter((f) => f.supported));
  if (ours.length) {
    targets.push({
      scenario: 'every',
      goal: '0 errors, 0 non-2xx, 0 failed rotations/flows',
      value: ours.reduce((sum, f) => sum + f.errors + f.timeouts + f.non2xx + f.failures, 0),
      met: ours.every(healthy),
    });
    const peak = Math.max(...ours.map((f) => f.peakRssMb));
    targets.push({ scenario: 'every', goal: 'server RSS <= 200 MB', value: peak, met: peak <= 200 });
  }
  return targets;
}

function pad(text, width) {
  const s = String(text ?? '');
  return s.length >= width ? s : ' '.repeat(width - s.length) + s;
}

function cell(figures) {
  if (!figures) return '';
  if (!figures.supported) return 'n/a';
  const unit = figures.flowsPerSec !== undefined ? ' fl' : '';
  return `${Math.round(rate(figures))}${unit} ${figures.p50Ms}/${figures.p99Ms}ms`;
}

function table(results, scenarioNames) {
  const columns = COLUMNS.filter(([key]) => results[key]);
  const lines = [];
  const header = ['scenario'.padEnd(18), ...columns.map(([, title]) => pad(title, 22)), pad('ours/ceil', 10), pad('ours/peer', 10), pad('ours/p-off', 10), pad('ours/floor', 10), pad('floor/peer', 10)];
  lines.push(header.join(' '));
  lines.push('-'.repeat(header.join(' ').length));
  for (const scenario of scenarioNames) {
    const r = ratios(results, scenario);
    lines.push([
      scenario.padEnd(18),
      ...columns.map(([key]) => pad(cell(results[key][scenario]), 22)),
      pad(r.oursToCeiling ?? '-', 10),
      pad(r.oursToPeer ?? '-', 10),
      pad(r.oursToPeerOffline ?? '-', 10),
      pad(r.oursToFloor ?? '-', 10),
      pad(r.floorToPeer ?? '-', 10),
    ].join(' '));
  }
  lines.push('');
  lines.push('cells: req/s (fl = full flows/s) p50/p99 latency. Health: errors+timeouts / non-2xx / failed rotations or flows / peak RSS MB');
  for (const scenario of scenarioNames) {
    lines.push([
      scenario.padEnd(18),
      ...columns.map(([key]) => {
        const f = results[key][scenario];
        return pad(!f ? '' : f.supported ? `${f.errors + f.timeouts}/${f.non2xx}/${f.failures}/${Math.round(f.peakRssMb)}MB` : 'n/a', 22);
      }),
    ].join(' '));
  }
  lines.push('');
  lines.push('server CPU time (user+system, all threads) per request, per full flow for code_flow; ratio ours/ceiling, ours/peer, ours/peer (offline), ours/floor');
  for (const scenario of scenarioNames) {
    const cost = (key) => (results[key]?.[scenario]?.supported ? results[key][scenario].cpuMsPerUnit : undefined);
    lines.push([
      scenario.padEnd(18),
      ...columns.map(([key]) => pad(cost(key) === undefined ? (results[key][scenario] ? 'n/a' : '') : `${cost(key)} ms`, 22)),
      pad(ratio(cost('ours_sqlite'), cost('ceiling')) ?? '-', 10),
      pad(ratio(cost('ours_sqlite'), cost('peer')) ?? '-', 10),
      pad(ratio(cost('ours_sqlite'), cost('peer_offline')) ?? '-', 10),
      pad(ratio(cost('ours_sqlite'), cost('floor')) ?? '-', 10),
    ].join(' '));
  }
  return lines.join('\n');
}

function targetLines(targets) {
  return targets.map((t) => `  ${t.met === undefined ? '?' : t.met ? 'MET ' : 'MISS'}  ${t.scenario.padEnd(18)} ${t.goal.padEnd(46)} ${t.value ?? '-'}`).join('\n');
}

function machine() {
  const cpus = os.cpus();
  return { cores: cpus.length, cpu: cpus[0]?.model, memoryGb: Math.round(os.totalmem() / 2 ** 30), node: process.version, platform: `${os.platform()} ${os.release()}` };
}

module.exports = { evaluateTargets, machine, ratios, table, targetLines };

/** The figures of a results document as Markdown, for bench/README.md. */
function markdown(document) {
  const { results, targets, machine: m, settings } = document;
  const columns = COLUMNS.filter(([key]) => results[key]);
  const scenarioNames = settings.scenarios;
  const fmt = (f) => (!f ? '' : !f.supported ? 'n/a'
    : `${Math.round(rate(f)).toLocaleString('en')}${f.flowsPerSec !== undefined ? ' flows/s' : ''} · ${f.p50Ms}/${f.p99Ms} ms · ${f.cpuMsPerUnit} ms CPU · ${Math.round(f.peakRssMb)} MB`);
  const lines = [
    `| scenario | ${columns.map(([, title]) => title).join(' | ')} | ours / ceiling | ours / peer | ours / peer (offline) | ours / floor | floor / peer |`,
    `|---|${columns.map(() => '---').join('|')}|---|---|---|---|---|`,
  ];
  for (const name of scenarioNames) {
    const r = ratios(results, name);
    lines.push(`| \`${name}\` | ${columns.map(([key]) => fmt(results[key][name])).join(' | ')} | ${r.oursToCeiling ?? '–'} | ${r.oursToPeer ?? '–'} | ${r.oursToPeerOffline ?? '–'} | ${r.oursToFloor ?? '–'} | ${r.floorToPeer ?? '–'} |`);
  }
  lines.push('', '| target | goal | this run | met |', '|---|---|---|---|');
  for (const t of targets) lines.push(`| \`${t.scenario}\` | ${t.goal} | ${t.value ?? '–'} | ${t.met === undefined ? '–' : t.met ? 'yes' : '**no**'} |`);
  lines.push('', `Machine: ${m.cores} cores (${m.cpu}), ${m.memoryGb} GB, Node ${m.node}, ${m.platform}; ${settings.duration} s per run after ${settings.warmup} s warm-up, ${settings.connections} connections.`);
  return lines.join('\n');
}

module.exports.markdown = markdown;
