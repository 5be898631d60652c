import { randomUUID } from 'node:crypto';
import { RESERVED_HEADERS, type SendErrorCode, type SendRequest, type SendResult } from '../dispatch/httpSender.js';

/** One connected `hookline listen`: a server-sent event stream. */
export interface ListenerStream {
  /** Sends one event; a stream whose connection is gone drops it (its close follows). */
  send(event: string, data: unknown): void;
  /** A comment line, so that proxies and the CLI see the connection is alive. */
  ping(): void;
  close(): void;
  /**
   * Whether the credential that opened the stream still reaches its business. Asked at every
   * keepalive and at once when a token is revoked on this process: a stream is one long
   * request, and a revoked token must not keep receiving its business's events.
   */
  authorized?(): Promise<boolean>;
}

/** What the CLI reports after re-sending one attempt to its local URL. */
export interface LocalResult {
  status_code: number | null;
  error: SendErrorCode | null;
  duration_ms: number;
  response_body: string | null;
}

export interface ListenerStreamsDeps {
  graceMs: number;
  userAgent: string;
  /** Makes the listener's parked deliveries due again (`Store.unparkWebhook`); resolves to how many. */
  unpark(webhookId: string): Promise<number>;
  /** The claim loop should look now. */
  wake(): void;
  /** Removes the listener's webhook (its grace period ran out). */
  remove(businessId: string, webhookId: string): Promise<void>;
  /** Whether the webhook still exists and is still a listener (not removed, not pointed at a real URL). */
  isListener(webhookId: string): Promise<boolean>;
  onError(err: Error): void;
}

/** Streams are pinged, and their listeners' parked deliveries looked at again, this often. */
export const KEEPALIVE_MS = 15_000;
/** The CLI has the webhook's timeout for its local request; this much more covers the round trip. */
const REPORT_MARGIN_MS = 5000;
/** As for any attempt (DESIGN.md: response bodies are kept up to 4 KiB). */
const MAX_RESPONSE_BYTES = 4096;

interface Pending {
  webhookId: string;
  stream: ListenerStream;
  startedAt: number;
  timer: NodeJS.Timeout;
  resolve(result: SendResult): void;
}

/**
 * The connected listeners of this process, by their webhook's id. An attempt for a listener is
 * sent down its newest stream and settles when the CLI reports what its local URL answered (or
 * the stream closes, or the report does not come in time), so a delivery counts as done only
 * once the local server had it. A listener without a stream is not available: the dispatcher
 * parks its deliveries, and a stream that connects makes them due again. One that stays without
 * a stream for the grace period is removed (docs/listen.md).
 */
export class ListenerStreams {
  private readonly streams = new Map<string, ListenerStream[]>();
  private readonly pending = new Map<string, Pending>();
  private readonly graceTimers = new Map<string, NodeJS.Timeout>();
  private readonly keepalive: NodeJS.Timeout;
  private stopped = false;

  constructor(private readonly deps: ListenerStreamsDeps) {
    this.keepalive = setInterval(() => this.tick(), KEEPALIVE_MS);
    this.keepalive.unref();
  }

  connected(webhookId: string): boolean {
    return (this.streams.get(webhookId)?.length ?? 0) > 0;
  }

  /** A stream connected; returns what to call when it closes. */
  attach(businessId: string, webhookId: string, stream: ListenerStream): () => void {
    if (this.stopped) {
      stream.close();
      return () => {};
    }
    const list = this.streams.get(webhookId) ?? [];
    list.push(stream);
    this.streams.set(webhookId, list);
    clearTimeout(this.graceTimers.get(webhookId));
    this.graceTimers.delete(webhookId);
    this.resume(webhookId);
    return () => this.detach(businessId, webhookId, stream);
  }

  /** A listener exists that has no stream yet (just created, or found at start): it has the grace period to connect. */
  expectConnection(businessId: string, webhookId: string): void {
    if (this.stopped || this.connected(webhookId) || this.graceTimers.has(webhookId)) return;
    const timer = setTimeout(() => {
      this.graceTimers.delete(webhookId);
      if (this.connected(webhookId)) return;
      this.deps.remove(businessId, webhookId).catch((err: Error & { code?: string }) => {
        if (err.code !== 'WEBHOOK_NOT_FOUND') this.deps.onError(err);
      });
    }, this.deps.graceMs);
    timer.unref();
    this.graceTimers.set(webhookId, timer);
  }

  /** The listener was removed: its streams are closed and nothing waits for it. */
  forget(webhookId: string): void {
    clearTimeout(this.graceTimers.get(webhookId));
    this.graceTimers.delete(webhookId);
    const list = this.streams.get(webhookId) ?? [];
    this.streams.delete(webhookId);
    for (const s of list) s.close();
  }

  /**
   * A webhook changed or went away (the webhooks service tells the engine, and this, after every
   * change). A listener removed through the webhook routes, or given a real URL, closes its
   * streams: the CLI's reconnect is then refused and it says so, instead of waiting forever.
   */
  changed(webhookId: string): void {
    if (!this.connected(webhookId)) return;
    this.deps.isListener(webhookId).then(
      (still) => still || this.forget(webhookId),
      (err: Error) => this.deps.onError(err),
    );
  }

