import type { AttemptOutcome, DispatchItem, WebhookRow } from '../store/Store.js';
import type { Span, Tracing } from './Tracing.js';
import { formatTraceparent, newSpanId, parseTraceContext, type TraceContext } from './traceContext.js';

/**
 * The trace of one attempt: a span from the delivery's claim to its recorded outcome, with
 * children for rendering, the HTTP request (a client span) and the record, under the event's
 * stored context; and the `traceparent`/`tracestate` the request carries, so the receiver's
 * trace continues it with a span id of this attempt's own (docs/observability.md).
 */
export class AttemptTracer {
  private constructor(
    private readonly tracing: Tracing | null,
    private readonly propagate: boolean,
  ) {}

  /** Null when neither tracing nor propagation is on: the dispatcher then skips every call. */
  static create(tracing: Tracing | null, propagate: boolean): AttemptTracer | null {
    return tracing || propagate ? new AttemptTracer(tracing, propagate) : null;
  }

  /**
   * Null when there is nothing to do: tracing off and an event that carries no trace. `held`
   * says when this process took each delivery, the attempt span's start.
   */
  begin(item: DispatchItem, webhook: WebhookRow, held: ReadonlyMap<string, number>): AttemptTrace | null {
    const { event, delivery } = item;
    if (!this.tracing && !event.traceparent) return null;
    const parent = event.traceparent ? parseTraceContext(event.traceparent, event.tracestate) : null;
    if (!this.tracing) return parent ? new AttemptTrace(null, parent, null, this.propagate) : null;
    const span = this.tracing.startSpan('hookline.attempt', {
      parent,
      startTime: held.get(delivery.id),
      attributes: {
        'hookline.business': delivery.business_id,
        'hookline.webhook.id': webhook.id,
        'hookline.dialect': webhook.dialect,
        'hookline.event.type': delivery.event_type,
        'hookline.event.id': delivery.event_id,
        'hookline.delivery.id': delivery.id,
        'hookline.attempt.number': delivery.attempt_count + 1,
      },
    });
    return new AttemptTrace(this.tracing, span.context, span, this.propagate);
  }
}

export class AttemptTrace {
  private child: Span | null = null;

  constructor(
    private readonly tracing: Tracing | null,
    /** The context the request continues: the attempt span's, or the event's stored one. */
    private readonly parent: TraceContext,
    private readonly span: Span | null,
    private readonly propagate: boolean,
  ) {}

  /** The dialect is about to render and sign. */
  rendering(): void {
    if (this.tracing) this.startChild('hookline.render');
  }

  /** The request is about to go out: the headers it adds, or null. */
  sending(url: string): Record<string, string> | null {
    let spanId: string | null = null;
    if (this.tracing) {
      const http = this.startChild('POST', 'client', { 'http.request.method': 'POST', 'server.address': hostOf(url) });
      spanId = http.context.spanId;
    }
    if (!this.propagate) return null;
    // Without a span of ours the receiver still gets an id of this attempt's own, so that two
    // attempts of one event are told apart in its trace.
    const traceparent = formatTraceparent(this.parent.traceId, spanId ?? newSpanId(), this.span ? this.span.context.flags : this.parent.flags);
    return this.parent.state ? { traceparent, tracestate: this.parent.state } : { traceparent };
  }

  answered(statusCode: number | null, error: string | null): void {
    const http = this.child;
    if (!http) return;
    if (statusCode !== null) http.set({ 'http.response.status_code': statusCode });
    if (error) http.fail(error);
    this.endChild();
  }

  /**
   * The outcome is known; `stored` settles once it is written (null: not waited for). The
   * attempt span ends then, so it covers the record.
   */
  settled(outcome: AttemptOutcome, stored: Promise<boolean> | null): void {
    const span = this.span;
    if (!span) return;
    this.endChild();
    const { attempt } = outcome;
    span.set({
      'http.response.status_code': attempt.status_code ?? undefined,
      'hookline.delivery.status': outcome.status,
      'hookline.attempt.duration_ms': attempt.duration_ms,
    });
    if (attempt.error) span.fail(attempt.error, attempt.response_body?.slice(0, 300) ?? undefined);
    if (!stored) return span.end();
    this.startChild('hookline.record');
    const done = (): void => {
      this.endChild();
      span.end();
    };
    stored.then((written) => {
      if (!written) this.child?.fail('record_abandoned', 'the outcome was not written before the shutdown gave up on the store');
      done();
    }, (err: unknown) => {
      this.child?.fail('record_failed', String((err as Error)?.message ?? err));
      done();
    });
  }

  /** True when this attempt has a span of its own, which wants to hear when the outcome is written. */
  get recording(): boolean {
    return this.span !== null;
  }

  private startChild(name: string, kind: 'client' | 'internal' = 'internal', attributes?: Record<string, string | undefined>): Span {
    this.endChild();
    this.child = this.tracing!.startSpan(name, { parent: this.span, kind, attributes });
    return this.child;
  }

  private endChild(): void {
    this.child?.end();
    this.child = null;
  }
}

function hostOf(url: string): string | undefined {
  try {
    return new URL(url).hostname;
  } catch {
    return undefined;
  }
}
