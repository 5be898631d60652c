import type { Config } from '../config.js';
import type { HooklineEvents } from '../events.js';
import type { Dispatcher } from '../dispatch/Dispatcher.js';
import type { EventCatalog } from '../catalog/EventCatalog.js';
import type { DispatchItem, NewDelivery, PublishItem, PublishResult, Store, WebhookRow } from '../store/Store.js';
import { HooklineError } from '../errors.js';
import { newDeliveryId } from '../ids.js';
import { WebhookMatcher } from './WebhookMatcher.js';
import { isOperationalType } from '../catalog/eventTypeName.js';
import { refuseReservedTypes, throwProblems, validateEvent, type EventInput, type Problem } from './validateEvent.js';
import type { FilterSubject } from '../catalog/payloadFilter/index.js';
import type { Tracing } from '../tracing/Tracing.js';
import { PublishTracer, type PublishRequest, type PublishTrace } from '../tracing/publishTrace.js';

export type { EventInput } from './validateEvent.js';
export { EVENT_ID_PATTERN } from './validateEvent.js';

/**
 * A publish the store could not take answers 503 saying that nothing was kept, so the caller
 * knows to send the same events again (with their ids, repeating is safe).
 */
async function notAccepted<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (!(err instanceof HooklineError) || err.code !== 'STORE_UNAVAILABLE') throw err;
    const out = new HooklineError(
      'STORE_UNAVAILABLE',
      `Nothing was accepted: the events could not be stored (${(err as Error).message}). Publish them again shortly; repeating an event id is safe.`,
    );
    out.cause = err;
    throw out;
  }
}

/** What a payload filter reads of an event: the fields the API shows, `data` as published (issue 16). */
export function filterSubject(event: { type: string; business_id: string; occurred_at: number }, data: unknown): FilterSubject {
  return { type: event.type, business: event.business_id, occurred_at: isoOf(event.occurred_at), data: data ?? {} };
}

// Events of one request mostly share one occurred_at (the time of publishing): format it once.
let lastMs = Number.NaN;
let lastIso = '';
function isoOf(ms: number): string {
  if (ms !== lastMs) {
    lastIso = new Date(ms).toISOString();
    lastMs = ms;
  }
  return lastIso;
}


/**
 * The ingest path: validate, match webhooks, store the event and its deliveries in one
 * transaction, then hand the deliveries this process leased to the dispatcher so they go out
 * without waiting for the claim query.
 */
export class Publisher {
  private readonly matcher: WebhookMatcher;
  private readonly traces: PublishTracer | null;

  constructor(
    private readonly deps: {
      store: Store;
      config: Config;
      catalog: EventCatalog;
      dispatcher: Dispatcher | null;
      events: HooklineEvents;
      /** Null: tracing is off (docs/observability.md). */
      tracing?: Tracing | null;
    },
  ) {
    this.matcher = new WebhookMatcher(deps.store, deps.config.matcherCacheBusinesses);
    this.traces = PublishTracer.create(deps.tracing ?? null, deps.config.propagateTrace);
  }

  /**
   * Validates every input first, so a batch is stored whole or not at all. `request` carries
   * the publisher's trace headers: its events keep the trace for their attempts.
   */
  async publish(businessId: string, inputs: EventInput[], pointerPrefix = '', request: PublishRequest | null = null): Promise<PublishResult[]> {
    const trace = request && this.traces ? this.traces.begin(businessId, request) : null;
    if (!trace) return this.publishAll(businessId, inputs, pointerPrefix, null);
    try {
      const results = await this.publishAll(businessId, inputs, pointerPrefix, trace);
      trace.published(results);
      return results;
    } catch (err) {
      trace.failed(err);
      throw err;
    }
  }

