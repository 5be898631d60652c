import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig, type Config } from '../../src/config.js';
import { startHookline, type HooklineHandle } from '../../src/app.js';

export interface TestInstance {
  handle: HooklineHandle;
  url: string;
  adminToken: string;
  dir: string;
  dbUrl: string;
  api: ApiClient;
  stop(): Promise<void>;
}

export interface ApiResponse<T = unknown> {
  status: number;
  headers: Headers;
  body: T;
}

/** One request; `T` is the body the test expects back (see apiShapes.ts), unknown until it says. */
export type ApiClient = <T = unknown>(method: string, path: string, body?: unknown, token?: string | null) => Promise<ApiResponse<T>>;

export function apiClient(base: string, defaultToken: string | null): ApiClient {
  return async <T>(method: string, path: string, body?: unknown, token: string | null = defaultToken): Promise<ApiResponse<T>> => {
    const headers: Record<string, string> = {};
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    let parsed: unknown = text;
    try {
      parsed = text ? JSON.parse(text) : null;
    } catch {
      /* not JSON: keep the text */
    }
    // The body is what the server sent; the caller's T is its claim about it, checked by its assertions.
    return { status: res.status, headers: res.headers, body: parsed as T };
  };
}

/** A real Hookline on a real SQLite file in a temp dir, listening on a random loopback port. */
export async function startTestHookline(overrides: Partial<Record<keyof Config, string | number | boolean>> = {}): Promise<TestInstance> {
  const dir = mkdtempSync(join(tmpdir(), 'hookline-test-'));
  const dbUrl = `file:${join(dir, 'hookline.db')}`;
  const adminToken = 'test-admin-token-0123456789';
  const config = loadConfig({}, { port: 0, databaseUrl: dbUrl, adminToken, allowPrivateNetworks: true, pollMs: 50, logLevel: 'silent', ...overrides });
  const handle = await startHookline(config, { mode: 'serve', logger: pino({ level: 'silent' }) });
  const url = handle.url!;
  return {
    handle,
    url,
    adminToken,
    dir,
    dbUrl,
    api: apiClient(url, adminToken),
    async stop() {
      await handle.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
