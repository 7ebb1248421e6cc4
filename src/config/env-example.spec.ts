import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Environment } from './environment';

describe('.env.example', () => {
  it('lists every variable the server reads', () => {
    const text = readFileSync(join(__dirname, '..', '..', '.env.example'), 'utf8');
    const listed = new Set([...text.matchAll(/^#? ?([A-Z][A-Z0-9_]*)=/gm)].map((match) => match[1]));
    const missing = Object.keys(new Environment()).filter((variable) => !listed.has(variable));
    expect(missing).toEqual([]);
  });
});
