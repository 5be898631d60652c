import { Agent, request } from 'undici';
import type { ClientConfig } from '../../config.js';

export interface ServerSentEvent {
  event: string;
  data: string;
}

/** The server pings every 15 s; three pings missed means the connection is dead, whatever TCP thinks. */
const SILENCE_MS = 45_000;
const CONNECT_MS = 10_000;

/** A stream that could not be opened, or ended: `retry` says whether reconnecting can help. */
export class StreamEnded extends Error {
  constructor(
    message: string,
    readonly retry: boolean,
  ) {
    super(message);
  }
}

/**
 * Opens a server-sent event stream and calls `onEvent` for each event until it ends (always by
 * throwing a StreamEnded) or `signal` aborts it (resolves). Only what `hookline listen` needs
 * of the format: `event:` and `data:` lines, comments, blank-line separators.
 */
export async function readEventStream(client: ClientConfig, path: string, signal: AbortSignal, onEvent: (e: ServerSentEvent) => void): Promise<void> {
  const agent = new Agent({ connect: { timeout: CONNECT_MS }, headersTimeout: CONNECT_MS, bodyTimeout: SILENCE_MS });
  try {
    let res: Awaited<ReturnType<typeof request>>;
    try {
      res = await request(new URL(client.url + path), {
        method: 'GET',
        headers: { accept: 'text/event-stream', authorization: `Bearer ${client.token}` },
        dispatcher: agent,
        signal,
      });
    } catch (err) {
      if (signal.aborted) return;
      throw new StreamEnded(`cannot reach ${client.url}: ${(err as Error).message}`, true);
    }
    if (res.statusCode !== 200) {
      const text = await res.body.text().catch(() => '');
      let detail = `HTTP ${res.statusCode}`;
      try {
        const problem = JSON.parse(text) as { detail?: unknown };
        if (typeof problem.detail === 'string') detail = problem.detail;
      } catch {
        // Not a problem document: the status says enough.
      }
      // A server error or an unavailable store may pass; a refusal (401, 404) will not.
      throw new StreamEnded(detail, res.statusCode >= 500);
    }
    let buffer = '';
    try {
      for await (const chunk of res.body) {
        buffer += (chunk as Buffer).toString('utf8').replace(/\r\n?/g, '\n');
        let end: number;
        while ((end = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          const e = parseBlock(block);
          if (e) onEvent(e);
        }
      }
    } catch (err) {
      if (signal.aborted) return;
      throw new StreamEnded(`the stream broke: ${(err as Error).message}`, true);
    }
    if (signal.aborted) return;
    throw new StreamEnded('the server closed the stream', true);
  } finally {
    await agent.destroy().catch(() => {});
  }
}

function parseBlock(block: string): ServerSentEvent | null {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line === '' || line.startsWith(':')) continue;
    const colon = line.indexOf(':');
    const field = colon < 0 ? line : line.slice(0, colon);
    const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (field === 'event') event = value;
    else if (field === 'data') data.push(value);
  }
  return data.length === 0 ? null : { event, data: data.join('\n') };
}
