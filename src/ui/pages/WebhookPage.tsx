import { useState } from 'preact/hooks';
import { api, biz } from '../api.js';
import { loadCatalog } from '../catalog.js';
import { ms, retryLabel } from '../format.js';
import { useAction, useLoad } from '../hooks.js';
import { link, navigate } from '../router.js';
import type { Webhook } from '../types.js';
import { Crumbs } from '../components/Layout.js';
import { DeliveryLog } from '../components/DeliveryLog.js';
import { ReplayPanel } from '../components/ReplayPanel.js';
import { SecretPanel } from '../components/SecretPanel.js';
import { WebhookWirePreview } from '../components/WirePreview.js';
import { Badge, Confirm, ErrorNote, Loading, Notice, Time } from '../components/ui.js';
import { EventList } from './WebhookList.js';

export function WebhookPage({ b, id }: { b: string; id: string }) {
  const path = `${biz(b)}/webhooks/${encodeURIComponent(id)}`;
  const loaded = useLoad(async () => ({ webhook: await api<Webhook>('GET', path), catalog: await loadCatalog() }), [b, id], 5000);
  const [override, setOverride] = useState<Webhook | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [bump, setBump] = useState(0);
  const [deleting, setDeleting] = useState(false);

  const webhook = loaded.data && override && override.updated_at >= loaded.data.webhook.updated_at ? override : loaded.data?.webhook;
  const changed = (w: Webhook, message: string) => {
    setOverride(w);
    setNotice(message);
  };
  const test = useAction(async () => {
    await api('POST', `${path}/test`);
    setNotice('Test event sent. It appears in the log below in a moment.');
    setBump((n) => n + 1);
  });
  const toggle = useAction(async () => {
    const w = await api<Webhook>('PATCH', path, { enabled: !webhook!.enabled });
    changed(w, w.enabled ? 'Webhook enabled: events are sent again, including those held while it was off.' : 'Webhook disabled: new events are held until you enable it.');
  });
  const remove = useAction(async () => {
    await api('DELETE', path);
    navigate(`/b/${encodeURIComponent(b)}/webhooks`);
  });

  if (loaded.loading && !loaded.data) return <Loading what="the webhook" />;
  if (!webhook || !loaded.data) {
    return (
      <section>
        <h1 tabIndex={-1}>Webhook</h1>
        <ErrorNote error={loaded.error} />
        <a href={link('b', b, 'webhooks')}>Back to webhooks</a>
      </section>
    );
  }
  const catalog = loaded.data.catalog;
  const state = webhook.enabled ? webhook.health.state : 'disabled';

  return (
    <section>
      <Crumbs items={[{ label: 'Business' }, { label: 'Integrations' }, { label: 'Webhooks', href: link('b', b, 'webhooks') }, { label: webhook.name }]} />
      <div class="page-head">
        <div>
          <h1 tabIndex={-1}>{webhook.name}</h1>
          <div class="mono small muted break">{webhook.url}</div>
        </div>
        <div class="actions">
          <button type="button" class="btn btn-primary" data-write disabled={test.busy || !webhook.enabled} onClick={() => void test.run()} title={webhook.enabled ? undefined : 'Enable the webhook first'}>
            {test.busy ? 'Sending…' : 'Send test event'}
          </button>
          <a class="btn" data-write href={link('b', b, 'webhooks', webhook.id, 'edit')}>
            Edit
          </a>
          <button type="button" class="btn" data-write disabled={toggle.busy} onClick={() => void toggle.run()}>
            {webhook.enabled ? 'Disable' : 'Enable'}
          </button>
          <button type="button" class="btn btn-danger-quiet" data-write onClick={() => setDeleting(true)}>
            Delete
          </button>
        </div>
      </div>
      <Notice text={notice} onDone={() => setNotice(null)} />
      <ErrorNote error={test.error ?? toggle.error ?? loaded.error} />
      {state !== 'healthy' && (
        <div class={`note ${state === 'disabled' ? 'note-warn' : 'note-error'}`}>
          <Badge status={state} /> {webhook.health.reason ?? (state === 'disabled' ? 'This webhook is off; events are held until you enable it.' : 'Recent attempts failed.')}
        </div>
      )}
      {webhook.verification_state === 'pending_verification' && (
        <div class="note note-warn">
          Waiting for the URL to answer its ownership challenge; events are held until it does.
          {webhook.verification_error ? ` Last answer: ${webhook.verification_error}.` : ''}
        </div>
      )}
      <div class="grid-2">
        <div class="card">
          <h2>Settings</h2>
          <dl class="props">
            <dt>Health</dt>
            <dd>
              <Badge status={state} />
              {webhook.health.consecutive_failures > 0 && <span class="muted small"> {webhook.health.consecutive_failures} failed in a row</span>}
            </dd>
            <dt>Dialect</dt>
            <dd class="mono">{webhook.dialect}</dd>
            <dt>Triggers</dt>
            <dd>
              <EventList events={webhook.events} dialect={webhook.dialect} catalog={catalog} max={8} />
            </dd>
            <dt>Timeout</dt>
            <dd>{ms(webhook.timeout_ms)}</dd>
            <dt>Retries</dt>
            <dd>{retryLabel(webhook.retry_schedule)}</dd>
            <dt>Pace</dt>
            <dd>
              {webhook.rate_limit === null ? 'No rate limit' : `At most ${webhook.rate_limit} requests per second`}; {webhook.max_in_flight} at once
              {webhook.ordering === 'fifo' ? '; in order' : ''}
            </dd>
            <dt>Headers</dt>
            <dd>
              {Object.keys(webhook.headers).length === 0 ? (
                <span class="muted">None</span>
              ) : (
                Object.keys(webhook.headers).map((h) => (
                  <div key={h} class="mono small">
                    {h}: ••••
                  </div>
                ))
              )}
            </dd>
            <dt>Endpoint auth</dt>
            <dd>{endpointAuthLabel(webhook)}</dd>
            {webhook.tls?.client_cert && (
              <>
                <dt>Client certificate</dt>
                <dd>
                  expires <Time iso={webhook.tls.client_cert_expires_at ?? null} absolute />
                </dd>
              </>
            )}
            <dt>Created</dt>
            <dd>
              <Time iso={webhook.created_at} />
            </dd>
          </dl>
        </div>
        <div class="stack-gap">
          <SecretPanel b={b} webhook={webhook} onRotated={changed} />
          <ReplayPanel b={b} webhook={webhook} onReplayed={(m) => { setNotice(m); setBump((n) => n + 1); }} />
        </div>
      </div>
      <WebhookWirePreview webhook={webhook} catalog={catalog} />
      <DeliveryLog b={b} webhook={webhook} catalog={catalog} bump={bump} onNotice={setNotice} />
      <Confirm
        open={deleting}
        title={`Delete “${webhook.name}”?`}
        confirmLabel="Delete webhook"
        danger
        busy={remove.busy}
        error={remove.error}
        onConfirm={() => void remove.run()}
        onCancel={() => setDeleting(false)}
      >
        <p>No more events will be sent to {webhook.url}. Deliveries still waiting end as failed. Past deliveries stay readable in the log.</p>
      </Confirm>
    </section>
  );
}

/** How Hookline authenticates to the endpoint, in a few words; never a secret (the API does not return them). */
function endpointAuthLabel(w: Webhook): string {
  const parts: string[] = [];
  if (w.auth?.type === 'basic') parts.push(`Basic (${w.auth.username ?? ''})`);
  if (w.auth?.type === 'bearer') parts.push('Bearer token');
  if (w.auth?.type === 'oauth2_client_credentials') parts.push(`OAuth2 client ${w.auth.client_id ?? ''}`);
  if (w.tls?.client_cert) parts.push('client certificate');
  if (w.tls?.ca) parts.push('private CA');
  if (w.verification_state === 'verified') parts.push('ownership verified');
  return parts.length === 0 ? 'Signature only' : parts.join('; ');
}
