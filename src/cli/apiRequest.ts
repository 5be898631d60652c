import { Agent, request } from 'undici';
import type { ClientConfig } from '../config.js';
import { CliError, usageError } from './CliError.js';

const TIMEOUT_MS = 10_000;

export interface ApiCall {
  readonly client: ClientConfig;
  readonly method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly query?: Readonly<Record<string, string | number | undefined>>;
  readonly body?: unknown;
  /** A 403 answers undefined instead of failing: the token was recognised, only refused here. */
  readonly forbiddenIsOk?: boolean;
  /** A 404 answers undefined instead of failing: for lookups where "gone" is an answer (a deleted webhook's name). */
  readonly notFoundIsOk?: boolean;
  /** Keep-alive connections of a caller that makes many calls (`hookline listen`); it closes them. */
  readonly agent?: Agent;
}

/** Sends one API call and returns the parsed JSON answer; any failure becomes a CliError. */
export async function apiRequest<T>(call: ApiCall): Promise<T> {
  const { client } = call;
  if (!client.token) throw usageError('no token: pass --token or set HOOKLINE_TOKEN');
  const url = new URL(client.url + call.path);
  for (const [name, value] of Object.entries(call.query ?? {})) {
    if (value !== undefined) url.searchParams.set(name, String(value));
  }
  const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${client.token}` };
  if (call.body !== undefined) headers['content-type'] = 'application/json';

  // A private agent, closed afterwards, so no keep-alive socket holds the process open.
  const agent = call.agent ?? new Agent({ connect: { timeout: TIMEOUT_MS } });
  try {
    let res: Awaited<ReturnType<typeof request>>;
    let text: string;
    try {
      res = await request(url, {
        method: call.method,
        headers,
        body: call.body === undefined ? undefined : JSON.stringify(call.body),
        dispatcher: agent,
        signal: AbortSignal.timeout(TIMEOUT_MS),
      });
      text = await res.body.text();
    } catch (err) {
      throw new CliError(`cannot reach Hookline at ${client.url}: ${reason(err)}; is \`hookline serve\` running?`, 1);
    }
    const contentType = String(res.headers['content-type'] ?? '');
    if (res.statusCode === 204 || (res.statusCode === 403 && call.forbiddenIsOk) || (res.statusCode === 404 && call.notFoundIsOk)) return undefined as T;
    if (res.statusCode >= 200 && res.statusCode < 300) return parseJson(text, client.url) as T;
    throw problemError(res.statusCode, contentType, text, client.url);
  } finally {
    if (!call.agent) await agent.close();
  }
}

function parseJson(text: string, baseUrl: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw new CliError(`${baseUrl} answered with something that is not JSON; is it a Hookline server?`, 1);
  }
}

function problemError(status: number, contentType: string, text: string, baseUrl: string): CliError {
  const exitCode = status >= 400 && status < 500 ? 2 : 1;
  if (/json/.test(contentType)) {
    try {
      const problem = JSON.parse(text) as { detail?: unknown; title?: unknown };
      const message = problem.detail ?? problem.title;
      if (typeof message === 'string' && message) return new CliError(message, exitCode);
    } catch {
      // Fall through to the bare status: a broken error body says nothing more useful.
    }
  }
  return new CliError(`${baseUrl} answered HTTP ${status}`, exitCode);
}

function reason(err: unknown): string {
  const e = err as { code?: unknown; name?: unknown; message?: unknown };
  switch (e.code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'host not found';
    case 'UND_ERR_CONNECT_TIMEOUT':
      return `no connection within ${TIMEOUT_MS / 1000} s`;
  }
  if (e.name === 'TimeoutError' || e.name === 'AbortError') return `no answer within ${TIMEOUT_MS / 1000} s`;
  return typeof e.message === 'string' && e.message ? e.message : String(e.code ?? err);
}
