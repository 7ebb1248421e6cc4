#!/usr/bin/env node
'use strict';
// Prints a results document (bench/results/<date>.json) as the Markdown tables of bench/README.md.
//   node bench/markdown.js bench/results/<date>.json
const { readFileSync } = require('node:fs');
const { markdown } = require('./lib/report');

const [file] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/markdown.js bench/results/<date>.json');
  process.exit(2);
}
console.log(markdown(JSON.parse(readFileSync(file, 'utf8'))));
