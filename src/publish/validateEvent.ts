import type { EventCatalog } from '../catalog/EventCatalog.js';
import { isOperationalType } from '../catalog/eventTypeName.js';
import { HooklineError } from '../errors.js';
import { newEventId } from '../ids.js';
import { channelsProblem } from '../catalog/channels.js';
import type { EventRow } from '../store/Store.js';

/** What a caller publishes. */
export interface EventInput {
  type: string;
  data: unknown;
  /** The caller's id; repeating it is idempotent. */
  id?: string;
  /** ISO 8601; defaults to the time of publishing. */
  occurred_at?: string;
  /** Routes the event to webhooks that name one of these channels, and to those naming none (docs/api.md#channels). */
  channels?: string[] | null;
}

export const EVENT_ID_PATTERN = /^[A-Za-z0-9_.:-]{1,128}$/;

export interface Problem {
  pointer: string;
  message: string;
}

/**
 * The checks every publish makes, whoever publishes: the API, or a program publishing inside its
 * own transaction (src/library/publish.ts). Kept in one place so the two cannot accept different
 * events.
 */
export function refuseReservedTypes(inputs: readonly EventInput[], pointerPrefix = ''): void {
  const reserved = inputs.findIndex((input) => typeof input.type === 'string' && isOperationalType(input.type));
  if (reserved < 0) return;
  throw new HooklineError(
    'RESERVED_EVENT_TYPE',
    `${inputs.length > 1 || pointerPrefix ? `${pointerPrefix}/${reserved}/type: ` : ''}"${inputs[reserved]!.type}" is one of Hookline's own operational events; only Hookline publishes hookline/… events (subscribe a webhook to them instead).`,
  );
}

/** One error for every problem found, so a caller fixes them all at once. */
export function throwProblems(problems: readonly Problem[]): void {
  if (problems.length === 0) return;
  const unknownType = problems.every((p) => p.message.startsWith('unknown event type'));
  throw new HooklineError(
    unknownType ? 'UNKNOWN_EVENT_TYPE' : 'EVENT_DATA_INVALID',
    problems.map((p) => `${p.pointer || '/'}: ${p.message}`).join('; '),
    { errors: [...problems] },
  );
}

/** The event row to store; what is wrong with `input` is added to `problems`. */
export function validateEvent(catalog: EventCatalog, businessId: string, input: EventInput, now: number, pointer: string, problems: Problem[]): EventRow {
  if (!catalog.has(input.type)) {
    problems.push({
      pointer: `${pointer}/type`,
      message: `unknown event type "${input.type}"; GET /v1/event-types lists the known types, or register it with POST /v1/event-types`,
    });
  } else {
    const result = catalog.validate(input.type, input.data);
    if (!result.ok) for (const e of result.errors) problems.push({ pointer: `${pointer}/data${e.pointer === '/' ? '' : e.pointer}`, message: e.message });
  }
  if (input.id !== undefined && (typeof input.id !== 'string' || !EVENT_ID_PATTERN.test(input.id))) {
    problems.push({ pointer: `${pointer}/id`, message: 'an event id is 1–128 characters of letters, digits, "_", ".", ":" or "-"' });
  }
  const channels = channelsProblem(input.channels);
  if (channels) problems.push({ pointer: `${pointer}/channels`, message: channels });
  let occurredAt = now;
  if (input.occurred_at !== undefined) {
    occurredAt = typeof input.occurred_at === 'string' ? Date.parse(input.occurred_at) : Number.NaN;
    if (Number.isNaN(occurredAt) || !/^\d{4}-\d{2}-\d{2}T/.test(input.occurred_at)) {
      problems.push({ pointer: `${pointer}/occurred_at`, message: 'occurred_at must be an ISO 8601 date-time such as 2026-01-31T12:00:00Z' });
      occurredAt = now;
    }
  }
  return {
    id: input.id ?? newEventId(),
    business_id: businessId,
    type: input.type,
    data: JSON.stringify(input.data ?? {}),
    occurred_at: occurredAt,
    created_at: now,
  };
}
