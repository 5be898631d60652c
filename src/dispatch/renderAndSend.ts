import type { AttemptOutcome, DispatchItem, WebhookRow } from '../store/Store.js';
import { findDialect, isUnrepresentable, type RenderedRequest } from '../dialects/index.js';
import { nextAttemptAt } from './retryPolicy.js';
import { endpointOptions } from './endpointOptions.js';
import type { EndpointAuthSender } from './EndpointAuthSender.js';
import type { SendRequest } from './httpSender.js';
import type { AttemptTrace } from '../tracing/attemptTrace.js';
import type { Transformer } from '../transform/TransformThread.js';
import { transformStep } from '../transform/transformStep.js';

/** How an attempt leaves the pool's count while it waits for its transformation, and comes back. */
export interface PoolStep {
  aside(): void;
  back(): void;
}

/**
 * One HTTP attempt of one delivery: render the webhook's dialect, send, decide what the
 * delivery's state is afterwards. Never throws: a dialect that cannot render is a failed
 * attempt with its own error code, so one bad payload cannot stall the queue. What is not
 * sent has no response, so the attempt's `response_body` carries why (docs/dialects.md#translation).
 * `trace` (docs/observability.md) adds the trace headers after the dialect's, so neither a
 * custom header nor a dialect can replace them.
 */
export async function renderAndSend(
  item: DispatchItem,
  webhook: WebhookRow,
  sender: Pick<EndpointAuthSender, 'send'>,
  leaseOwner: string,
  trace: AttemptTrace | null = null,
  transformer?: Transformer,
  pool?: PoolStep,
): Promise<{ ok: boolean; outcome: AttemptOutcome; retryAfterMs: number | null }> {
  const { delivery, event } = item;
  const attemptNumber = delivery.attempt_count + 1;
  const dialect = findDialect(webhook.dialect);
  const started = Date.now();
  let statusCode: number | null = null;
  let error: string | null = null;
  let responseBody: string | null = null;
  let retryAfterMs: number | null = null;
  let durationMs = 0;
  let ok = false;
  // A value the dialect's platform cannot hold fails the same way on every attempt: no retries.
  let final = false;
  let cancelled = false;
  const transformation = webhook.transformation?.enabled ? webhook.transformation : null;

  if (!dialect) {
    error = 'unknown_dialect';
  } else {
    let rendered: RenderedRequest | null = null;
    trace?.rendering();
    try {
      const r = dialect.render({ event, webhook, deliveryId: delivery.id, attemptNumber, now: started });
      if (isUnrepresentable(r)) {
        error = 'unrepresentable';
        responseBody = `data${r.unrepresentable.pointer}: ${r.unrepresentable.message}`;
        final = true;
      } else {
        rendered = r;
      }
    } catch (err) {
      error = 'render_failed';
      responseBody = `The ${dialect.name} dialect could not render this event: ${String((err as Error)?.message ?? err).slice(0, 500)}`;
    }
    let request: SendRequest | null = null;
    if (rendered && transformation) {
      const renderInput = { event, webhook, deliveryId: delivery.id, attemptNumber, now: started };
      // Waiting for the transform thread is no reason to hold a slot of the pool.
      pool?.aside();
      try {
        ({ request, error, responseBody, cancelled } = await transformStep({ transformer, transformation, webhook, event, dialect, rendered, renderInput }));
      } finally {
        pool?.back();
      }
    } else if (rendered) {
      // Dialect headers come last so a custom header can never overwrite a signature.
      request = { url: webhook.url, body: rendered.body, headers: { ...webhook.headers, ...rendered.headers }, timeoutMs: webhook.timeout_ms };
    }
    if (request) {
      // Trace headers go on last, after a transformation too, so nothing can replace them.
      const traceHeaders = trace ? trace.sending(request.url) : null;
      if (traceHeaders) request.headers = { ...request.headers, ...traceHeaders };
      const result = await sender.send({
        ...request,
        about: { deliveryId: delivery.id, eventId: event.id, eventType: event.type, attempt: attemptNumber },
        ...endpointOptions(webhook),
      });
      trace?.answered(result.statusCode, result.error);
      // The attempt's recorded time stays the render time, not the sender's: the signed
      // timestamp comes from it, and …/request re-renders from the recorded time.
      ({ statusCode, responseBody, retryAfterMs, durationMs } = result);
      ok = statusCode !== null && dialect.isSuccess(statusCode);
      error = ok ? null : (result.error ?? 'http_status');
    }
  }

  const now = Date.now();
  const next = ok || final || cancelled
    ? null
    : nextAttemptAt({
        attemptNumber,
        schedule: webhook.retry_schedule,
        createdAt: delivery.created_at,
        now,
        retryAfterMs,
        statusCode,
        error,
      });
  return {
    ok,
    retryAfterMs,
    outcome: {
      attempt: {
        delivery_id: delivery.id,
        number: attemptNumber,
        started_at: started,
        duration_ms: durationMs,
        status_code: statusCode,
        error,
        response_body: responseBody,
        ...(transformation ? { transformation_version: transformation.version } : {}),
      },
      status: cancelled ? 'cancelled' : ok ? 'succeeded' : next === null ? 'failed' : 'retrying',
      next_attempt_at: next,
      lease_owner: leaseOwner,
    },
  };
}
