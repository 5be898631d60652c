import type { FastifyPluginAsync } from 'fastify';
import type { AppContext } from '../../app.js';
import { compilePayloadFilter } from '../../catalog/payloadFilter/index.js';
import { HooklineError } from '../../errors.js';
import { filterSubject } from '../../publish/Publisher.js';
import { presentEvent } from '../present.js';
import { BusinessParams, problemResponses } from '../schemas.js';
import { FilterTest, FilterTestResult } from '../filterTestSchemas.js';

const EXAMPLES = 5;

/**
 * The dry run of a payload filter (issue 16): against one event written inline, with the
 * reason for the answer, or against the business's last N stored events. It judges exactly as
 * publishing does (the same compiled filter, the same view of the event) and stores nothing.
 */
export const filterTestRoutes =
  (ctx: AppContext): FastifyPluginAsync =>
  async (app) => {
    app.post<{ Params: { b: string }; Body: FilterTest }>(
      '/v1/businesses/:b/webhooks/filter-test',
      {
        schema: {
          operationId: 'testWebhookFilter',
          tags: ['webhooks'],
          summary: "Dry-run a payload filter against one event, or the business's last N",
          params: BusinessParams,
          body: FilterTest,
          response: { 200: FilterTestResult, ...problemResponses },
        },
      },
      async (req) => {
        const { b } = req.params;
        const { filter, event, last } = req.body;
        if ((event === undefined) === (last === undefined)) {
          throw new HooklineError('VALIDATION_FAILED', 'Give either "event" (an event written inline) or "last" (how many stored events to try), not both or neither.');
        }
        const compiled = compilePayloadFilter(filter);
        if (event) {
          const occurredAt = event.occurred_at === undefined ? Date.now() : Date.parse(event.occurred_at);
          const subject = filterSubject({ type: event.type, business_id: event.business ?? b, occurred_at: occurredAt }, event.data);
          const explanation = compiled.explain(subject);
          return { matches: explanation.holds, explanation };
        }
        const rows = await ctx.store.recentEvents(b, last!);
        let matched = 0;
        const examples = [];
        for (const row of rows) {
          const shown = presentEvent(row);
          if (!compiled.test(filterSubject(row, shown.data))) continue;
          matched++;
          if (examples.length < EXAMPLES) examples.push(shown);
        }
        return { matched, total: rows.length, examples };
      },
    );
  };
