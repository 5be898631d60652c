import { isOperationalType } from '../catalog/eventTypeName.js';
import type { HooklineEvents } from '../events.js';
import type { AttemptOutcome, DispatchItem, WebhookRow } from '../store/Store.js';
import type { HealthTransition } from './EndpointHealth.js';
import type { EndpointQueue } from './EndpointQueue.js';
import type { HealthTracker } from './HealthTracker.js';
import type { OutcomeRecorder } from './OutcomeRecorder.js';

/**
 * What one attempt's result means, beyond the delivery: its outcome goes to the group-commit
 * recorder; the endpoint slows down after a 429 (or a 503 with Retry-After) and speeds up
 * after a success; its health (the circuit) moves; observers hear of the attempt and, once the
 * final state is stored, of a delivery that ran out of attempts.
 */
export class ResultFanOut {
  constructor(
    private readonly recorder: OutcomeRecorder,
    private readonly health: HealthTracker,
    private readonly events: HooklineEvents,
    private readonly transitioned: (q: EndpointQueue, t: NonNullable<HealthTransition>) => void,
  ) {}

  /**
   * Returns a promise that settles once the outcome is stored when `awaitStored` (or the
   * delivery is final), false if it was given up on at shutdown, else null. `probe`: the attempt was the open circuit's probe.
   */
  settle(
    q: EndpointQueue,
    w: WebhookRow,
    item: DispatchItem,
    result: { ok: boolean; outcome: AttemptOutcome; retryAfterMs: number | null },
    { probe, awaitStored }: { probe: boolean; awaitStored: boolean },
  ): Promise<boolean> | null {
    const { ok, outcome, retryAfterMs } = result;
    const { attempt } = outcome;
    const d = item.delivery;
    const now = Date.now();
    // Operational events are Hookline's own; attempts to deliver them never cause more of them.
    const operational = isOperationalType(d.event_type);
    const final = outcome.status === 'failed';
    const stored = awaitStored || final ? this.recorder.addAndWait(outcome) : null;
    if (!stored) this.recorder.add(outcome);

    if (ok) q.recovered();
    else if (attempt.status_code === 429 || attempt.status_code === 503) q.slowDown(attempt.status_code, retryAfterMs, now);
    // An unrepresentable value was never sent, so it says nothing about the endpoint: counting it
    // would park the webhook's other deliveries (issue 11). A probe still records, so the circuit moves on.
    // A transformation that failed or cancelled sent nothing either (docs/transformations.md).
    const sent = (attempt.error !== 'unrepresentable' && attempt.error !== 'transform_error' && outcome.status !== 'cancelled') || probe;
    const transition = sent ? this.health.observe(w, q.health, { ok, statusCode: attempt.status_code, error: attempt.error, probe, operational }, now) : null;
    if (transition) this.transitioned(q, transition);

    this.events.emit(ok ? 'delivery:attempt:succeeded' : 'delivery:attempt:failed', {
      business_id: d.business_id,
      webhook_id: d.webhook_id,
      delivery_id: d.id,
      event_type: d.event_type,
      status_code: attempt.status_code,
      error: attempt.error,
      duration_ms: attempt.duration_ms,
      status: outcome.status,
    });
    if (final && !operational) {
      // Only once stored: a final state given up on at shutdown is not final yet.
      void stored!.then((written) => {
        if (!written) return;
        this.events.emit('delivery:exhausted', {
          business_id: d.business_id,
          webhook_id: d.webhook_id,
          delivery_id: d.id,
          event_id: d.event_id,
          event_type: d.event_type,
          attempt_count: attempt.number,
          status_code: attempt.status_code,
          error: attempt.error,
        });
      });
    }
    return stored;
  }
}
