import { api, biz, qs } from '../api.js';
import { loadCatalog, wireName } from '../catalog.js';
import { useLoad } from '../hooks.js';
import { link } from '../router.js';
import type { Delivery, EventType, Page, Webhook } from '../types.js';
import { Crumbs } from '../components/Layout.js';
import { Badge, Empty, ErrorNote, Loading, Time } from '../components/ui.js';

interface Row {
  webhook: Webhook;
  last: Delivery | null;
}

async function loadRows(b: string): Promise<{ rows: Row[]; catalog: EventType[] }> {
  const [page, catalog] = await Promise.all([api<Page<Webhook>>('GET', `${biz(b)}/webhooks${qs({ limit: 100 })}`), loadCatalog()]);
  // One indexed read per webhook (newest delivery by webhook id), so the list stays fast however long the log is.
  const rows = await Promise.all(
    page.data.map(async (webhook) => {
      const last = await api<Page<Delivery>>('GET', `${biz(b)}/deliveries${qs({ webhook_id: webhook.id, limit: 1 })}`);
      return { webhook, last: last.data[0] ?? null };
    }),
  );
  return { rows, catalog };
}

export function WebhookList({ b }: { b: string }) {
  const list = useLoad(() => loadRows(b), [b], 5000);
  const rows = list.data?.rows;

  return (
    <section>
      <Crumbs items={[{ label: 'Business' }, { label: 'Integrations' }, { label: 'Webhooks' }]} />
      <div class="page-head">
        <h1 tabIndex={-1}>Webhooks</h1>
        <a class="btn btn-primary" data-write href={link('b', b, 'webhooks', 'new')}>
          + Add Webhook
        </a>
      </div>
      <p class="muted lead">Each webhook sends the events you choose to a URL of yours, signed, and retries when your endpoint is down.</p>
      {list.loading && <Loading what="webhooks" />}
      <ErrorNote error={list.error} />
      {rows && rows.length === 0 && (
        <Empty title="No webhooks yet.">
          <p>Add one to start sending events to your system. Not sure what will arrive? Create a test inbox in the <a href={link('b', b, 'inspector')}>Inspector</a> and point a webhook at it.</p>
        </Empty>
      )}
      {rows && rows.length > 0 && (
        <table class="table table-cards">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Events</th>
              <th scope="col">Dialect</th>
              <th scope="col">Health</th>
              <th scope="col">Last delivery</th>
            </tr>
          </thead>
          <tbody>
            {rows.map(({ webhook: w, last }) => (
              <tr key={w.id} class="row-link">
                <td data-label="Name">
                  <a class="row-main" href={link('b', b, 'webhooks', w.id)}>
                    {w.name}
                  </a>
                  <div class="muted mono small truncate" title={w.url}>
                    {w.url}
                  </div>
                </td>
                <td data-label="Events">
                  <EventList events={w.events} dialect={w.dialect} catalog={list.data?.catalog} />
                </td>
                <td data-label="Dialect">
                  <span class="mono">{w.dialect}</span>
                </td>
                <td data-label="Health">
                  {!w.enabled ? <Badge status="disabled" /> : <Badge status={w.health.state} />}
                </td>
                <td data-label="Last delivery">
                  {last ? (
                    <span class="stack">
                      <Badge status={last.status} />
                      <span class="small muted">
                        <Time iso={last.created_at} />
                      </span>
                    </span>
                  ) : (
                    <span class="muted">None yet</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

export function EventList({ events, dialect, catalog, max = 3 }: { events: string[]; dialect: string; catalog: EventType[] | undefined; max?: number }) {
  const names = events.map((e) => (e.includes('*') ? e : wireName(catalog, e, dialect)));
  const shown = names.slice(0, max);
  return (
    <span class="chips">
      {shown.map((n) => (
        <span key={n} class="chip mono">
          {n}
        </span>
      ))}
      {names.length > max && <span class="chip chip-more" title={names.slice(max).join(', ')}>+{names.length - max} more</span>}
    </span>
  );
}