  private async publishAll(businessId: string, inputs: EventInput[], pointerPrefix: string, trace: PublishTrace | null): Promise<PublishResult[]> {
    trace?.phase('hookline.validate');
    refuseReservedTypes(inputs, pointerPrefix);
    const now = Date.now();
    const problems: Problem[] = [];
    const events = inputs.map((input, i) => this.validate(businessId, input, now, inputs.length > 1 || pointerPrefix ? `${pointerPrefix}/${i}` : '', problems));
    if (trace) for (const e of events) trace.stamp(e);
    throwProblems(problems);
    trace?.phase('hookline.match');
    await notAccepted(() => this.matcher.refresh());
    const items: PublishItem[] = [];
    const webhooks = new Map<string, WebhookRow>();
    for (const [i, event] of events.entries()) {
      // Only the type's schema decides: dialects translate at delivery and never refuse a publish (issue 11).
      const targets = await notAccepted(() => this.matcher.matching(businessId, event.type, () => filterSubject(event, inputs[i]!.data), inputs[i]!.channels));
      items.push({ event, deliveries: targets.map((w) => this.newDelivery(w, now, webhooks)) });
    }
    trace?.phase('hookline.store');
    return this.store(items, webhooks);
  }

  /** Sends one event to one webhook only, whatever its filter says (the "send test event" button). */
  async publishTo(webhook: WebhookRow, input: EventInput): Promise<PublishResult> {
    const now = Date.now();
    const problems: Problem[] = [];
    const event = this.validate(webhook.business_id, input, now, '', problems);
    if (problems.length > 0) throw new HooklineError('EVENT_DATA_INVALID', problems.map((p) => p.message).join('; '));
    const webhooks = new Map<string, WebhookRow>();
    const [result] = await this.store([{ event, deliveries: [this.newDelivery(webhook, now, webhooks)] }], webhooks);
    return result!;
  }

  /**
   * Hookline's own operational events (docs/reliability.md#operational-events). Each goes to
   * the webhooks of its business whose filters name hookline/ events (`*` alone is not enough:
   * a receiver built for business events should not start getting these), never to the
   * webhook it is about, so a broken endpoint cannot feed on reports of itself. Nothing is
   * stored for an event no webhook wants. Returns how many events were stored.
   */
  async publishOperational(items: { businessId: string; input: EventInput; about: string }[]): Promise<number> {
    const now = Date.now();
    await this.matcher.refresh();
    const out: PublishItem[] = [];
    const webhooks = new Map<string, WebhookRow>();
    for (const { businessId, input, about } of items) {
      const problems: Problem[] = [];
      const event = this.validate(businessId, input, now, '', problems);
      if (problems.length > 0) throw new Error(`Operational event ${input.type} does not match its schema: ${problems.map((p) => `${p.pointer} ${p.message}`).join('; ')}`);
      const targets = (await this.matcher.matching(businessId, event.type, () => filterSubject(event, input.data))).filter(
        (w) => w.id !== about && w.events.some(isOperationalType),
      );
      if (targets.length > 0) out.push({ event, deliveries: targets.map((w) => this.newDelivery(w, now, webhooks)) });
    }
    if (out.length > 0) await this.store(out, webhooks);
    return out.length;
  }

  private newDelivery(webhook: WebhookRow, now: number, leased: Map<string, WebhookRow>): NewDelivery {
    const d = this.deps.dispatcher;
    if (d && d.canHold(webhook.id, webhook.business_id)) {
      leased.set(webhook.id, webhook);
      return { id: newDeliveryId(), webhook_id: webhook.id, lease_owner: d.workerId, next_attempt_at: now + this.deps.config.leaseMs };
    }
    return { id: newDeliveryId(), webhook_id: webhook.id, lease_owner: null, next_attempt_at: now };
  }

  private async store(items: PublishItem[], leased: Map<string, WebhookRow>): Promise<PublishResult[]> {
    const results = await notAccepted(() => this.deps.store.publish(items));
    const fresh: { item: DispatchItem; webhook: WebhookRow }[] = [];
    for (const r of results) {
      for (const delivery of r.deliveries) {
        const webhook = leased.get(delivery.webhook_id);
        if (webhook && delivery.lease_owner) fresh.push({ item: { delivery, event: r.event }, webhook });
      }
      this.deps.events.emit('event:published', {
        business_id: r.event.business_id,
        type: r.event.type,
        deliveries: r.deliveries.length,
        created: r.created,
      });
    }
    if (fresh.length > 0) this.deps.dispatcher?.accept(fresh);
    return results;
  }

  private validate(businessId: string, input: EventInput, now: number, pointer: string, problems: Problem[]) {
    return validateEvent(this.deps.catalog, businessId, input, now, pointer, problems);
  }
}
