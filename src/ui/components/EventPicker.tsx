import { useState } from 'preact/hooks';
import type { EventType } from '../types.js';

interface Props {
  catalog: EventType[];
  dialect: string;
  selected: Set<string>;
  onChange: (next: Set<string>) => void;
  error?: string | null;
}

/**
 * Triggers chosen from the catalogue, each shown by its name in the chosen dialect (an Opus1
 * business sees `client_create_trigger`, not `client/created`). Types the dialect cannot carry
 * are left out. Wildcards from the API (`client/*`) stay as their own entries.
 */
export function EventPicker({ catalog, dialect, selected, onChange, error }: Props) {
  const [query, setQuery] = useState('');
  const q = query.trim().toLowerCase();
  const carried = catalog.filter((t) => t.names[dialect] !== null && t.type !== 'webhook/test');
  const shown = carried.filter((t) => !q || `${t.type} ${t.names[dialect]} ${t.description}`.toLowerCase().includes(q));
  const wildcards = [...selected].filter((e) => e.includes('*'));
  const hidden = catalog.filter((t) => t.names[dialect] === null).length;

  const toggle = (type: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(type);
    else next.delete(type);
    onChange(next);
  };

  return (
    <fieldset class={`field picker${error ? ' field-invalid' : ''}`} aria-describedby={error ? 'events-error' : 'events-hint'}>
      <legend>Triggers</legend>
      <p class="hint" id="events-hint">
        The events this webhook receives, named as the <span class="mono">{dialect}</span> dialect names them. {selected.size} selected.
        {hidden > 0 && ` ${hidden} catalogue ${hidden === 1 ? 'type has' : 'types have'} no name in this dialect and ${hidden === 1 ? 'is' : 'are'} not listed.`}
      </p>
      <div class="picker-tools">
        <label class="visually-hidden" for="event-search">
          Search events
        </label>
        <input id="event-search" type="search" placeholder="Search events, e.g. client" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        <button type="button" class="btn btn-small" onClick={() => onChange(new Set([...selected, ...shown.map((t) => t.type)]))}>
          Select shown
        </button>
        <button type="button" class="btn btn-small" onClick={() => onChange(new Set())} disabled={selected.size === 0}>
          Clear
        </button>
      </div>
      <ul class="picker-list" role="list">
        {wildcards.map((w) => (
          <li key={w}>
            <label class="check">
              <input type="checkbox" checked onChange={(e) => toggle(w, e.currentTarget.checked)} />
              <span>
                <span class="mono strong">{w}</span>
                <span class="muted small"> every matching type</span>
              </span>
            </label>
          </li>
        ))}
        {shown.map((t) => {
          const wire = t.names[dialect]!;
          return (
            <li key={t.type}>
              <label class="check">
                <input type="checkbox" checked={selected.has(t.type)} onChange={(e) => toggle(t.type, e.currentTarget.checked)} />
                <span>
                  <span class="mono strong">{wire}</span>
                  {wire !== t.type && <span class="muted mono small"> {t.type}</span>}
                  <span class="muted small block">{t.description}</span>
                </span>
              </label>
            </li>
          );
        })}
        {shown.length === 0 && <li class="muted">No event matches “{query}”.</li>}
      </ul>
      {error && (
        <p class="field-error" id="events-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
