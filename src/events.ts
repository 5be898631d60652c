import { EventEmitter } from 'node:events';
import type { DeliveryStatus } from './store/Store.js';

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

/** Typed, namespaced events that Hookline emits while it runs. */
export interface HooklineEventMap {
  'event:published': [{ business_id: string; type: string; deliveries: number; created: boolean }];
  'delivery:attempt:succeeded': [AttemptEvent];
  'delivery:attempt:failed': [AttemptEvent];
  'webhook:health:changed': [{ webhook_id: string; business_id: string; state: string; reason: string | null }];
  'dispatcher:error': [Error];
}

export class HooklineEvents extends EventEmitter<HooklineEventMap> {}
