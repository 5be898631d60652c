import { HooklineError } from '../errors.js';
import type { EventRow, PublishResult } from '../store/Store.js';
import type { Span, Tracing } from './Tracing.js';
import { parseTraceContext, storedTrace, type StoredTrace } from './traceContext.js';

/** What the API knows of a publish request beyond its body: the trace headers and when it arrived. */
export interface PublishRequest {
  traceparent?: unknown;
  tracestate?: unknown;
  /** Epoch ms the request arrived, so the span covers the whole request, parsing included. */
  receivedAt?: number;
  /** The route's pattern, e.g. /v1/businesses/:b/events. */
  route?: string;
}

/**
 * The trace of one publish: a server span from the request's arrival to the answer, with
 * children for validation and the store commit, under the publisher's traceparent when it sent
 * a valid one; and the context its events store so their attempts continue it
 * (docs/observability.md). `begin` answers null when there is nothing to do.
 */
export class PublishTracer {
  constructor(private readonly tracing: Tracing | null) {}

  /** Null when neither tracing nor propagation is on: the publisher then skips every call. */
  static create(tracing: Tracing | null, propagate: boolean): PublishTracer | null {
    return tracing || propagate ? new PublishTracer(tracing) : null;
  }

  begin(businessId: string, request: PublishRequest): PublishTrace | null {
    const incoming = parseTraceContext(request.traceparent, request.tracestate);
    if (!this.tracing) return incoming ? new PublishTrace(null, storedTrace(incoming)) : null;
    const span = this.tracing.startSpan(request.route ? `POST ${request.route}` : 'hookline.publish', {
      parent: incoming,
      kind: 'server',
      startTime: request.receivedAt,
      attributes: { 'hookline.business': businessId, 'http.request.method': 'POST', 'http.route': request.route },
    });
    // Attempts are children of the publish span, so a trace shows the event's whole path.
    return new PublishTrace(this.tracing, storedTrace(span.context), span);
  }
}

export class PublishTrace {
  private phaseSpan: Span | null = null;

  constructor(
    private readonly tracing: Tracing | null,
    /** What each event of the request stores. */
    readonly stored: StoredTrace,
    private readonly span: Span | null = null,
  ) {}

  /** Starts a child span for one phase (validate, store), ending the one before. */
  phase(name: string): void {
    this.phaseSpan?.end();
    this.phaseSpan = this.tracing && this.span ? this.tracing.startSpan(name, { parent: this.span }) : null;
  }

  stamp(event: EventRow): void {
    event.traceparent = this.stored.traceparent;
    event.tracestate = this.stored.tracestate;
  }

  published(results: PublishResult[]): void {
    this.phaseSpan?.end();
    if (!this.span) return;
    const types = [...new Set(results.map((r) => r.event.type))];
    this.span.set({
      'hookline.event.count': results.length,
      'hookline.event.type': types.length <= 5 ? types.join(',') : `${types.slice(0, 5).join(',')},…`,
      'hookline.event.id': results.length === 1 ? results[0]!.event.id : undefined,
      'hookline.deliveries': results.reduce((n, r) => n + r.deliveries.length, 0),
      'hookline.duplicate': results.length === 1 ? !results[0]!.created : undefined,
      'http.response.status_code': 202,
    });
    this.span.end();
  }

  failed(err: unknown): void {
    if (this.phaseSpan) {
      this.phaseSpan.fail(codeOf(err));
      this.phaseSpan.end();
    }
    if (!this.span) return;
    const code = codeOf(err);
    const status = err instanceof HooklineError ? err.status : 500;
    this.span.set({ 'http.response.status_code': status });
    this.span.fail(code, err instanceof Error ? err.message.slice(0, 300) : undefined);
    this.span.end();
  }
}

function codeOf(err: unknown): string {
  return err instanceof HooklineError ? err.code : 'internal';
}
