import { useState } from 'preact/hooks';
import { api, biz, qs } from '../api.js';
import { wireName } from '../catalog.js';
import { useAction, useLoad } from '../hooks.js';
import { link } from '../router.js';
import type { Delivery, EventType, Page, Webhook } from '../types.js';
import { Badge, Empty, ErrorNote, Time } from './ui.js';

const STATUSES = ['failed', 'retrying', 'pending', 'succeeded', 'cancelled'] as const;
/** Newest first, refreshed every 2 s while the tab is visible. */
const POLL_MS = 2000;

/** The catalogue types a webhook's filters cover, for the event-type filter. */
function typesOf(webhook: Webhook, catalog: EventType[]): string[] {
  const covered = catalog.filter(
    (t) => t.names[webhook.dialect] !== null && webhook.events.some((f) => f === '*' || f === t.type || (f.endsWith('/*') && t.type.startsWith(f.slice(0, -1)))),
  );
  return [...new Set([...covered.map((t) => t.type), 'webhook/test'])];
}

export function DeliveryLog({ b, webhook, catalog, bump, onNotice }: { b: string; webhook: Webhook; catalog: EventType[]; bump: number; onNotice: (m: string) => void }) {
  const [status, setStatus] = useState('');
  const [eventType, setEventType] = useState('');
  const [older, setOlder] = useState<{ rows: Delivery[]; cursor: string | null } | null>(null);
  const filter = { webhook_id: webhook.id, status, event_type: eventType, limit: 25 };
  const head = useLoad(() => api<Page<Delivery>>('GET', `${biz(b)}/deliveries${qs(filter)}`), [b, webhook.id, status, eventType, bump], POLL_MS);
  const loadOlder = useAction(async () => {
    const cursor = older ? older.cursor : head.data?.next_cursor;
    const page = await api<Page<Delivery>>('GET', `${biz(b)}/deliveries${qs({ ...filter, cursor })}`);
    setOlder({ rows: [...(older?.rows ?? []), ...page.data], cursor: page.next_cursor });
  });
  const retry = useAction(async (d: Delivery) => {
    await api('POST', `${biz(b)}/deliveries/${encodeURIComponent(d.id)}/retry`);
    onNotice(`Retrying ${wireName(catalog, d.event_type, webhook.dialect)} now.`);
    await head.reload();
  });

  const headRows = head.data?.data ?? [];
  const seen = new Set(headRows.map((d) => d.id));
  const rows = [...headRows, ...(older?.rows ?? []).filter((d) => !seen.has(d.id))];
  const more = older ? older.cursor !== null : Boolean(head.data?.next_cursor);
  const filtered = status !== '' || eventType !== '';
  const resetOlder = () => setOlder(null);

  return (
    <div class="card" aria-labelledby="log-title">
      <div class="card-head">
        <h2 id="log-title">Recent deliveries</h2>
        <span class="live" title="Refreshes every 2 seconds">
          <span class="live-dot" aria-hidden="true" /> Live
        </span>
      </div>
      <div class="filters">
        <div class="field inline">
          <label for="f-status">Status</label>
          <select id="f-status" value={status} onChange={(e) => { setStatus(e.currentTarget.value); resetOlder(); }}>
            <option value="">All</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {s[0]!.toUpperCase() + s.slice(1)}
              </option>
            ))}
          </select>
        </div>
        <div class="field inline">
          <label for="f-type">Event</label>
          <select id="f-type" value={eventType} onChange={(e) => { setEventType(e.currentTarget.value); resetOlder(); }}>
            <option value="">All events</option>
            {typesOf(webhook, catalog).map((t) => (
              <option key={t} value={t}>
                {wireName(catalog, t, webhook.dialect)}
              </option>
            ))}
          </select>
        </div>
      </div>
      <ErrorNote error={head.error ?? retry.error} />
      {head.data && rows.length === 0 && (
        <Empty title={filtered ? 'No deliveries match these filters.' : 'No deliveries yet.'}>
          {filtered ? 'Clear a filter to see more.' : 'Deliveries appear here as events happen. Use “Send test event” to try the endpoint now.'}
        </Empty>
      )}
      {rows.length > 0 && (
        <table class="table table-cards log" aria-describedby="log-title">
          <thead>
            <tr>
              <th scope="col">Event</th>
              <th scope="col">Status</th>
              <th scope="col">Response</th>
              <th scope="col">Attempts</th>
              <th scope="col">Created</th>
              <th scope="col"><span class="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {rows.map((d) => (
              <tr key={d.id} class="row-link" data-status={d.status}>
                <td data-label="Event">
                  <a class="row-main mono" href={link('b', b, 'deliveries', d.id)}>
                    {wireName(catalog, d.event_type, webhook.dialect)}
                  </a>
                </td>
                <td data-label="Status">
                  <Badge status={d.status} />
                </td>
                <td data-label="Response" class="mono">
                  {d.last_status_code ?? <span class="muted">—</span>}
                </td>
                <td data-label="Attempts">
                  {d.attempt_count}
                  {d.next_attempt_at && (
                    <span class="muted small">
                      {' '}· next <Time iso={d.next_attempt_at} />
                    </span>
                  )}
                </td>
                <td data-label="Created">
                  <Time iso={d.created_at} />
                </td>
                <td class="cell-actions">
                  {(d.status === 'failed' || d.status === 'retrying') && (
                    <button type="button" class="btn btn-small" data-write disabled={retry.busy} onClick={() => void retry.run(d)}>
                      Retry now
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {more && (
        <button type="button" class="btn" disabled={loadOlder.busy} onClick={() => void loadOlder.run()}>
          {loadOlder.busy ? 'Loading…' : 'Load older deliveries'}
        </button>
      )}
    </div>
  );
}
