import type { Config } from '../config.js';
import type { TraceContext } from './traceContext.js';

/**
 * Hookline's whole view of OpenTelemetry: a span can be started under a parent, given
 * attributes, marked failed, and ended. The rest of the code imports this, never the SDK, and
 * holds `Tracing | null`: null when tracing is off, so an untraced process pays one null check
 * where a span would start (docs/observability.md).
 */
export type SpanKind = 'server' | 'client' | 'internal';
export type SpanAttributes = Record<string, string | number | boolean | undefined>;

export interface Span {
  /** This span as a parent for spans elsewhere (another process, the receiver); its `state` is the parent's. */
  readonly context: TraceContext;
  set(attributes: SpanAttributes): void;
  /** Marks the span failed with a short error code (the attempt's `error`, a catalogue code). */
  fail(code: string, message?: string): void;
  /** Safe to call twice; the first end counts. */
  end(endTime?: number): void;
}

export interface SpanOptions {
  /** A span of this process, or a context read from a header or the store; none starts a trace. */
  parent?: Span | TraceContext | null;
  kind?: SpanKind;
  /** Epoch ms, for a span whose start was only known afterwards (a request's arrival). */
  startTime?: number;
  attributes?: SpanAttributes;
}

export interface Tracing {
  startSpan(name: string, opts?: SpanOptions): Span;
  /** Exports what is buffered, then stops; spans started later are dropped. */
  shutdown(): Promise<void>;
}

/**
 * Tracing for this process, or null when no OTLP endpoint is configured. The SDK is imported
 * only here, only then: a process without tracing never loads it.
 */
export async function startTracing(config: Pick<Config, 'otlpTracesEndpoint' | 'otelServiceName'>): Promise<Tracing | null> {
  if (config.otlpTracesEndpoint === null) return null;
  const { startOtelTracing } = await import('./otelTracing.js');
  return startOtelTracing({ endpoint: config.otlpTracesEndpoint, serviceName: config.otelServiceName });
}
