import { useState } from 'preact/hooks';
import { api, biz } from '../api.js';
import { useAction, useLoad } from '../hooks.js';
import type { IssuedToken, TokenInfo } from '../types.js';
import { Crumbs } from '../components/Layout.js';
import { CardForm, Confirm, CopyButton, Empty, ErrorNote, Field, Loading, Notice, Time } from '../components/ui.js';

const DAY_MS = 86_400_000;
const EXPIRY_CHOICES: { label: string; days: number | null }[] = [
  { label: 'Never', days: null },
  { label: 'In 30 days', days: 30 },
  { label: 'In 90 days', days: 90 },
  { label: 'In a year', days: 365 },
];

/**
 * A business's tokens, for the admin: issue one (shown once, with a copy button, since only
 * its hash is kept), see which are in use, and revoke one, which every server refuses within
 * a second.
 */
export function Tokens({ b }: { b: string }) {
  const list = useLoad(() => api<{ data: TokenInfo[] }>('GET', `${biz(b)}/tokens`), [b]);
  const [name, setName] = useState('');
  const [expiry, setExpiry] = useState(0);
  const [issued, setIssued] = useState<IssuedToken | null>(null);
  const [revoking, setRevoking] = useState<TokenInfo | null>(null);
  const [notice, setNotice] = useState<string | null>(null);

  const issue = useAction(async () => {
    const days = EXPIRY_CHOICES[expiry]?.days ?? null;
    const body: { name?: string; expires_at?: string } = {};
    if (name.trim()) body.name = name.trim();
    if (days !== null) body.expires_at = new Date(Date.now() + days * DAY_MS).toISOString();
    const t = await api<IssuedToken>('POST', `${biz(b)}/tokens`, body);
    setIssued(t);
    setName('');
    await list.reload();
  });
  const revoke = useAction(async (t: TokenInfo) => {
    await api<null>('DELETE', `${biz(b)}/tokens/${encodeURIComponent(t.id)}`);
    setRevoking(null);
    if (issued?.id === t.id) setIssued(null);
    setNotice(`Revoked ${t.name ?? t.id}. Requests with it are refused from now on.`);
    await list.reload();
  });
  const rows = list.data?.data;

  return (
    <section>
      <Crumbs items={[{ label: 'Business' }, { label: 'Settings' }, { label: 'Tokens' }]} />
      <div class="page-head">
        <h1 tabIndex={-1}>Tokens</h1>
      </div>
      <p class="muted lead">A business token reaches this business only. Give one to each system or person that calls the API for it, so you can revoke one without disturbing the others.</p>
      <Notice text={notice} onDone={() => setNotice(null)} />
      {issued && (
        <div class="card issued-token" data-testid="issued-token">
          <h2>New token{issued.name ? `: ${issued.name}` : ''}</h2>
          <p>Copy it now: this is the only time it is shown. Hookline keeps only its hash.</p>
          <div class="secret-row">
            <code class="secret" data-testid="new-token">
              {issued.token}
            </code>
            <CopyButton text={issued.token} />
            <button type="button" class="btn btn-small" onClick={() => setIssued(null)}>
              Done
            </button>
          </div>
        </div>
      )}
      <div class="grid-2">
        <div class="card">
          <h2>Issued tokens</h2>
          {list.loading && <Loading what="tokens" />}
          <ErrorNote error={list.error} />
          {rows && rows.length === 0 && <Empty title="No tokens yet.">Issue one with the form beside this list.</Empty>}
          {rows && rows.length > 0 && (
            <table class="table table-cards">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Last used</th>
                  <th scope="col">Expires</th>
                  <th scope="col">
                    <span class="visually-hidden">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((t) => (
                  <tr key={t.id} data-token-id={t.id}>
                    <td data-label="Name">
                      <strong>{t.name ?? 'Unnamed'}</strong>
                      <div class="muted mono small">{t.prefix ? `${t.prefix}…` : t.id}</div>
                      <div class="muted small">
                        issued <Time iso={t.created_at} />
                      </div>
                    </td>
                    <td data-label="Last used">{t.last_used_at ? <Time iso={t.last_used_at} /> : <span class="muted">Never</span>}</td>
                    <td data-label="Expires">{t.expires_at ? <Time iso={t.expires_at} absolute /> : <span class="muted">Never</span>}</td>
                    <td>
                      <button type="button" class="btn btn-small" onClick={() => setRevoking(t)} aria-label={`Revoke ${t.name ?? t.id}`}>
                        Revoke
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
        <CardForm onSubmit={() => issue.run()}>
          <h2>Issue a token</h2>
          <Field id="token-name" label="Name" hint="What it is for, e.g. the system that will use it.">
            <input id="token-name" value={name} maxLength={200} onInput={(e) => setName(e.currentTarget.value)} placeholder="Front desk app" aria-describedby="token-name-hint" />
          </Field>
          <Field id="token-expiry" label="Expires">
            <select id="token-expiry" value={String(expiry)} onChange={(e) => setExpiry(Number(e.currentTarget.value))}>
              {EXPIRY_CHOICES.map((c, i) => (
                <option key={c.label} value={String(i)}>
                  {c.label}
                </option>
              ))}
            </select>
          </Field>
          <ErrorNote error={issue.error} />
          <button class="btn btn-primary" type="submit" disabled={issue.busy}>
            {issue.busy ? 'Issuing…' : 'Issue token'}
          </button>
        </CardForm>
      </div>
      <Confirm
        open={revoking !== null}
        title="Revoke this token?"
        confirmLabel="Revoke token"
        danger
        busy={revoke.busy}
        error={revoke.error}
        onConfirm={() => revoking && void revoke.run(revoking)}
        onCancel={() => {
          setRevoking(null);
          revoke.setError(null);
        }}
      >
        <p>
          Every request with <strong>{revoking?.name ?? revoking?.id}</strong> is refused within a second, on every Hookline server. This cannot be undone: issue a new token
          if it is still needed.
        </p>
      </Confirm>
    </section>
  );
}
