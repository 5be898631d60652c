// Which stage of a delivery's life a CPU profile sample belongs to (issue 19's budget table):
// ingest parse + validate, store publish, dispatch, render + sign, send, record outcome, GC.
// A sample's stack is read from the leaf up; the first frame a rule names decides. Frames of
// plumbing that serves every stage (the store thread's message loop, SqliteDatabase's
// transactions, Node internals, better-sqlite3) decide nothing, so a COMMIT is charged to the
// publish or the outcome record that asked for it, and a postMessage to whoever sent it.
import { readFileSync } from 'node:fs';

export const STAGES = ['ingest parse + validate', 'store publish', 'dispatch', 'render + sign', 'send', 'record outcome', 'GC', 'other'];

// Hookline's files under dist/, by path: the stage they do, or null to look further up.
const byFile = [
  [/^(api|auth|catalog)\//, () => 'ingest parse + validate'],
  [/^publish\/Publisher\.js$/, (fn) => (fn === 'validate' ? 'ingest parse + validate' : 'store publish')],
  [/^publish\//, () => 'store publish'],
  [/^(dialects|secrets)\/|^dispatch\/renderAndSend\.js$/, () => 'render + sign'],
  [/^dispatch\/(SenderThread|httpSender|senderThreadMain|ResponseReader|ssrfGuard|parseIpAddress|mapSendError)\.js$|^inspector\//, () => 'send'],
  [/^dispatch\/(OutcomeRecorder|HeldWrites|writeUntilStored|retryPolicy|ResultFanOut|HealthTracker|EndpointHealth)\.js$/, () => 'record outcome'],
  [/^dispatch\//, () => 'dispatch'],
  // The stores: what the statement is for, by the store method's name.
  [/^store\/(sqlite|postgres)\/(SqliteDeliveries|PostgresDeliveries|publishEvents|recordAttemptOutcomes|claimDueDeliveries)\.js$/, storeMethod],
  [/^store\/(sqlite|postgres)\/flowControl\.js$/, () => 'dispatch'],
];

function storeMethod(fn, file) {
  if (/publish/i.test(fn) || /publishEvents/.test(file)) return 'store publish';
  if (/record|outcome|fail|park/i.test(fn) || /recordAttemptOutcomes/.test(file)) return 'record outcome';
  if (/claim|lease|renew|release|unpark/i.test(fn) || /claimDue/.test(file)) return 'dispatch';
  return null;
}

// Packages that do one stage's work whoever calls them.
const byPackage = [
  [/^(fastify|@fastify|find-my-way|avvio|light-my-request|fast-json-stringify|secure-json-parse|ajv|ajv-formats|fast-uri|pino)$/, 'ingest parse + validate'],
  [/^undici$/, 'send'],
];

function frameStage(frame) {
  const url = frame.url ?? '';
  const dist = url.indexOf('/dist/');
  if (dist >= 0) {
    const path = url.slice(dist + 6);
    for (const [re, decide] of byFile) if (re.test(path)) return decide(frame.functionName, path);
    return null;
  }
  const nm = url.lastIndexOf('/node_modules/');
  if (nm >= 0) {
    const parts = url.slice(nm + 14).split('/');
    const pkg = parts[0].startsWith('@') ? `${parts[0]}/${parts[1]}` : parts[0];
    for (const [re, stage] of byPackage) if (re.test(pkg)) return stage;
  }
  return null;
}

/**
 * Milliseconds of busy samples per stage in one profile, counted from the first sample of stage
 * `window[0]` to the last of `window[1]`, and busy outside that window (start-up, shutdown).
 * A sample's milliseconds are wall time since the previous sample: on a machine whose cores
 * are shared they include time the thread waited to run, so use them as shares, not as CPU.
 * `fallback` is the stage of a sample no rule names: the sender thread's own loop is sending,
 * the main thread's HTTP parsing is ingest.
 */
export function stagesOfProfile(file, fallback, window) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const stageOfNode = new Map();
  const decide = (node) => {
    if (stageOfNode.has(node.id)) return stageOfNode.get(node.id);
    const name = node.callFrame.functionName;
    let stage = null;
    if (name === '(idle)') stage = 'idle';
    else if (name === '(garbage collector)') stage = 'GC';
    else if (name === '(program)') stage = 'other';
    else {
      for (let n = node; n && !stage; n = byId.get(parent.get(n.id))) stage = frameStage(n.callFrame);
      stage ??= fallback(node, byId, parent);
    }
    stageOfNode.set(node.id, stage);
    return stage;
  };
  const samples = profile.samples.map((id, i) => ({ stage: decide(byId.get(id)), ms: (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000 }));
  const from = samples.findIndex((x) => x.stage === window[0]);
  const to = samples.findLastIndex((x) => x.stage === window[1]);
  const out = Object.fromEntries(STAGES.map((s) => [s, 0]));
  let outside = 0;
  for (let i = 0; i < samples.length; i++) {
    if (samples[i].stage === 'idle') continue;
    if (i >= from && i <= to && from >= 0) out[samples[i].stage] += samples[i].ms;
    else outside += samples[i].ms;
  }
  return { ms: out, outsideMs: outside };
}

/** The main thread's unnamed samples: Node's HTTP server reading requests is ingest; the rest is other. */
export function mainFallback(node, byId, parent) {
  for (let n = node; n; n = byId.get(parent.get(n.id))) {
    if (/node:(_http_server|_http_common|net|internal\/stream_base_commons)/.test(n.callFrame.url ?? '')) return 'ingest parse + validate';
  }
  return 'other';
}
