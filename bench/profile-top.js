#!/usr/bin/env node
'use strict';
// Summarises a V8 .cpuprofile (from `node --cpu-prof`, e.g. `node bench/run.js --profile dir`):
// the functions with the most self time, self time per package or project file, and the
// inclusive time of the project's own functions (what each of our calls costs with all it calls).
//   node bench/profile-top.js <file.cpuprofile> [--top 30] [--last <seconds>] [--callers <name>]
// --last keeps only the final seconds of the profile: the measured run, not start-up and seeding.
// --callers lists the heaviest call stacks that lead to functions named <name> (or in a package of that name).
const { readFileSync } = require('node:fs');

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-top.js <file.cpuprofile> [--top 30] [--last <seconds>]');
  process.exit(2);
}
const option = (name) => (rest.includes(name) ? Number(rest[rest.indexOf(name) + 1]) : undefined);
const top = option('--top') || 30;
const last = option('--last');
const callers = rest.includes('--callers') ? rest[rest.indexOf('--callers') + 1] : undefined;
const profile = JSON.parse(readFileSync(file, 'utf8'));

const nodes = new Map(profile.nodes.map((node) => [node.id, node]));
const parents = new Map();
for (const node of profile.nodes) for (const child of node.children || []) parents.set(child, node.id);

// Sample i lasted timeDeltas[i + 1]; keep the samples inside the window.
const deltas = profile.timeDeltas;
const span = deltas.reduce((a, b) => a + b, 0);
const from = last ? span - last * 1e6 : 0;
const selfMicros = new Map();
let clock = 0;
profile.samples.forEach((id, i) => {
  clock += deltas[i] || 0;
  if (clock >= from) selfMicros.set(id, (selfMicros.get(id) || 0) + (deltas[i + 1] || 0));
});
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);

function place(frame) {
  const url = frame.url || '';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  const project = url.match(/\/((?:dist\/)?src\/.*)$/);
  if (project) return project[1];
  if (url.startsWith('node:')) return url;
  return url ? url.split('/').slice(-2).join('/') : `(${frame.functionName || 'native'})`;
}
const label = (frame) => `${frame.functionName || '(anonymous)'}  ${place(frame)}:${frame.lineNumber + 1}`;
const isProject = (frame) => /\/(dist\/)?src\//.test(frame.url || '') && !/node_modules/.test(frame.url || '');

// Coarse layers, to say which part of the stack a request's time goes to.
const LAYERS = [
  ['idle', /^\(\(idle\)\)$/],
  ['garbage collector', /garbage collector/],
  ['native (program)', /^\(\(program\)\)$/],
  ['database driver (sqlite3, pg)', /^(sqlite3|pg|pg-[\w-]+|postgres-[\w-]+)$/],
  ['TypeORM', /^typeorm$/],
  ['crypto (jose, node:crypto)', /^(jose|node:internal\/crypto\/.*)$/],
  ['logging (pino)', /^(pino|pino-http|pino-std-serializers|@pinojs\/.*|nestjs-pino|sonic-boom|fast-redact)$/],
  ['framework (Nest, Fastify, middleware)', /^(@nestjs\/.*|@fastify\/.*|fastify|find-my-way|avvio|fast-querystring|secure-json-parse|express|router|body-parser|raw-body|type-is|qs|helmet|cookie-parser|cookie|passport|passport-jwt|path-to-regexp|rxjs|class-validator|class-transformer|finalhandler|send|on-finished|content-type|accepts|negotiator|mime-types|depd|iconv-lite|reflect-metadata)$/],
  ['this project (src)', /^(dist\/)?src\//],
  ['node http, net, streams', /^(node:_http|node:net|node:internal\/streams|node:events|node:internal\/stream|\(writev\)|node:internal\/http|node:_stream)/],
];
const layerOf = (where) => (LAYERS.find(([, pattern]) => pattern.test(where)) || ['other (node internals, etc.)'])[0];

const byFunction = new Map();
const byLayer = new Map();
const stacks = new Map();
const byPlace = new Map();
const inclusive = new Map();
const add = (map, key, micros) => map.set(key, (map.get(key) || 0) + micros);
for (const [id, micros] of selfMicros) {
  const frame = nodes.get(id).callFrame;
  add(byFunction, label(frame), micros);
  add(byPlace, place(frame), micros);
  add(byLayer, layerOf(place(frame)), micros);
  if (callers && (frame.functionName === callers || place(frame) === callers)) {
    const chain = [];
    for (let at = id; at !== undefined && chain.length < 14; at = parents.get(at)) {
      const f = nodes.get(at).callFrame;
      if (f.functionName !== '(root)') chain.push(`${f.functionName || '(anonymous)'}@${place(f)}:${f.lineNumber + 1}`);
    }
    add(stacks, chain.join(' < '), micros);
  }
  const seen = new Set();
  for (let at = id; at !== undefined; at = parents.get(at)) {
    const ancestor = nodes.get(at).callFrame;
    const key = label(ancestor);
    if (isProject(ancestor) && !seen.has(key)) {
      seen.add(key);
      add(inclusive, key, micros);
    }
  }
}

const print = (title, map, limit) => {
  console.log(`\n${title}`);
  for (const [key, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    console.log(`${(micros / 1000).toFixed(0).padStart(8)} ms ${((micros / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
  }
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled${last ? ` (the last ${last} s)` : ''}`);
print('self time by layer', byLayer, LAYERS.length + 1);
print(`top ${top} functions by self time`, byFunction, top);
print('self time by package or file', byPlace, top);
print('inclusive time of project functions (with everything they call)', inclusive, top);
if (callers) print(`call stacks into ${callers}`, stacks, 10);
