#!/usr/bin/env node
// Bundles the dashboard (src/ui) into dist/ui with esbuild: one JS and one CSS file, named by
// content hash so the server can let browsers cache them forever, and an index.html that
// names them. No CDN and no runtime loader: the server works offline.
import { build } from 'esbuild';
import { mkdirSync, readFileSync, rmSync, writeFileSync, copyFileSync } from 'node:fs';
import { basename, join } from 'node:path';

const src = 'src/ui';
const out = 'dist/ui';
rmSync(out, { recursive: true, force: true });
mkdirSync(out, { recursive: true });

const started = Date.now();
const result = await build({
  entryPoints: { app: join(src, 'main.tsx') },
  outdir: out,
  entryNames: '[name]-[hash]',
  bundle: true,
  minify: true,
  format: 'esm',
  target: ['chrome100', 'firefox100', 'safari15'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  metafile: true,
  legalComments: 'none',
  // The logo is inlined where the stylesheet uses it (the CSP allows data: images).
  loader: { '.svg': 'dataurl' },
  logLevel: 'warning',
});

const outputs = Object.keys(result.metafile.outputs).map((p) => basename(p));
const js = outputs.find((f) => f.endsWith('.js'));
const css = outputs.find((f) => f.endsWith('.css'));
if (!js || !css) throw new Error(`esbuild produced ${outputs.join(', ')}; expected one .js and one .css`);

const html = readFileSync(join(src, 'index.html'), 'utf8').replaceAll('{{app.js}}', `/ui/${js}`).replaceAll('{{app.css}}', `/ui/${css}`);
writeFileSync(join(out, 'index.html'), html);
copyFileSync(join(src, 'favicon.svg'), join(out, 'favicon.svg'));

const size = (f) => (readFileSync(join(out, f)).length / 1024).toFixed(1);
console.log(`dist/ui: ${js} (${size(js)} KiB), ${css} (${size(css)} KiB) in ${Date.now() - started} ms`);
