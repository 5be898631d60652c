import { useEffect } from 'preact/hooks';
import { api } from '../api.js';
import { count, span } from '../format.js';
import { useLoad } from '../hooks.js';
import { link } from '../router.js';
import type { Overview as OverviewData } from '../types.js';
import { LineChart, OutcomeBars } from '../components/charts.js';
import { Badge, Empty, ErrorNote, Loading } from '../components/ui.js';

/** The operator's view across every business: is delivery keeping up, and who is failing. */
export function Overview() {
  const loaded = useLoad(() => api<OverviewData>('GET', '/v1/overview'), [], 5000);
  const o = loaded.data;
  const counting = o !== undefined && o.queue.counted_at === null;
  // The server counts the log in the background; ask again soon rather than at the next poll.
  useEffect(() => {
    if (!counting) return;
    const t = setTimeout(() => void loaded.reload(), 1000);
    return () => clearTimeout(t);
  }, [o]);
  return (
    <section>
      <div class="page-head">
        <h1 tabIndex={-1}>Overview</h1>
        <span class="live" title="Refreshes every 5 seconds">
          <span class="live-dot" aria-hidden="true" /> Live
        </span>
      </div>
      {loaded.loading && !o && <Loading what="the overview" />}
      <ErrorNote error={loaded.error} />
      {o && (
        <>
          <div class="stats">
            <Stat label="Waiting to be sent" value={counting ? '…' : count(o.queue.pending + o.queue.retrying)} detail={counting ? 'counting the log…' : `${count(o.queue.pending)} new · ${count(o.queue.retrying)} retrying`} />
            <Stat label="Oldest due delivery" value={counting ? '…' : o.queue.oldest_due_age_ms === 0 ? 'none' : span(Math.round(o.queue.oldest_due_age_ms / 1000))} detail="waiting past its time" warn={o.queue.oldest_due_age_ms > 60_000} />
            <Stat label="Held by this server" value={count(o.queue.held)} detail={`${count(o.queue.in_flight)} requests in flight`} />
            <Stat label="Failed for good" value={counting ? '…' : count(o.queue.failed)} detail={counting ? 'counting the log…' : `${count(o.queue.succeeded)} succeeded in the log`} />
          </div>
          <div class="card">
            <div class="card-head">
              <h2>Attempts per minute</h2>
              <span class="legend">
                <span class="key key-ok" /> succeeded <span class="key key-bad" /> failed
              </span>
            </div>
            <OutcomeBars data={o.per_minute} W={1000} />
            <p class="hint">The last hour of attempts made by this server process since it started.</p>
          </div>
          <div class="grid-2">
            <div class="card">
              <h2>Queue depth</h2>
              <LineChart points={o.queue_history.map((h) => ({ at: h.at, value: h.waiting }))} label="Deliveries waiting" unit={count} />
              <p class="hint">Deliveries waiting to be sent (new and retrying), sampled while this page is open.</p>
            </div>
            <div class="card">
              <h2>Oldest due delivery</h2>
              <LineChart points={o.queue_history.map((h) => ({ at: h.at, value: Math.round(h.oldest_due_age_ms / 1000) }))} label="Oldest due delivery" unit={(v) => span(v)} />
              <p class="hint">Seconds the oldest due delivery has waited past its time; near zero when delivery keeps up.</p>
            </div>
          </div>
          <div class="card">
            <h2>Failing endpoints</h2>
            {o.failing.length === 0 ? (
              <Empty title="No endpoint is failing.">Every webhook's last attempt succeeded.</Empty>
            ) : (
              <table class="table table-cards">
                <thead>
                  <tr>
                    <th scope="col">Webhook</th>
                    <th scope="col">Business</th>
                    <th scope="col">Health</th>
                    <th scope="col">Failures</th>
                    <th scope="col">Last error</th>
                  </tr>
                </thead>
                <tbody>
                  {o.failing.map((f) => (
                    <tr key={f.webhook_id}>
                      <td data-label="Webhook">
                        <a href={link('b', f.business, 'webhooks', f.webhook_id)}>{f.name ?? f.webhook_id}</a>
                        {f.url && <div class="muted mono small truncate">{f.url}</div>}
                      </td>
                      <td data-label="Business" class="mono">
                        {f.business}
                      </td>
                      <td data-label="Health">
                        <Badge status={f.health === 'healthy' ? 'retrying' : f.health} label={f.health === 'healthy' ? 'Failing' : undefined} />
                      </td>
                      <td data-label="Failures">
                        {f.consecutive_failures} in a row
                        {f.failed_last_hour > 0 && <span class="muted small"> · {f.failed_last_hour} this hour</span>}
                      </td>
                      <td data-label="Last error" class="mono small">
                        {f.last_status_code ? `HTTP ${f.last_status_code}` : (f.last_error ?? f.reason ?? '—')}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </div>
        </>
      )}
    </section>
  );
}

function Stat({ label, value, detail, warn }: { label: string; value: string; detail: string; warn?: boolean }) {
  return (
    <div class={`card stat${warn ? ' stat-warn' : ''}`}>
      <div class="stat-label">{label}</div>
      <div class="stat-value">{value}</div>
      <div class="stat-detail muted small">{detail}</div>
    </div>
  );
}
