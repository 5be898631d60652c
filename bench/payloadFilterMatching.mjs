#!/usr/bin/env node
// What payload filters add to matching at publish time (docs/filters.md#when-it-runs), on the
// real WebhookMatcher and Publisher's view of the event from dist/ (`npm run build` first): a
// business with W webhooks of the event's type, some carrying the invoice filter of the docs'
// examples, matched once per event. `node bench/payloadFilterMatching.mjs`
import { WebhookMatcher } from '../dist/publish/WebhookMatcher.js';
import { filterSubject } from '../dist/publish/Publisher.js';

const FILTER = { 'data.amount_paid': { $gt: 1000 }, 'data.currency': 'USD' };
const EVENTS = 300_000;
const webhook = (i, filter) => ({ id: `wh_${i}`, business_id: 'b', enabled: true, events: ['invoice/paid'], ...(filter ? { filter } : {}) });
// The matcher reads three things of the store; no changes keep its cache warm, as between webhook changes.
const store = (rows) => ({ webhooksVersion: async () => 1, webhookChangesSince: async (v) => ({ version: v, businesses: [] }), webhooksOfBusiness: async () => rows });

async function nsPerEvent(rows) {
  const matcher = new WebhookMatcher(store(rows), 100);
  await matcher.refresh();
  const data = { id: 'inv_1', amount_paid: 1500, currency: 'USD' };
  const event = { type: 'invoice/paid', business_id: 'b', occurred_at: Date.now() };
  const once = () => matcher.matching('b', 'invoice/paid', () => filterSubject(event, data));
  for (let i = 0; i < 20_000; i++) await once();
  const started = process.hrtime.bigint();
  for (let i = 0; i < EVENTS; i++) await once();
  return Number(process.hrtime.bigint() - started) / EVENTS;
}

const cases = [
  ['1 webhook, no filter', 1, 0],
  ['1 webhook, filtered', 1, 1],
  ['10 webhooks, none filtered', 10, 0],
  ['10 webhooks, 1 filtered (10 %)', 10, 1],
  ['10 webhooks, all filtered', 10, 10],
];
console.log('| webhooks of the type | ns per event |');
console.log('|---|---|');
for (const [label, n, filtered] of cases) {
  const rows = Array.from({ length: n }, (_, i) => webhook(i, i < filtered ? FILTER : null));
  console.log(`| ${label} | ${(await nsPerEvent(rows)).toFixed(0)} |`);
}
