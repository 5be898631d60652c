import { request, type Agent } from 'undici';
import { mapSendError, type SendErrorCode } from '../../dispatch/mapSendError.js';

export interface LocalRequest {
  url: string;
  headers: Record<string, string>;
  body: string;
  timeoutMs: number;
}

export interface LocalResult {
  status_code: number | null;
  error: SendErrorCode | null;
  duration_ms: number;
  response_body: string | null;
}

/** What the server keeps of a response; reading more would only be thrown away. */
const KEEP_BYTES = 4096;

/**
 * Re-sends one delivery to the developer's local URL with the headers and body the server
 * rendered and signed, so the local receiver verifies it exactly as it would in production.
 * Never rejects: a failure is a result with an error code, as the server's own sender reports.
 */
export async function forwardLocally(agent: Agent, req: LocalRequest): Promise<LocalResult> {
  const t0 = performance.now();
  const ms = (): number => Math.round(performance.now() - t0);
  try {
    const res = await request(req.url, { method: 'POST', headers: req.headers, body: req.body, dispatcher: agent, signal: AbortSignal.timeout(req.timeoutMs) });
    const chunks: Buffer[] = [];
    let size = 0;
    for await (const chunk of res.body) {
      chunks.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= KEEP_BYTES) break;
    }
    if (size >= KEEP_BYTES) res.body.destroy();
    const bytes = Buffer.concat(chunks).subarray(0, KEEP_BYTES);
    return { status_code: res.statusCode, error: null, duration_ms: ms(), response_body: new TextDecoder().decode(bytes, { stream: true }) };
  } catch (err) {
    const name = (err as { name?: unknown }).name;
    const error: SendErrorCode = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : mapSendError(err);
    // The server's report route takes only what a local request can end in.
    return { status_code: null, error: error === 'blocked_target' || error === 'invalid_request' ? 'network' : error, duration_ms: ms(), response_body: null };
  }
}
