import type { FastifyInstance } from 'fastify';
import type { AppContext } from '../../app.js';
import { HooklineError } from '../../errors.js';
import type { DeliveryFilter } from '../../store/Store.js';
import { resolveApp, resolveEndpoint } from './access.js';
import { DEFAULT_LIMIT, svixPage } from './pagination.js';
import { presentAttempt } from './present.js';
import { AttemptQuery, EndpointParams, MessageParams } from './schemas.js';
import { SvixMessageAttemptOut, listOf, svixErrors } from './responses.js';

const tags = ['svix attempts'];

/**
 * Attempts are read from the delivery log: a page is `limit` deliveries, newest first, and
 * every attempt of each (so a page may hold more than `limit` attempts; docs/svix.md).
 */
export function attemptRoutes(app: FastifyInstance, ctx: AppContext): void {
  const { store } = ctx;

  async function attemptsPage(businessId: string, filter: DeliveryFilter, query: AttemptQuery) {
    const page = await store.listDeliveries(businessId, filter, { cursor: query.iterator, limit: query.limit ?? DEFAULT_LIMIT });
    const before = query.before ? Date.parse(query.before) : Infinity;
    const after = query.after ? Date.parse(query.after) : -Infinity;
    const urls = new Map<string, string>();
    const data = [];
    for (const row of page.data) {
      const delivery = await store.getDelivery(businessId, row.id);
      if (!delivery) continue;
      if (!urls.has(delivery.webhook_id)) urls.set(delivery.webhook_id, (await store.getWebhookById(delivery.webhook_id))?.url ?? '');
      for (const attempt of [...delivery.attempts].reverse()) {
        if (attempt.started_at >= before || attempt.started_at <= after) continue;
        const out = presentAttempt(delivery, attempt, urls.get(delivery.webhook_id)!);
        if (query.status === undefined || out.status === query.status) data.push(out);
      }
    }
    return svixPage(data, page.next_cursor);
  }

  app.get<{ Params: EndpointParams; Querystring: AttemptQuery }>(
    '/app/:app_id/attempt/endpoint/:endpoint_id',
    { schema: { tags, operationId: 'svixListAttemptsByEndpoint', response: { 200: listOf(SvixMessageAttemptOut, 'SvixListResponseMessageAttemptOut'), ...svixErrors }, summary: "An endpoint's attempts, newest first", params: EndpointParams, querystring: AttemptQuery } },
    async (req) => {
      const { business } = await resolveApp(ctx, req, req.params.app_id);
      const { webhook } = await resolveEndpoint(ctx, business.id, req.params.endpoint_id);
      return attemptsPage(business.id, { webhook_id: webhook.id }, req.query);
    },
  );

  app.get<{ Params: MessageParams; Querystring: AttemptQuery }>(
    '/app/:app_id/attempt/msg/:msg_id',
    { schema: { tags, operationId: 'svixListAttemptsByMessage', response: { 200: listOf(SvixMessageAttemptOut, 'SvixListResponseMessageAttemptOut'), ...svixErrors }, summary: "A message's attempts, to every endpoint, newest first", params: MessageParams, querystring: AttemptQuery } },
    async (req) => {
      const { business } = await resolveApp(ctx, req, req.params.app_id);
      const event = await store.getEvent(business.id, req.params.msg_id);
      if (!event) throw new HooklineError('EVENT_NOT_FOUND', `No message "${req.params.msg_id}" in application "${business.id}".`);
      return attemptsPage(business.id, { event_id: event.id }, req.query);
    },
  );
}

