import { useEffect, useRef, useState } from 'preact/hooks';
import { api, biz, qs } from '../api.js';
import { count, prettyBody } from '../format.js';
import { useAction, useLoad } from '../hooks.js';
import { link, navigate } from '../router.js';
import type { Inbox, InboxRequest } from '../types.js';
import { Crumbs } from '../components/Layout.js';
import { Badge, Confirm, CopyButton, Empty, ErrorNote, Loading, Time } from '../components/ui.js';

/** Keeps every request seen so far and asks only for newer ones every 2 s. */
function useInbox(b: string, id: string) {
  const requests = useRef<InboxRequest[]>([]);
  const [, rerender] = useState(0);
  useEffect(() => {
    requests.current = [];
  }, [b, id]);
  const loaded = useLoad(
    async () => {
      const after = requests.current[0]?.seq ?? 0;
      const r = await api<{ inbox: Inbox; data: InboxRequest[] }>('GET', `${biz(b)}/inboxes/${encodeURIComponent(id)}/requests${qs({ after })}`);
      if (r.data.length > 0) {
        requests.current = [...r.data, ...requests.current].slice(0, 200);
        rerender((n) => n + 1);
      }
      return r.inbox;
    },
    [b, id],
    2000,
  );
  return { inbox: loaded.data, error: loaded.error, loading: loaded.loading, requests: requests.current };
}

export function InboxPage({ b, id }: { b: string; id: string }) {
  const { inbox, error, loading, requests } = useInbox(b, id);
  const [deleting, setDeleting] = useState(false);
  const remove = useAction(async () => {
    await api('DELETE', `${biz(b)}/inboxes/${encodeURIComponent(id)}`);
    navigate(`/b/${encodeURIComponent(b)}/inspector`);
  });

  return (
    <section>
      <Crumbs items={[{ label: 'Integrations' }, { label: 'Inspector', href: link('b', b, 'inspector') }, { label: 'Test inbox' }]} />
      <div class="page-head">
        <h1 tabIndex={-1}>Test inbox</h1>
        {inbox && (
          <div class="actions">
            <a class="btn btn-primary" data-write href={`${link('b', b, 'webhooks', 'new')}?url=${encodeURIComponent(inbox.url)}`}>
              Create a webhook that sends here
            </a>
            <button type="button" class="btn btn-danger-quiet" data-write onClick={() => setDeleting(true)}>
              Delete inbox
            </button>
          </div>
        )}
      </div>
      {loading && !inbox && <Loading what="the inbox" />}
      <ErrorNote error={error} />
      {inbox && (
        <div class="card">
          <label class="strong" for="inbox-url">
            Inbox URL
          </label>
          <div class="secret-row">
            <input id="inbox-url" class="mono grow" readOnly value={inbox.url} onFocus={(e) => e.currentTarget.select()} />
            <CopyButton text={inbox.url} label="Copy URL" />
          </div>
          <p class="hint">
            Use it as a webhook's URL, or send anything to it. {count(inbox.request_count)} {inbox.request_count === 1 ? 'request' : 'requests'} received
            <span class="live">
              <span class="live-dot" aria-hidden="true" /> Live
            </span>
          </p>
        </div>
      )}
      {inbox && requests.length === 0 && (
        <Empty title="Waiting for the first request…">
          Point a webhook at the URL above and press “Send test event” on it. Requests show up here as they arrive.
        </Empty>
      )}
      <ol class="requests" aria-label="Received requests, newest first">
        {requests.map((r, i) => (
          <RequestCard key={r.seq} r={r} open={i === 0} />
        ))}
      </ol>
      <Confirm open={deleting} title="Delete this test inbox?" confirmLabel="Delete inbox" danger busy={remove.busy} error={remove.error} onConfirm={() => void remove.run()} onCancel={() => setDeleting(false)}>
        <p>Its URL stops accepting requests and what it recorded is gone. Webhooks pointing at it will start failing.</p>
      </Confirm>
    </section>
  );
}

function SignatureLine({ r }: { r: InboxRequest }) {
  const s = r.signature;
  if (s.status === 'verified') {
    return (
      <div class={`sig ${s.note ? 'sig-warn' : 'sig-ok'}`}>
        <Badge status="verified" />
        <span>
          {s.dialect} dialect, secret of <strong>{s.webhook_name}</strong>
          {s.note && <span class="block small">{s.note}</span>}
        </span>
      </div>
    );
  }
  return (
    <div class={`sig ${s.status === 'failed' ? 'sig-bad' : 'sig-none'}`}>
      <Badge status={s.status} label={s.status === 'failed' ? 'Signature not verified' : 'Signature not checked'} />
      <span class="small">{s.reason}</span>
    </div>
  );
}

/** Credentials a receiver would check; shown only when asked, like the signing secret. */
const SENSITIVE = /^(authorization|proxy-authorization|cookie|x-api-key)$/i;

function RequestCard({ r, open }: { r: InboxRequest; open: boolean }) {
  const [reveal, setReveal] = useState(false);
  const hasSensitive = r.headers.some((h) => SENSITIVE.test(h.name));
  return (
    <li class="card request-card">
      <details open={open}>
        <summary>
          <span class="method">{r.method}</span>
          <span class="mono small truncate">{r.path}</span>
          <span class="muted small">
            <Time iso={r.received_at} absolute />
          </span>
          <span class="muted small">{count(r.body_bytes)} bytes</span>
        </summary>
        <div class="request-body">
          <SignatureLine r={r} />
          <div class="subhead">
            <h3>Headers</h3>
            {hasSensitive && (
              <button type="button" class="btn btn-small btn-quiet" aria-pressed={reveal} onClick={() => setReveal(!reveal)}>
                {reveal ? 'Hide credentials' : 'Show credentials'}
              </button>
            )}
          </div>
          <table class="table table-compact headers">
            <tbody>
              {r.headers.map((h, i) => (
                <tr key={i}>
                  <th scope="row" class="mono">
                    {h.name}
                  </th>
                  <td class="mono break">{SENSITIVE.test(h.name) && !reveal ? '••••' : h.value}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <h3 class="subhead">Body{r.body_truncated && <span class="muted small"> (first 64 KiB of {count(r.body_bytes)} bytes)</span>}</h3>
          {r.body ? <pre class="code">{prettyBody(r.body)}</pre> : <p class="muted small">Empty body.</p>}
        </div>
      </details>
    </li>
  );
}
