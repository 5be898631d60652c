// The load generator's client for Hookline's HTTP API: undici, keep-alive, no `fetch`.
import { Pool } from 'undici';
import { eventDataJson } from './payload.mjs';

export function hooklineApi(baseUrl, token) {
  const pool = new Pool(baseUrl, { connections: 8, pipelining: 1, bodyTimeout: 120_000, headersTimeout: 120_000 });
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  async function call(method, path, body, expect) {
    const res = await pool.request({ method, path, headers, body: body === undefined || typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.body.text();
    if (res.statusCode !== expect) throw new Error(`${method} ${path} answered ${res.statusCode}: ${text.slice(0, 500)}`);
    return text;
  }

  return {
    createBusiness: (id) => call('POST', '/v1/businesses', { id, name: id }, 201),
    registerType: (type) => call('POST', '/v1/event-types', { type, description: 'Benchmark event', schema: { type: 'object', properties: { id: { type: ['string', 'integer'] }, email: { type: 'string' } } } }, 201),
    createWebhook: async (business, webhook) => JSON.parse(await call('POST', `/v1/businesses/${business}/webhooks`, webhook, 201)),
    /** `events` are {id, type}; every event carries the same ~1 KB data. The body is built as text: JSON.stringify of 1,000 events would cost the load generator more than the request. */
    publishBatch(business, events) {
      let body = '{"events":[';
      for (let i = 0; i < events.length; i++) {
        body += `${i ? ',' : ''}{"id":"${events[i].id}","type":"${events[i].type}","data":${eventDataJson}}`;
      }
      body += ']}';
      return call('POST', `/v1/businesses/${business}/events/batch`, body, 202);
    },
    /**
     * The process's CPU seconds so far, whole and per thread (`hookline_thread_cpu_seconds`,
     * Linux): read at both ends of a run's delivery window, so start-up and shutdown are left out.
     */
    async cpuSeconds() {
      const text = await call('GET', '/metrics', undefined, 200);
      const threads = {};
      for (const m of text.matchAll(/^hookline_thread_cpu_seconds\{thread="(\w+)"\} ([\d.e+-]+)$/gm)) threads[m[1]] = Number(m[2]);
      const process = Number(/^hookline_process_process_cpu_seconds_total ([\d.e+-]+)$/m.exec(text)?.[1] ?? Number.NaN);
      return { process, threads };
    },
    close: () => pool.close(),
  };
}
