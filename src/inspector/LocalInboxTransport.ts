import { RESERVED_HEADERS, type SendRequest, type SendResult, type Sender } from '../dispatch/httpSender.js';
import type { LocalInboxes } from './LocalInboxes.js';

/**
 * A Sender consulted before the network one: a request for one of this server's own test
 * inboxes is handed to the inbox in this process, everything else goes to `network` unchanged
 * (and through its SSRF guard). The inbox records what the network would have delivered: the
 * same body, Hookline's own headers, then the webhook's and its dialect's, in that order.
 */
export function withLocalInboxes(network: Sender, inboxes: LocalInboxes, userAgent: string): Sender {
  return {
    ready: () => network.ready(),
    close: () => network.close(),
    destroy: () => network.destroy(),
    send(req) {
      const id = inboxes.inboxIdOf(req.url);
      return id === null ? network.send(req) : handOver(inboxes, id, req, userAgent);
    },
  };
}

async function handOver(inboxes: LocalInboxes, id: string, req: SendRequest, userAgent: string): Promise<SendResult> {
  const startedAt = Date.now();
  const t0 = performance.now();
  const url = new URL(req.url);
  const body = Buffer.from(req.body);
  const headers: [string, string][] = [
    ['host', url.host],
    ['content-type', 'application/json'],
    ['user-agent', userAgent],
    ['content-length', String(body.length)],
  ];
  for (const [name, value] of Object.entries(req.headers)) if (!RESERVED_HEADERS.has(name.toLowerCase())) headers.push([name, value]);
  const done = (statusCode: number | null, responseBody: string | null, error: SendResult['error'] = null): SendResult => ({
    startedAt,
    durationMs: Math.round(performance.now() - t0),
    statusCode,
    error,
    responseBody,
    retryAfterMs: null,
  });
  // Sender.send never rejects; the inbox reads the store for its signature check, which can fail.
  try {
    const stored = await inboxes.receive(id, { method: req.method ?? 'POST', path: url.pathname + url.search, headers, body }, startedAt);
    if (!stored) return done(404, JSON.stringify({ code: 'NOT_FOUND', detail: `No test inbox "${id}"; create one in the dashboard's Inspector.` }));
    return done(200, JSON.stringify({ received: true, inbox: id, seq: stored.seq }));
  } catch {
    return done(null, null, 'network');
  }
}
