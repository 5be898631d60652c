import { ROOT_CONTEXT, SpanKind as OtelKind, SpanStatusCode, TraceFlags, createTraceState, trace, type Context, type Span as OtelSpan } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { defaultResource, detectResources, envDetector, resourceFromAttributes } from '@opentelemetry/resources';
import { BasicTracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { VERSION } from '../version.js';
import type { Span, SpanAttributes, SpanKind, SpanOptions, Tracing } from './Tracing.js';
import type { TraceContext } from './traceContext.js';

/**
 * `Tracing` over the OpenTelemetry SDK, exporting OTLP/HTTP (JSON) in batches. Loaded by
 * `startTracing` only when an endpoint is set. No global provider or context manager is
 * registered: parents are passed explicitly, so an embedding program's own OpenTelemetry setup
 * is left alone, and no AsyncLocalStorage hook runs for each promise.
 */
export function startOtelTracing(opts: { endpoint: string; serviceName: string }): Tracing {
  // OTEL_RESOURCE_ATTRIBUTES first, then the service name, which OpenTelemetry says wins over it.
  const resource = defaultResource()
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(resourceFromAttributes({ 'service.name': opts.serviceName, 'service.version': VERSION }));
  const exporter = new OTLPTraceExporter({ url: opts.endpoint });
  const provider = new BasicTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  const tracer = provider.getTracer('hookline', VERSION);

  return {
    startSpan(name, o: SpanOptions = {}) {
      const span = tracer.startSpan(
        name,
        { kind: KINDS[o.kind ?? 'internal'], startTime: o.startTime, attributes: clean(o.attributes) },
        parentContext(o.parent),
      );
      return wrap(span, stateOf(o.parent));
    },
    shutdown: () => boundedShutdown(provider),
  };
}

/** How long a stop waits for the last spans to be exported; a collector that is down must not hold it up. */
const SHUTDOWN_WAIT_MS = 3000;

async function boundedShutdown(provider: BasicTracerProvider): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const gaveUp = new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_WAIT_MS)));
  // A failed last export (collector down, the exporter's concurrency limit) must not fail the
  // stop, nor surface later as an unhandled rejection once the wait has given up.
  const done = provider.shutdown().catch(() => undefined);
  try {
    await Promise.race([done, gaveUp]);
  } finally {
    clearTimeout(timer);
  }
}

const KINDS: Record<SpanKind, OtelKind> = { server: OtelKind.SERVER, client: OtelKind.CLIENT, internal: OtelKind.INTERNAL };

class HooklineSpan implements Span {
  readonly context: TraceContext;
  private ended = false;

  constructor(private readonly span: OtelSpan, state: string | null) {
    const sc = span.spanContext();
    this.context = { traceId: sc.traceId, spanId: sc.spanId, flags: sc.traceFlags.toString(16).padStart(2, '0'), state };
  }

  set(attributes: SpanAttributes): void {
    this.span.setAttributes(clean(attributes) ?? {});
  }

  fail(code: string, message?: string): void {
    this.span.setAttribute('error.type', code);
    this.span.setStatus({ code: SpanStatusCode.ERROR, message: message ?? code });
  }

  end(endTime?: number): void {
    if (this.ended) return;
    this.ended = true;
    this.span.end(endTime);
  }

  /** The SDK span, for children of this process. */
  get otel(): OtelSpan {
    return this.span;
  }
}

function wrap(span: OtelSpan, state: string | null): Span {
  return new HooklineSpan(span, state);
}

function parentContext(parent: Span | TraceContext | null | undefined): Context {
  if (!parent) return ROOT_CONTEXT;
  if (parent instanceof HooklineSpan) return trace.setSpan(ROOT_CONTEXT, parent.otel);
  const ctx = 'traceId' in parent ? parent : parent.context;
  return trace.setSpanContext(ROOT_CONTEXT, {
    traceId: ctx.traceId,
    spanId: ctx.spanId,
    traceFlags: parseInt(ctx.flags, 16) & TraceFlags.SAMPLED,
    isRemote: true,
    traceState: ctx.state ? createTraceState(ctx.state) : undefined,
  });
}

function stateOf(parent: Span | TraceContext | null | undefined): string | null {
  if (!parent) return null;
  return ('traceId' in parent ? parent.state : parent.context.state) ?? null;
}

function clean(attributes: SpanAttributes | undefined): Record<string, string | number | boolean> | undefined {
  if (!attributes) return undefined;
  const out: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(attributes)) if (v !== undefined) out[k] = v;
  return out;
}
