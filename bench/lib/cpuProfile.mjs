// Summarises a V8 .cpuprofile (node --cpu-prof): self time per function and per module, so a
// missed target is explained by where the Hookline process spent its CPU, not by a guess.
import { readFileSync } from 'node:fs';

/** Which module a frame belongs to: a package, a folder of Hookline's dist/, or Node itself. */
export function moduleOf(url) {
  if (!url) return null;
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 14).split('/');
    return parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
  }
  const dist = url.indexOf('/dist/');
  if (dist >= 0) {
    const parts = url.slice(dist + 6).split('/');
    return `hookline ${parts.length > 1 ? parts.slice(0, -1).join('/') : parts[0].replace(/\.js$/, '')}`;
  }
  if (url.startsWith('node:')) {
    const parts = url.slice(5).split('/');
    return `node:${parts[0] === 'internal' && parts.length > 2 ? `internal/${parts[1]}` : parts[0]}`;
  }
  return url.replace(/^.*\//, '');
}

export function summariseProfile(file, top = 15) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000);
  }
  // Native calls (better-sqlite3's statements, crypto, JSON) have no URL: charge them to the
  // module that called them, which is where the fix would be.
  const moduleOfNode = (node) => {
    for (let n = node; n; n = byId.get(parent.get(n.id))) {
      const m = moduleOf(n.callFrame.url);
      if (m) return n === node ? m : `${m} (native)`;
    }
    return 'V8 / native';
  };
  let total = 0;
  let idle = 0;
  const modules = new Map();
  const functions = new Map();
  for (const [id, ms] of self) {
    const node = byId.get(id);
    const name = node.callFrame.functionName || '(anonymous)';
    total += ms;
    if (name === '(idle)') {
      idle += ms;
      continue;
    }
    const module = name === '(garbage collector)' ? 'GC' : name === '(program)' ? 'V8 / native' : moduleOfNode(node);
    modules.set(module, (modules.get(module) ?? 0) + ms);
    const file = node.callFrame.url ? `${node.callFrame.url.replace(/^.*\//, '')}:${node.callFrame.lineNumber + 1}` : '';
    const key = `${name}\u0000${module}\u0000${file}`;
    functions.set(key, (functions.get(key) ?? 0) + ms);
  }
  const busy = total - idle;
  const pct = (ms) => (busy > 0 ? (100 * ms) / busy : 0);
  return {
    totalMs: total,
    busyMs: busy,
    idlePct: total > 0 ? (100 * idle) / total : 0,
    modules: [...modules].sort((a, b) => b[1] - a[1]).slice(0, top).map(([module, ms]) => ({ module, ms, pct: pct(ms) })),
    functions: [...functions]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([key, ms]) => {
        const [name, module, where] = key.split('\u0000');
        return { name, module, where, ms, pct: pct(ms) };
      }),
  };
}
