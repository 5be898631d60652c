import { EventEmitter } from 'node:events';
import type { DeliveryStatus, HealthState, ReleasedLeases } from './store/Store.js';

/** One finished attempt, as observers (metrics, logs, the dashboard) see it. */
export interface AttemptEvent {
  business_id: string;
  webhook_id: string;
  delivery_id: string;
  event_type: string;
  status_code: number | null;
  error: string | null;
  duration_ms: number;
  /** The delivery's status after this attempt. */
  status: DeliveryStatus;
}

/** A webhook's health changed: the dispatcher that sends for it saw it fail, recover, or disabled it. */
export interface HealthChange {
  webhook_id: string;
  business_id: string;
  state: HealthState;
  previous: HealthState;
  reason: string | null;
  consecutive_failures: number;
  /** When the webhook entered `state` (ms). */
  since: number | null;
  /** When it entered `previous` (ms): how long it was unhealthy, on recovery. */
  previous_since: number | null;
  /** The attempt that caused it delivered an operational (hookline/…) event: nothing is published about it. */
  operational: boolean;
}

/** A delivery ended `failed` after its last attempt (not one failed because its webhook was deleted). */
export interface ExhaustedDelivery {
  business_id: string;
  webhook_id: string;
  delivery_id: string;
  event_id: string;
  event_type: string;
  attempt_count: number;
  status_code: number | null;
  error: string | null;
}

/** Typed, namespaced events that Hookline emits while it runs. */
export interface HooklineEventMap {
  'event:published': [{ business_id: string; type: string; deliveries: number; created: boolean }];
  'delivery:attempt:succeeded': [AttemptEvent];
  'delivery:attempt:failed': [AttemptEvent];
  'webhook:health:changed': [HealthChange];
  /** Emitted once the delivery's final state is stored. */
  'delivery:exhausted': [ExhaustedDelivery];
  'dispatcher:error': [Error];
  /** Something the process cannot go on without has stopped (the SQLite store thread); the CLI exits. */
  fatal: [Error];
  /** A retention pass that deleted something. */
  'retention:swept': [{ deliveries: number; attempts: number; events: number; batches: number; duration_ms: number; complete: boolean }];
  'retention:error': [Error];
  /** Every webhook's secrets are under the configured key and the old values are scrubbed (docs/reliability.md#secrets). */
  'secrets:rewritten': [{ webhooks: number; passes: number; scrub_ms: number | null }];
  /** Leases of processes that died were given back (docs/reliability.md#crash-recovery). */
  'process:leases:released': [ReleasedLeases];
}

export class HooklineEvents extends EventEmitter<HooklineEventMap> {}
