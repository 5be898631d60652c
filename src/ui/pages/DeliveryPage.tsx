import { useState } from 'preact/hooks';
import { ApiError, api, biz, qs } from '../api.js';
import { loadCatalog, wireName } from '../catalog.js';
import { ms, prettyBody } from '../format.js';
import { useAction, useLoad } from '../hooks.js';
import { link } from '../router.js';
import type { Attempt, Delivery, RenderedRequest, Webhook } from '../types.js';
import { Crumbs } from '../components/Layout.js';
import { Badge, ErrorNote, Loading, Notice, Time } from '../components/ui.js';

async function load(b: string, id: string) {
  const delivery = await api<Delivery>('GET', `${biz(b)}/deliveries/${encodeURIComponent(id)}`);
  const [catalog, webhook] = await Promise.all([
    loadCatalog(),
    // A deleted webhook's log stays readable; only its name and dialect are missing then.
    api<Webhook>('GET', `${biz(b)}/webhooks/${encodeURIComponent(delivery.webhook_id)}`).catch((err: unknown) => {
      if (err instanceof ApiError && err.status === 404) return null;
      throw err;
    }),
  ]);
  return { delivery, catalog, webhook };
}

export function DeliveryPage({ b, id }: { b: string; id: string }) {
  const loaded = useLoad(() => load(b, id), [b, id], 2000);
  const [notice, setNotice] = useState<string | null>(null);
  const retry = useAction(async () => {
    await api('POST', `${biz(b)}/deliveries/${encodeURIComponent(id)}/retry`);
    setNotice('Retrying now; the new attempt appears below in a moment.');
    await loaded.reload();
  });

  if (!loaded.data) {
    return (
      <section>
        <h1 tabIndex={-1}>Delivery</h1>
        {loaded.loading ? <Loading what="the delivery" /> : <ErrorNote error={loaded.error} />}
      </section>
    );
  }
  const { delivery: d, catalog, webhook } = loaded.data;
  const dialect = webhook?.dialect ?? 'standard';
  const name = wireName(catalog, d.event_type, dialect);
  const attempts = [...(d.attempts ?? [])].reverse();

  return (
    <section>
      <Crumbs
        items={[
          { label: 'Webhooks', href: link('b', b, 'webhooks') },
          { label: webhook?.name ?? d.webhook_id, href: webhook ? link('b', b, 'webhooks', webhook.id) : undefined },
          { label: 'Delivery' },
        ]}
      />
      <div class="page-head">
        <div>
          <h1 tabIndex={-1} class="mono">
            {name}
          </h1>
          <div class="row-gap">
            <Badge status={d.status} />
            <span class="muted small">
              {d.attempt_count} {d.attempt_count === 1 ? 'attempt' : 'attempts'}
              {d.next_attempt_at && (
                <>
                  {' '}· next <Time iso={d.next_attempt_at} />
                </>
              )}
            </span>
          </div>
        </div>
        <div class="actions">
          <button type="button" class="btn btn-primary" data-write disabled={retry.busy} onClick={() => void retry.run()}>
            {retry.busy ? 'Retrying…' : 'Retry now'}
          </button>
        </div>
      </div>
      <Notice text={notice} onDone={() => setNotice(null)} />
      <ErrorNote error={retry.error ?? loaded.error} />
      <div class="card">
        <dl class="props props-wide">
          <dt>Delivery</dt>
          <dd class="mono">{d.id}</dd>
          <dt>Event</dt>
          <dd class="mono">
            {d.event_id} <span class="muted">({d.event_type})</span>
          </dd>
          <dt>Webhook</dt>
          <dd>{webhook ? <a href={link('b', b, 'webhooks', webhook.id)}>{webhook.name}</a> : <span class="muted">deleted ({d.webhook_id})</span>}</dd>
          <dt>Created</dt>
          <dd>
            <Time iso={d.created_at} absolute />
          </dd>
        </dl>
      </div>
      <h2 class="section-title">Attempts</h2>
      {attempts.length === 0 && (
        <div class="card">
          <p class="muted">No attempt yet: this delivery is waiting to be sent. This is the request it will send:</p>
          {webhook && <RequestView b={b} deliveryId={d.id} attempt={null} />}
        </div>
      )}
      <ol class="attempts">
        {attempts.map((a, i) => (
          <AttemptItem key={a.number} b={b} deliveryId={d.id} attempt={a} open={i === 0} canRender={webhook !== null} />
        ))}
      </ol>
    </section>
  );
}

function AttemptItem({ b, deliveryId, attempt: a, open, canRender }: { b: string; deliveryId: string; attempt: Attempt; open: boolean; canRender: boolean }) {
  const [shown, setShown] = useState(open);
  const ok = a.error === null;
  // These attempts sent nothing; Hookline keeps its reason where a response would be.
  const notSent = (a.error === 'unrepresentable' || a.error === 'render_failed') && !!a.response_body;
  return (
    <li class="attempt">
      <details open={open} onToggle={(e) => setShown((e.currentTarget as HTMLDetailsElement).open)}>
        <summary>
          <span class="attempt-no">#{a.number}</span>
          <Badge status={ok ? 'succeeded' : 'failed'} label={a.status_code !== null ? `HTTP ${a.status_code}` : (a.error ?? 'error')} />
          {a.error && a.status_code !== null && <span class="mono small muted">{a.error}</span>}
          <span class="muted small">
            <Time iso={a.started_at} absolute /> · {ms(a.duration_ms)}
          </span>
        </summary>
        <div class="attempt-body">
          {notSent ? (
            <>
              <h3>Not sent: {a.error}</h3>
              <p class="attempt-reason">{a.response_body}</p>
            </>
          ) : (
            <>
              <h3>Response</h3>
              {a.response_body ? <pre class="code">{prettyBody(a.response_body)}</pre> : <p class="muted small">No response body{a.status_code === null ? ' (no answer was received)' : ''}.</p>}
            </>
          )}
          {canRender && shown && !notSent && <RequestView b={b} deliveryId={deliveryId} attempt={a.number} />}
        </div>
      </details>
    </li>
  );
}

/** The request as the dialect renders it, fetched when the attempt is opened. */
function RequestView({ b, deliveryId, attempt }: { b: string; deliveryId: string; attempt: number | null }) {
  const req = useLoad(() => api<RenderedRequest>('GET', `${biz(b)}/deliveries/${encodeURIComponent(deliveryId)}/request${qs({ attempt })}`), [b, deliveryId, attempt]);
  if (req.loading) return <Loading what="the request" />;
  if (!req.data) return <ErrorNote error={req.error} />;
  const r = req.data;
  return (
    <div class="request">
      <h3>Request</h3>
      <p class="muted small">Rendered again from the stored event, as the dialect sends it; signatures and custom header values are masked.</p>
      <pre class="code">
        <span class="strong">
          {r.method} {r.url}
        </span>
        {'\n'}
        {r.headers.map((h) => (
          <span key={h.name}>
            <span class="hdr-name">{h.name}</span>: <span class={h.masked ? 'masked' : undefined}>{h.value}</span>
            {'\n'}
          </span>
        ))}
        {'\n'}
        {prettyBody(r.body)}
      </pre>
    </div>
  );
}
