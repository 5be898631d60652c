import { useState } from 'preact/hooks';
import { dialectsOf, loadCatalog } from '../catalog.js';
import { DIALECTS } from '../format.js';
import { useLoad } from '../hooks.js';
import type { EventType } from '../types.js';
import { WirePreview } from '../components/WirePreview.js';
import { Empty, ErrorNote, Loading } from '../components/ui.js';

/** Every event type: what it means, its schema, its example, and how each dialect names and sends it. */
export function Catalog() {
  const loaded = useLoad(loadCatalog, []);
  const [dialect, setDialect] = useState('standard');
  const [query, setQuery] = useState('');
  const types = loaded.data ?? [];
  const q = query.trim().toLowerCase();
  const shown = types.filter((t) => !q || `${t.type} ${t.description} ${Object.values(t.names).join(' ')}`.toLowerCase().includes(q));
  const carried = shown.filter((t) => t.names[dialect] !== null);

  return (
    <section>
      <div class="page-head">
        <h1 tabIndex={-1}>Event catalogue</h1>
      </div>
      <p class="muted lead">Every event Hookline can send. Pick a dialect to see each event under the name, and in the shape, that dialect puts on the wire.</p>
      <div class="filters card">
        <div class="field inline">
          <label for="cat-dialect">Dialect</label>
          <select id="cat-dialect" value={dialect} onChange={(e) => setDialect(e.currentTarget.value)}>
            {dialectsOf(types).map((d) => (
              <option key={d} value={d}>
                {d}
              </option>
            ))}
          </select>
        </div>
        <div class="field inline grow">
          <label for="cat-search">Search</label>
          <input id="cat-search" type="search" placeholder="client, invoice, checkIn…" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        </div>
        <p class="hint full">{DIALECTS[dialect]}</p>
      </div>
      {loaded.loading && <Loading what="the catalogue" />}
      <ErrorNote error={loaded.error} />
      {loaded.data && carried.length === 0 && <Empty title={q ? `No event matches “${query}” in the ${dialect} dialect.` : `The ${dialect} dialect carries no event types.`} />}
      <p class="muted small" aria-live="polite">
        {loaded.data && `${carried.length} of ${types.length} types${shown.length > carried.length ? `; ${shown.length - carried.length} matching types have no ${dialect} name` : ''}.`}
      </p>
      <ul class="catalog" role="list">
        {carried.map((t) => (
          <TypeCard key={t.type} t={t} dialect={dialect} />
        ))}
      </ul>
    </section>
  );
}

function TypeCard({ t, dialect }: { t: EventType; dialect: string }) {
  const [wire, setWire] = useState(false);
  return (
    <li class="card type-card">
      <h2 class="mono">{t.names[dialect]}</h2>
      {t.names[dialect] !== t.type && <div class="mono small muted">{t.type}</div>}
      <p>{t.description}</p>
      <details>
        <summary>Names in every dialect</summary>
        <table class="table table-compact">
          <tbody>
            {Object.entries(t.names).map(([d, n]) => (
              <tr key={d}>
                <th scope="row" class="mono">
                  {d}
                </th>
                <td class="mono">{n ?? <span class="muted">not carried</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
      <details>
        <summary>Example data (canonical: what the platform publishes)</summary>
        <pre class="code">{JSON.stringify(t.example, null, 2)}</pre>
      </details>
      <details>
        <summary>JSON Schema</summary>
        <pre class="code">{JSON.stringify(t.schema, null, 2)}</pre>
      </details>
      <details onToggle={(e) => setWire((e.currentTarget as HTMLDetailsElement).open)}>
        <summary>As sent in the {dialect} dialect</summary>
        {wire && <WirePreview type={t.type} dialect={dialect} />}
      </details>
    </li>
  );
}
