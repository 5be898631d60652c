import { useState } from 'preact/hooks';
import { api, qs } from '../api.js';
import { prettyBody } from '../format.js';
import { useLoad } from '../hooks.js';
import type { EventType, RenderedRequest, Webhook } from '../types.js';
import { ErrorNote, Loading } from './ui.js';

/** A catalogue type's example as `dialect` puts it on the wire: translated fields, headers, signatures masked. */
export function WirePreview({ type, dialect }: { type: string; dialect: string }) {
  const r = useLoad(() => api<RenderedRequest>('GET', `/v1/event-types/preview${qs({ type, dialect })}`), [type, dialect]);
  if (r.loading) return <Loading what="the example request" />;
  if (!r.data) return <ErrorNote error={r.error} />;
  return (
    <pre class="code">
      {r.data.headers.map((h) => `${h.name}: ${h.value}\n`).join('')}
      {'\n'}
      {prettyBody(r.data.body)}
    </pre>
  );
}

const matches = (filter: string, type: string): boolean =>
  filter === '*' ? !type.startsWith('hookline/') : filter.endsWith('/*') ? type.startsWith(filter.slice(0, -1)) : filter === type;

/**
 * What this webhook's receiver gets for one of its event types: the catalogue's example,
 * published once in canonical form, as the webhook's dialect translates it (issue 11).
 */
export function WebhookWirePreview({ webhook, catalog }: { webhook: Webhook; catalog: EventType[] }) {
  const types = catalog.filter((t) => t.names[webhook.dialect] !== null && webhook.events.some((f) => matches(f, t.type)));
  const [picked, setPicked] = useState<string | null>(null);
  const type = picked !== null && types.some((t) => t.type === picked) ? picked : types[0]?.type;
  if (!type) return null;
  return (
    <details class="card">
      <summary>
        <h2 class="inline-heading">What the receiver gets</h2>
      </summary>
      <p class="muted small">The catalogue's example, published once in its canonical shape, as the {webhook.dialect} dialect sends it.</p>
      <div class="field">
        <label for="wire-type">Event</label>
        <select id="wire-type" value={type} onChange={(e) => setPicked(e.currentTarget.value)}>
          {types.map((t) => (
            <option key={t.type} value={t.type}>
              {t.names[webhook.dialect]}
              {t.names[webhook.dialect] !== t.type ? ` (${t.type})` : ''}
            </option>
          ))}
        </select>
      </div>
      <WirePreview type={type} dialect={webhook.dialect} />
    </details>
  );
}
