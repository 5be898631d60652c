#!/usr/bin/env node
// Rewrites the mapping tables in docs/dialects.md from the dialects' own tables (after `npm run build`).
// test/dialect.mappingDocs.test.ts fails when the page and the code disagree.
import { readFileSync, writeFileSync } from 'node:fs';
import { findDialect } from '../dist/dialects/index.js';
import { mappingMarkdown } from '../dist/dialects/mappingDocs.js';

const path = new URL('../docs/dialects.md', import.meta.url);
let text = readFileSync(path, 'utf8');
text = text.replace(/(<!-- mapping:([a-z0-9]+) -->)[\s\S]*?(<!-- \/mapping:\2 -->)/g, (_m, open, name, close) => {
  const dialect = findDialect(name);
  if (!dialect) throw new Error(`docs/dialects.md names an unknown dialect: ${name}`);
  return `${open}\n${mappingMarkdown(dialect)}\n${close}`;
});
writeFileSync(path, text);
console.log('docs/dialects.md mapping tables rewritten');
