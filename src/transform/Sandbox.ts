import type { QuickJSContext, QuickJSHandle, QuickJSRuntime, QuickJSWASMModule } from 'quickjs-emscripten';
import { TRANSFORM_BUDGET_MS, TRANSFORM_MEMORY_BYTES, TRANSFORM_MAX_OUTPUT_CHARS, TRANSFORM_SETUP_BUDGET_FACTOR, TRANSFORM_STACK_BYTES } from './transformLimits.js';

/**
 * What one call of a sandbox's handler gives back, or why not. `json` is two JSON texts on one
 * line each: the returned request without its body (and its `shape`), then the body as it
 * will be sent ('' when there is none), so the dispatcher's thread never parses or
 * re-serialises the body itself.
 */
export type SandboxOutcome = { ok: true; json: string } | { ok: false; message: string; broken: boolean };

// Captured before the business's code runs, so that code replacing JSON.parse or JSON.stringify
// changes only what it itself calls, never how Hookline reads its answer: what the real
// JSON.stringify writes is JSON, and never holds a raw line break.
const PRELUDE = `(function () {
  const parse = JSON.parse, stringify = JSON.stringify, isArray = Array.isArray;
  return function run(handler, text) {
    const r = handler(parse(text));
    if (r === null || typeof r !== 'object' || isArray(r)) return stringify({ shape: r === null ? 'null' : isArray(r) ? 'array' : typeof r }) + '\\n';
    const body = r.body === undefined ? undefined : stringify(r.body);
    return stringify({ shape: 'object', cancel: r.cancel, method: r.method, url: r.url, headers: r.headers }) + '\\n' + (body === undefined ? '' : body);
  };
})()`;

/**
 * One webhook's transformation, compiled once in its own QuickJS runtime (its own heap, its
 * own globals) and called once per attempt. QuickJS offers the script nothing but the
 * language itself: no require, no network, no file system, no timers, no process.
 */
export class Sandbox {
  private constructor(
    private readonly runtime: QuickJSRuntime,
    private readonly context: QuickJSContext,
    private readonly run: QuickJSHandle,
    private readonly handler: QuickJSHandle,
    private readonly budgetMs: number,
  ) {}

  /** Compiles `code` and runs its top level; throws an Error whose message says what is wrong. */
  static create(quickjs: QuickJSWASMModule, code: string, budgetMs = TRANSFORM_BUDGET_MS): Sandbox {
    const runtime = quickjs.newRuntime();
    runtime.setMemoryLimit(TRANSFORM_MEMORY_BYTES);
    runtime.setMaxStackSize(TRANSFORM_STACK_BYTES);
    const context = runtime.newContext();
    const handles: QuickJSHandle[] = [];
    try {
      // Compiling, and the first calls into WebAssembly that V8 compiles lazily, cost more than a
      // call: a loaded machine took over 50 ms for them, so the top level gets a larger budget.
      const setupMs = budgetMs * TRANSFORM_SETUP_BUDGET_FACTOR;
      const run = evaluate(runtime, context, PRELUDE, 'prelude.js', setupMs);
      handles.push(run);
      evaluate(runtime, context, code, 'transformation.js', setupMs).dispose();
      const handler = context.getProp(context.global, 'handler');
      handles.push(handler);
      if (context.typeof(handler) !== 'function') throw new Error('the code must define function handler(request) { … return request; }');
      return new Sandbox(runtime, context, run, handler, budgetMs);
    } catch (err) {
      for (const h of handles) h.dispose();
      context.dispose();
      runtime.dispose();
      throw err;
    }
  }

  /** Calls the handler with `requestJson` within the CPU budget. `broken`: the sandbox must not be used again. */
  call(requestJson: string): SandboxOutcome {
    const { runtime, context } = this;
    const deadline = Date.now() + this.budgetMs;
    runtime.setInterruptHandler(() => Date.now() > deadline);
    const arg = context.newString(requestJson);
    try {
      const result = context.callFunction(this.run, context.undefined, this.handler, arg);
      if (result.error) {
        const message = describe(context, result.error);
        result.error.dispose();
        // After an interrupt or an exhausted heap the runtime's state is not to be trusted again.
        return { ok: false, message, broken: /^(interrupted|out of memory|stack overflow)/.test(rawMessage(message)) };
      }
      const kind = context.typeof(result.value);
      const json = kind === 'string' ? context.getString(result.value) : null;
      result.value.dispose();
      if (json === null) return { ok: false, message: 'handler(request) must return the request to send (an object), or an object with cancel: true', broken: false };
      if (json.length > TRANSFORM_MAX_OUTPUT_CHARS) return { ok: false, message: `the returned request is larger than ${TRANSFORM_MAX_OUTPUT_CHARS} characters of JSON`, broken: false };
      return { ok: true, json };
    } finally {
      arg.dispose();
      runtime.removeInterruptHandler();
    }
  }

  dispose(): void {
    try {
      this.run.dispose();
      this.handler.dispose();
      this.context.dispose();
      this.runtime.dispose();
    } catch {
      // A runtime that ran out of memory may refuse to free cleanly; it is dropped all the same.
    }
  }
}

function evaluate(runtime: QuickJSRuntime, context: QuickJSContext, code: string, filename: string, budgetMs: number): QuickJSHandle {
  const deadline = Date.now() + budgetMs;
  runtime.setInterruptHandler(() => Date.now() > deadline);
  try {
    const result = context.evalCode(code, filename, { type: 'global' });
    if (result.error) {
      const message = describe(context, result.error);
      result.error.dispose();
      throw new Error(message);
    }
    return result.value;
  } finally {
    runtime.removeInterruptHandler();
  }
}

function rawMessage(described: string): string {
  return described.replace(/^[A-Za-z]*Error: /, '');
}

/** An exception from the sandbox as one line a business can act on. */
function describe(context: QuickJSContext, error: QuickJSHandle): string {
  const dumped: unknown = context.dump(error);
  const name = typeof dumped === 'object' && dumped !== null && typeof (dumped as { name?: unknown }).name === 'string' ? (dumped as { name: string }).name : 'Error';
  const message =
    typeof dumped === 'object' && dumped !== null && 'message' in dumped ? String((dumped as { message: unknown }).message) : String(dumped);
  if (message === 'interrupted') return `interrupted: the transformation ran past its ${TRANSFORM_BUDGET_MS} ms CPU budget`;
  if (message === 'out of memory') return `out of memory: the transformation went past its ${TRANSFORM_MEMORY_BYTES / 1024 / 1024} MB memory cap`;
  if (message === 'stack overflow') return 'stack overflow: the transformation recursed too deeply';
  return `${name}: ${message}`.slice(0, 500);
}