  /** One attempt, down the listener's newest stream. Never rejects. */
  send(webhookId: string, req: SendRequest): Promise<SendResult> {
    const stream = this.streams.get(webhookId)?.at(-1);
    if (!stream) return Promise.resolve(notSent('connection_refused'));
    const startedAt = Date.now();
    const attemptId = randomUUID();
    const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': this.deps.userAgent };
    for (const [name, value] of Object.entries(req.headers)) if (!RESERVED_HEADERS.has(name.toLowerCase())) headers[name] = value;
    return new Promise<SendResult>((resolve) => {
      const timer = setTimeout(() => this.settle(attemptId, { ...notSent('timeout', startedAt), durationMs: Date.now() - startedAt }), req.timeoutMs + REPORT_MARGIN_MS);
      this.pending.set(attemptId, { webhookId, stream, startedAt, timer, resolve });
      stream.send('delivery', {
        attempt_id: attemptId,
        delivery_id: req.about?.deliveryId ?? null,
        event_id: req.about?.eventId ?? null,
        event_type: req.about?.eventType ?? null,
        attempt: req.about?.attempt ?? null,
        timeout_ms: req.timeoutMs,
        headers,
        body: req.body,
      });
    });
  }

  /** The CLI's report of one attempt; false when no such attempt of this listener is waiting. */
  report(webhookId: string, attemptId: string, result: LocalResult): boolean {
    const p = this.pending.get(attemptId);
    if (!p || p.webhookId !== webhookId) return false;
    this.settle(attemptId, {
      startedAt: p.startedAt,
      durationMs: result.duration_ms,
      statusCode: result.status_code,
      error: result.status_code === null ? (result.error ?? 'network') : null,
      responseBody: result.response_body === null ? null : cutToBytes(result.response_body, MAX_RESPONSE_BYTES),
      retryAfterMs: null,
    });
    return true;
  }

  /** Closes every stream; attempts still waiting end as `network` failures, retried later. */
  stop(): void {
    this.stopped = true;
    clearInterval(this.keepalive);
    for (const t of this.graceTimers.values()) clearTimeout(t);
    this.graceTimers.clear();
    for (const id of [...this.streams.keys()]) this.forget(id);
    for (const id of [...this.pending.keys()]) this.settle(id, notSent('network'));
  }

  private detach(businessId: string, webhookId: string, stream: ListenerStream): void {
    // What the closed stream was carrying cannot be reported any more: it fails now and is retried.
    for (const [id, p] of this.pending) if (p.stream === stream) this.settle(id, { ...notSent('connection_reset', p.startedAt), durationMs: Date.now() - p.startedAt });
    const current = this.streams.get(webhookId);
    // Absent: the listener was removed (forget), and nothing is left to expect.
    if (!current) return;
    const list = current.filter((s) => s !== stream);
    if (list.length > 0) return void this.streams.set(webhookId, list);
    this.streams.delete(webhookId);
    this.expectConnection(businessId, webhookId);
  }

  private settle(attemptId: string, result: SendResult): void {
    const p = this.pending.get(attemptId);
    if (!p) return;
    this.pending.delete(attemptId);
    clearTimeout(p.timer);
    p.resolve(result);
  }

  /**
   * Deliveries the dispatcher parked while the listener had no stream are made due. Done at
   * connect, and again at every keepalive: a park written just after a connect's unpark (the
   * dispatcher had looked a moment before) would otherwise wait for the next connect.
   */
  private resume(webhookId: string): void {
    this.deps.unpark(webhookId).then(
      (n) => n > 0 && this.deps.wake(),
      (err: Error) => this.deps.onError(err),
    );
  }

  private tick(): void {
    for (const [id, list] of this.streams) {
      for (const s of list) s.ping();
      this.resume(id);
    }
    this.recheck();
  }

  /**
   * Closes the streams whose credential no longer reaches their business (revoked, expired,
   * or the admin token replaced). A check that fails (the store is down) closes nothing: the
   * next one decides.
   */
  recheck(): void {
    for (const list of this.streams.values()) {
      for (const s of list) {
        s.authorized?.().then(
          (ok) => ok || s.close(),
          () => {},
        );
      }
    }
  }
}

/** An attempt that got no response from the local URL (or never reached the CLI). */
function notSent(error: SendErrorCode, startedAt = Date.now()): SendResult {
  return { startedAt, durationMs: 0, statusCode: null, error, responseBody: null, retryAfterMs: null };
}

/** The longest prefix of `text` that is at most `max` bytes of UTF-8, never ending in half a character. */
function cutToBytes(text: string, max: number): string {
  const bytes = Buffer.from(text, 'utf8');
  if (bytes.length <= max) return text;
  return new TextDecoder().decode(bytes.subarray(0, max), { stream: true });
}
