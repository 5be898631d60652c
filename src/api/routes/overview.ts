import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { AppContext } from '../../app.js';
import type { DeliveryCounts, WebhookRow } from '../../store/Store.js';
import { DeliveryRate } from '../DeliveryRate.js';
import { problemResponses } from '../schemas.js';

/**
 * Store.deliveryCounts reads the open backlog through its index and the finished counts the
 * store keeps as rows change (docs/architecture.md#counting-deliveries): milliseconds at any
 * size of the log, so a request that finds the last count older than this counts before it
 * answers. One count per period is also one point of the queue charts' history.
 */
// A little under the dashboard's 5 s poll, so each poll after the first takes a fresh count.
const COUNTS_TTL_MS = 4_000;
/** Webhook health is read from every business; it changes on the scale of minutes. */
const HEALTH_TTL_MS = 10_000;
const HISTORY_POINTS = 120;

const Overview = Type.Object({
  generated_at: Type.String({ format: 'date-time' }),
  per_minute: Type.Array(Type.Object({ minute: Type.String({ format: 'date-time' }), succeeded: Type.Integer(), failed: Type.Integer() }), {
    description: "Attempts per minute by outcome over the last hour, this process's own since it started.",
  }),
  queue: Type.Object({
    counted_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()], { description: 'When the log was last counted (at most 4 s before the answer); null while no count has succeeded (the store is unavailable).' }),
    pending: Type.Integer(),
    retrying: Type.Integer(),
    succeeded: Type.Integer(),
    failed: Type.Integer(),
    oldest_due_at: Type.Union([Type.String({ format: 'date-time' }), Type.Null()]),
    oldest_due_age_ms: Type.Integer({ description: 'How long the oldest due, unclaimed delivery has waited (0 when none).' }),
    held: Type.Integer({ description: 'Deliveries this process holds in memory (queued or in flight).' }),
    in_flight: Type.Integer(),
  }),
  queue_history: Type.Array(Type.Object({ at: Type.String({ format: 'date-time' }), waiting: Type.Integer(), oldest_due_age_ms: Type.Integer() }), {
    description: 'Counts taken while the overview is being read (at most one per 4 s), oldest first.',
  }),
  failing: Type.Array(
    Type.Object({
      webhook_id: Type.String(),
      business: Type.String(),
      name: Type.Union([Type.String(), Type.Null()]),
      url: Type.Union([Type.String(), Type.Null()]),
      health: Type.String(),
      consecutive_failures: Type.Integer(),
      reason: Type.Union([Type.String(), Type.Null()]),
      failed_last_hour: Type.Integer(),
      last_error: Type.Union([Type.String(), Type.Null()]),
      last_status_code: Type.Union([Type.Integer(), Type.Null()]),
    }),
  ),
});

/** The admin overview: throughput by outcome, failing endpoints, queue depth and age. */
export const overviewRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    const rate = new DeliveryRate(ctx.events);
    app.addHook('onClose', async () => rate.close());
    let counts: { at: number; value: DeliveryCounts } | null = null;
    let counting: Promise<void> | null = null;
    let unhealthy: { at: number; value: WebhookRow[] } | null = null;
    const history: { at: number; waiting: number; oldest_due_age_ms: number }[] = [];

    const recount = async (now: number): Promise<void> => {
      try {
        const value = await ctx.store.deliveryCounts();
        counts = { at: now, value };
        const waited = value.oldest_due_at === null ? 0 : Math.max(0, now - value.oldest_due_at);
        history.push({ at: now, waiting: value.pending + value.retrying, oldest_due_age_ms: waited });
        if (history.length > HISTORY_POINTS) history.shift();
      } catch (err) {
        // The overview still answers, with the last count it has.
        app.log.warn({ err }, 'overview: counting deliveries failed');
      }
    };
    /** Requests that arrive together share one count, so the history gets one point. */
    const countsNow = async (now: number): Promise<DeliveryCounts | null> => {
      if (!counts || now - counts.at >= COUNTS_TTL_MS) {
        counting ??= recount(now).finally(() => (counting = null));
        await counting;
      }
      return counts?.value ?? null;
    };
    const readUnhealthy = async (now: number): Promise<WebhookRow[]> => {
      if (unhealthy && now - unhealthy.at < HEALTH_TTL_MS) return unhealthy.value;
      const found: WebhookRow[] = [];
      for (const b of await ctx.store.listBusinesses()) {
        for (const w of await ctx.store.webhooksOfBusiness(b.id)) if (w.health_state !== 'healthy' || w.consecutive_failures > 0) found.push(w);
      }
      unhealthy = { at: now, value: found };
      return found;
    };

    app.get(
      '/v1/overview',
      { config: { adminOnly: true }, schema: { operationId: 'getOverview', tags: ['overview'], summary: 'Throughput, failing endpoints and queue depth (admin token)', response: { 200: Overview, ...problemResponses } } },
      async () => {
        const now = Date.now();
        const c = await countsNow(now);
        const sick = await readUnhealthy(now);
        const recent = new Map(rate.recentFailures(now).map((f) => [f.webhook_id, f]));
        const byId = new Map(sick.map((w) => [w.id, w]));
        for (const id of recent.keys()) {
          const w = byId.has(id) ? null : await ctx.store.getWebhookById(id);
          if (w) byId.set(id, w);
        }
        const ids = [...new Set([...byId.keys(), ...recent.keys()])];
        const failing = ids.map((id) => {
          const w = byId.get(id);
          const f = recent.get(id);
          return {
            webhook_id: id,
            business: w?.business_id ?? f!.business_id,
            name: w?.name ?? null,
            url: w?.url ?? null,
            health: w?.health_state ?? 'healthy',
            consecutive_failures: w?.consecutive_failures ?? f?.failed ?? 0,
            reason: w?.health_reason ?? null,
            failed_last_hour: f?.failed ?? 0,
            last_error: f?.last_error ?? null,
            last_status_code: f?.last_status_code ?? null,
          };
        });
        failing.sort((a, b) => b.consecutive_failures - a.consecutive_failures || b.failed_last_hour - a.failed_last_hour);
        const stats = ctx.dispatcher.stats();
        return {
          generated_at: new Date(now).toISOString(),
          per_minute: rate.perMinute(now).map((m) => ({ ...m, minute: new Date(m.minute).toISOString() })),
          queue: {
            counted_at: counts ? new Date(counts.at).toISOString() : null,
            pending: c?.pending ?? 0,
            retrying: c?.retrying ?? 0,
            succeeded: c?.succeeded ?? 0,
            failed: c?.failed ?? 0,
            oldest_due_at: c?.oldest_due_at == null ? null : new Date(c.oldest_due_at).toISOString(),
            oldest_due_age_ms: c?.oldest_due_at == null ? 0 : Math.max(0, now - c.oldest_due_at),
            held: stats.held,
            in_flight: stats.inFlight,
          },
          queue_history: history.map((h) => ({ ...h, at: new Date(h.at).toISOString() })),
          failing: failing.slice(0, 50),
        };
      },
    );
  };
