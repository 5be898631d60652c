import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { HooklineEvents } from './events.js';
import type { Dispatcher } from './dispatch/Dispatcher.js';
import type { DeliveryCounts, ReleasedLeases, Store } from './store/Store.js';
import { threadCpuSeconds } from './threads/threadCpu.js';

/**
 * Prometheus metrics. Counters follow the typed events; gauges that cost a query (delivery
 * counts by status: an index walk over the open backlog plus the finished counts the store
 * keeps, docs/architecture.md#counting-deliveries) are read when scraped, at most once a
 * second, so a busy scraper cannot turn into load on the store.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly listeners: (() => void)[] = [];

  constructor(events: HooklineEvents, dispatcher: Dispatcher, store: Store) {
    const r = this.registry;
    collectDefaultMetrics({ register: r, prefix: 'hookline_process_' });

    const published = new Counter({ name: 'hookline_events_published_total', help: 'Events accepted (202), by type.', labelNames: ['type'], registers: [r] });
    const duplicates = new Counter({ name: 'hookline_events_duplicate_total', help: 'Publishes that repeated an existing event id.', registers: [r] });
    const attempts = new Counter({ name: 'hookline_delivery_attempts_total', help: 'HTTP attempts, by outcome and error code.', labelNames: ['outcome', 'error'], registers: [r] });
    const duration = new Histogram({
      name: 'hookline_delivery_attempt_duration_seconds',
      help: 'Time from sending a request to its end, per attempt.',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [r],
    });
    const finished = new Counter({ name: 'hookline_deliveries_finished_total', help: 'Deliveries that reached a final state.', labelNames: ['status'], registers: [r] });

    const onPublished = (e: { type: string; created: boolean }): void => {
      if (e.created) published.inc({ type: e.type });
      else duplicates.inc();
    };
    const onAttempt = (ok: boolean) => (e: { error: string | null; duration_ms: number; status: string }) => {
      attempts.inc({ outcome: ok ? 'succeeded' : 'failed', error: e.error ?? '' });
      duration.observe(e.duration_ms / 1000);
      if (e.status === 'succeeded' || e.status === 'failed' || e.status === 'cancelled') finished.inc({ status: e.status });
    };
    const ok = onAttempt(true);
    const failed = onAttempt(false);
    events.on('event:published', onPublished);
    events.on('delivery:attempt:succeeded', ok);
    events.on('delivery:attempt:failed', failed);
    // Crash recovery (issue 12): how often, and how much, this process took over from a dead one.
    const released = new Counter({
      name: 'hookline_dead_process_releases_total',
      help: 'What this process gave back for processes that died holding it: processes, deliveries, sender leases.',
      labelNames: ['kind'],
      registers: [r],
    });
    const onReleased = (x: ReleasedLeases): void => {
      released.inc({ kind: 'process' }, x.processes.length);
      released.inc({ kind: 'delivery' }, x.deliveries);
      released.inc({ kind: 'sender' }, x.senders);
    };
    events.on('process:leases:released', onReleased);
    this.listeners.push(() => events.off('process:leases:released', onReleased));
    this.listeners.push(
      () => events.off('event:published', onPublished),
      () => events.off('delivery:attempt:succeeded', ok),
      () => events.off('delivery:attempt:failed', failed),
    );

    new Gauge({
      name: 'hookline_thread_cpu_seconds',
      help: 'CPU time used by each of this process\'s threads (main, store, sender, transform) since it started; Linux only. The rest of hookline_process_process_cpu_seconds_total is V8\'s and libuv\'s helper threads.',
      labelNames: ['thread'],
      registers: [r],
      collect() {
        this.reset();
        for (const [thread, seconds] of threadCpuSeconds()) this.set({ thread }, seconds);
      },
    });
    new Gauge({
      name: 'hookline_dispatcher_held',
      help: 'Deliveries this process holds (queued or in flight).',
      registers: [r],
      collect() {
        this.set(dispatcher.stats().held);
      },
    });
    new Gauge({
      name: 'hookline_dispatcher_in_flight',
      help: 'HTTP attempts in flight in this process.',
      registers: [r],
      collect() {
        this.set(dispatcher.stats().inFlight);
      },
    });
    new Gauge({
      name: 'hookline_dispatcher_open_circuits',
      help: 'Webhooks this process sends for whose circuit is open (unhealthy: deliveries parked, probing).',
      registers: [r],
      collect() {
        this.set(dispatcher.stats().openCircuits);
      },
    });
    // The promise is what is cached: both gauges below are collected at once, and share one query.
    let cached: { at: number; value: Promise<DeliveryCounts> } | null = null;
    const counts = (): Promise<DeliveryCounts> => {
      if (!cached || Date.now() - cached.at > 1000) {
        const value = store.deliveryCounts();
        cached = { at: Date.now(), value };
        // A failed count fails this scrape only; the next one asks the store again.
        value.catch(() => {
          if (cached?.value === value) cached = null;
        });
      }
      return cached.value;
    };
    new Gauge({
      name: 'hookline_deliveries',
      help: 'Deliveries in the store, by status.',
      labelNames: ['status'],
      registers: [r],
      async collect() {
        const c = await counts();
        for (const s of ['pending', 'retrying', 'succeeded', 'failed'] as const) this.set({ status: s }, c[s]);
      },
    });
    new Gauge({
      name: 'hookline_oldest_due_delivery_age_seconds',
      help: 'How long the oldest due, unclaimed delivery has waited (0 when none).',
      registers: [r],
      async collect() {
        const c = await counts();
        this.set(c.oldest_due_at === null ? 0 : Math.max(0, (Date.now() - c.oldest_due_at) / 1000));
      },
    });
  }

  async render(): Promise<string> {
    return this.registry.metrics();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  close(): void {
    for (const off of this.listeners.splice(0)) off();
  }
}
