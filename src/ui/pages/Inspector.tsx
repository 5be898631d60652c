import { useState } from 'preact/hooks';
import { api, biz } from '../api.js';
import { useAction, useLoad } from '../hooks.js';
import { link, navigate } from '../router.js';
import type { Inbox, Page, Webhook } from '../types.js';
import { Crumbs } from '../components/Layout.js';
import { Empty, ErrorNote, Field, Loading, Time } from '../components/ui.js';

/**
 * Test inboxes: URLs served by Hookline itself that record whatever they receive, so a
 * business can see exactly what its webhook sends without an outside inspection site.
 */
export function Inspector({ b }: { b: string }) {
  const loaded = useLoad(
    async () => {
      const [inboxes, webhooks] = await Promise.all([
        api<{ data: Inbox[] }>('GET', `${biz(b)}/inboxes`),
        api<Page<Webhook>>('GET', `${biz(b)}/webhooks?limit=100`),
      ]);
      return { inboxes: inboxes.data, webhooks: webhooks.data };
    },
    [b],
    5000,
  );
  const [webhookId, setWebhookId] = useState('');
  const create = useAction(async () => {
    const inbox = await api<Inbox>('POST', `${biz(b)}/inboxes`, webhookId ? { webhook_id: webhookId } : null);
    navigate(`/b/${encodeURIComponent(b)}/inspector/${encodeURIComponent(inbox.id)}`);
  });
  const inboxes = loaded.data?.inboxes;

  return (
    <section>
      <Crumbs items={[{ label: 'Business' }, { label: 'Integrations' }, { label: 'Inspector' }]} />
      <div class="page-head">
        <h1 tabIndex={-1}>Inspector</h1>
      </div>
      <p class="muted lead">
        A test inbox is a URL that records every request it receives. Point a webhook at it and see exactly what arrives: method, headers, body, and whether the signature checks out.
      </p>
      <form
        class="card inline-form"
        data-write
        onSubmit={(e) => {
          e.preventDefault();
          void create.run();
        }}
      >
        <Field id="inbox-webhook" label="Check signatures with (optional)" hint="Without a choice, any webhook of yours that points at the inbox is used.">
          <select id="inbox-webhook" value={webhookId} onChange={(e) => setWebhookId(e.currentTarget.value)} aria-describedby="inbox-webhook-hint">
            <option value="">Any webhook pointing here</option>
            {(loaded.data?.webhooks ?? []).map((w) => (
              <option key={w.id} value={w.id}>
                {w.name} ({w.dialect})
              </option>
            ))}
          </select>
        </Field>
        <button class="btn btn-primary" type="submit" disabled={create.busy}>
          {create.busy ? 'Creating…' : 'Create a test inbox'}
        </button>
      </form>
      <ErrorNote error={create.error ?? loaded.error} />
      {loaded.loading && <Loading what="inboxes" />}
      {inboxes && inboxes.length === 0 && (
        <Empty title="No test inboxes yet.">Create one above. Inboxes live in the server's memory: they keep the last 200 requests each and are gone after a restart.</Empty>
      )}
      {inboxes && inboxes.length > 0 && (
        <table class="table table-cards">
          <thead>
            <tr>
              <th scope="col">Inbox</th>
              <th scope="col">Requests</th>
              <th scope="col">Last request</th>
              <th scope="col">Created</th>
            </tr>
          </thead>
          <tbody>
            {inboxes.map((i) => (
              <tr key={i.id} class="row-link">
                <td data-label="Inbox">
                  <a class="row-main mono" href={link('b', b, 'inspector', i.id)}>
                    {i.id}
                  </a>
                </td>
                <td data-label="Requests">{i.request_count}</td>
                <td data-label="Last request">
                  <Time iso={i.last_request_at} />
                </td>
                <td data-label="Created">
                  <Time iso={i.created_at} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
