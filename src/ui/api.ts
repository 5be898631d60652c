import { loadSession } from './session.js';
import { PORTAL_HEADER, portalMode } from './portal/mode.js';

/** An API answer that was not 2xx, carrying the problem+json `detail` that says what to fix. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    readonly errors: { pointer: string; message: string }[] = [],
  ) {
    super(detail);
  }
}

let onUnauthorized: (message: string) => void = () => {};

/** Called when the token stops working, so the app can return to the sign-in page. */
export function setUnauthorizedHandler(fn: (message: string) => void): void {
  onUnauthorized = fn;
}

export async function api<T>(method: string, path: string, body?: unknown, token = portalMode ? undefined : loadSession()?.token): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  // The portal's HttpOnly cookie counts only on requests that carry this header (src/auth/PortalAuth.ts).
  else if (portalMode) headers[PORTAL_HEADER] = '1';
  if (body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), cache: 'no-store' });
  } catch {
    throw new ApiError(0, 'NETWORK', 'Hookline cannot be reached; check that the server is running and try again.');
  }
  const text = await res.text();
  const json = text ? safeJson(text) : null;
  if (res.ok) return json as T;
  const problem = (json ?? {}) as { code?: string; detail?: string; errors?: { pointer: string; message: string }[] };
  const err = new ApiError(res.status, problem.code ?? `HTTP_${res.status}`, problem.detail ?? `The server answered ${res.status}.`, problem.errors);
  // Only a signed-in session's credential can stop working; a token being tried on the sign-in
  // page is refused there, once, not also as a "signed out" notice (issue 14).
  if (res.status === 401 && ((token && token === loadSession()?.token) || portalMode)) onUnauthorized(err.detail);
  throw err;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return { detail: text.slice(0, 300) };
  }
}

/** `/v1/businesses/{b}` with the id escaped, the prefix of every business route. */
export const biz = (b: string): string => `/v1/businesses/${encodeURIComponent(b)}`;

export const qs = (params: Record<string, string | number | undefined | null>): string => {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
};
