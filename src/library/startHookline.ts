import { startHookline as startInstance, type HooklineHandle } from '../app.js';
import { loadConfig, type Config } from '../config.js';
import type { Logger } from 'pino';

/** A setting as an embedding program passes it: the same names and bounds as `Config`. */
export type HooklineSettings = Partial<Record<keyof Config, string | number | boolean | null>>;

export interface EmbedOptions {
  /** serve (default): the HTTP API, the dashboard and the dispatcher; worker: the engine alone. */
  mode?: 'serve' | 'worker';
  /** Settings by name (`databaseUrl`, `port`, …); they win over `env`. Unset ones take the defaults. */
  settings?: HooklineSettings;
  /**
   * Environment variables to read settings from (HOOKLINE_*). Not read unless passed, so that a
   * host program's environment never configures the instance behind its back: pass process.env
   * to opt in.
   */
  env?: Record<string, string | undefined>;
  /** A pino logger to write to; by default one is made at `settings.logLevel`. */
  logger?: Logger;
}

/**
 * Starts Hookline inside the calling process (docs/library.md). Settings are validated exactly
 * as the CLI validates its flags, so a bad one throws a HooklineError naming what to fix.
 */
export function startHookline(options: EmbedOptions = {}): Promise<HooklineHandle> {
  const config = loadConfig(options.env ?? {}, options.settings ?? {});
  return startInstance(config, { mode: options.mode ?? 'serve', ...(options.logger ? { logger: options.logger } : {}) });
}
