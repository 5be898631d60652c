import type { QuickJSWASMModule } from 'quickjs-emscripten';
import { Sandbox, type SandboxOutcome } from './Sandbox.js';
import { TRANSFORM_MAX_SANDBOXES } from './transformLimits.js';

/**
 * Warm sandboxes by key (webhook id and code version): compiling costs about 25× a call, so
 * each code version is compiled once and reused; a new version gets a new key, so a saved
 * change never runs in the old one's heap, and two webhooks never share one.
 */
export class SandboxCache {
  // Map order is insertion order: re-inserting on use makes the first entry the least recent.
  private readonly sandboxes = new Map<string, Sandbox>();

  constructor(
    private readonly quickjs: QuickJSWASMModule,
    private readonly budgetMs?: number,
  ) {}

  call(key: string, code: string, requestJson: string): SandboxOutcome {
    let sandbox = this.sandboxes.get(key);
    if (sandbox) {
      this.sandboxes.delete(key);
    } else {
      try {
        sandbox = Sandbox.create(this.quickjs, code, this.budgetMs);
      } catch (err) {
        return { ok: false, message: (err as Error).message, broken: true };
      }
    }
    const outcome = sandbox.call(requestJson);
    if (outcome.ok || !outcome.broken) {
      this.sandboxes.set(key, sandbox);
      this.trim();
    } else {
      sandbox.dispose();
    }
    return outcome;
  }

  /** Drops every sandbox whose key starts with `prefix` (a webhook's, when its code changes). */
  forget(prefix: string): void {
    for (const [key, sandbox] of this.sandboxes) {
      if (key.startsWith(prefix)) {
        sandbox.dispose();
        this.sandboxes.delete(key);
      }
    }
  }

  get size(): number {
    return this.sandboxes.size;
  }

  private trim(): void {
    while (this.sandboxes.size > TRANSFORM_MAX_SANDBOXES) {
      const [key, oldest] = this.sandboxes.entries().next().value as [string, Sandbox];
      oldest.dispose();
      this.sandboxes.delete(key);
    }
  }
}
