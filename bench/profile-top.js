#!/usr/bin/env node
'use strict';
// Summarises a V8 .cpuprofile (from `node --cpu-prof`): the functions with the most self
// time, and self time per package or project file.
//   node bench/profile-top.js <file.cpuprofile> [--top 30]
const { readFileSync } = require('node:fs');

const [file, ...rest] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/profile-top.js <file.cpuprofile> [--top 30]');
  process.exit(2);
}
const top = Number(rest[rest.indexOf('--top') + 1]) || 30;
const profile = JSON.parse(readFileSync(file, 'utf8'));

// Self time per node: sample counts weighted by the time deltas between samples.
const selfMicros = new Map();
profile.samples.forEach((id, i) => selfMicros.set(id, (selfMicros.get(id) || 0) + (profile.timeDeltas[i] || 0)));
const total = [...selfMicros.values()].reduce((a, b) => a + b, 0);

function place(frame) {
  const url = frame.url || '';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  const project = url.match(/\/(dist\/src\/.*|src\/.*)$/);
  if (project) return project[1];
  if (url.startsWith('node:')) return url;
  return url ? url.split('/').slice(-2).join('/') : `(${frame.functionName || 'native'})`;
}

const byFunction = new Map();
const byPlace = new Map();
for (const node of profile.nodes) {
  const micros = selfMicros.get(node.id) || 0;
  if (!micros) continue;
  const frame = node.callFrame;
  const where = place(frame);
  const key = `${frame.functionName || '(anonymous)'}  ${where}:${frame.lineNumber + 1}`;
  byFunction.set(key, (byFunction.get(key) || 0) + micros);
  byPlace.set(where, (byPlace.get(where) || 0) + micros);
}

const print = (title, map, limit) => {
  console.log(`\n${title}`);
  for (const [key, micros] of [...map].sort((a, b) => b[1] - a[1]).slice(0, limit)) {
    console.log(`${(micros / 1000).toFixed(0).padStart(8)} ms ${((micros / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
  }
};
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled`);
print(`top ${top} functions by self time`, byFunction, top);
print('self time by package or file', byPlace, top);
