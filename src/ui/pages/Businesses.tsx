import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { useAction, useLoad } from '../hooks.js';
import type { Business } from '../types.js';
import { businessIdProblem, slugOf } from '../slug.js';
import { CardForm, Empty, ErrorNote, Field, Loading, Time, fieldAria } from '../components/ui.js';

/** The admin's start: pick the business to work in, or create one. */
export function Businesses({ onPick }: { onPick: (b: Business) => void }) {
  const list = useLoad(() => api<{ data: Business[] }>('GET', '/v1/businesses'), []);
  const [filter, setFilter] = useState('');
  const [id, setId] = useState('');
  // The id follows the name until the user edits it; then it is theirs.
  const [idEdited, setIdEdited] = useState(false);
  const [name, setName] = useState('');
  const [local, setLocal] = useState<{ field: 'id' | 'name'; message: string } | null>(null);
  const create = useAction(async () => {
    const problem = name.trim() === '' ? { field: 'name' as const, message: 'Enter the business’s name, e.g. Sunrise Yoga.' } : null;
    const idProblem = businessIdProblem(id.trim());
    setLocal(problem ?? (idProblem ? { field: 'id', message: idProblem } : null));
    if (problem || idProblem) return;
    const b = await api<Business>('POST', '/v1/businesses', { id: id.trim(), name: name.trim() });
    onPick(b);
  });
  const shown = (list.data?.data ?? []).filter((b) => `${b.id} ${b.name}`.toLowerCase().includes(filter.toLowerCase()));
  const apiIdError = create.error && /\/body\/id|already exists|BUSINESS_EXISTS/.test(`${create.error.code} ${create.error.detail}`) ? (create.error.code === 'BUSINESS_EXISTS' ? create.error.detail : businessIdProblem(id.trim()) ?? create.error.detail) : null;
  const idError = local?.field === 'id' ? local.message : apiIdError;
  const nameError = local?.field === 'name' ? local.message : null;

  return (
    <section>
      <div class="page-head">
        <h1 tabIndex={-1}>Businesses</h1>
      </div>
      <p class="muted">You are signed in with the admin token. Pick the business whose webhooks you want to manage.</p>
      <div class="grid-2">
        <div class="card">
          <h2>Open a business</h2>
          {list.loading && <Loading what="businesses" />}
          <ErrorNote error={list.error} />
          {list.data && list.data.data.length > 5 && (
            <div class="field">
              <label for="biz-filter">Search</label>
              <input id="biz-filter" type="search" value={filter} onInput={(e) => setFilter(e.currentTarget.value)} />
            </div>
          )}
          {list.data && list.data.data.length === 0 && <Empty title="No businesses yet.">Create the first one with the form beside this list.</Empty>}
          <ul class="pick-list">
            {shown.map((b) => (
              <li key={b.id}>
                <button type="button" class="pick" onClick={() => onPick(b)}>
                  <strong>{b.name}</strong>
                  <span class="muted mono">{b.id}</span>
                  <span class="muted small">
                    created <Time iso={b.created_at} />
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </div>
        <CardForm onSubmit={() => create.run()}>
          <h2>Create a business</h2>
          <Field id="biz-name" label="Name" error={nameError}>
            <input
              id="biz-name"
              value={name}
              onInput={(e) => {
                const next = e.currentTarget.value;
                setName(next);
                if (!idEdited) setId(slugOf(next));
              }}
              placeholder="Sunrise Yoga"
              aria-describedby={nameError ? 'biz-name-error' : undefined}
              aria-invalid={nameError ? true : undefined}
            />
          </Field>
          <Field id="biz-id" label="Id" hint="Made from the name; letters, digits, - and _. Used in API paths and cannot change." error={idError}>
            <input
              id="biz-id"
              class="mono"
              value={id}
              onInput={(e) => {
                setId(e.currentTarget.value);
                // Emptying the id hands it back to the name.
                setIdEdited(e.currentTarget.value !== '');
              }}
              placeholder="sunrise-yoga"
              {...fieldAria('biz-id', idError)}
            />
          </Field>
          {!idError && <ErrorNote error={create.error} />}
          <button class="btn btn-primary" type="submit" disabled={create.busy}>
            {create.busy ? 'Creating…' : 'Create business'}
          </button>
        </CardForm>
      </div>
    </section>
  );
}
