import { useState } from 'preact/hooks';
import type { EventType } from '../types.js';
import { covered, coveredBy, isWildcard, matchesName, wildcardsOf } from '../triggers.js';

interface Props {
  catalog: EventType[];
  dialect: string;
  selected: Set<string>;
  onChange: (next: Set<string>) => void;
  error?: string | null;
}

/** At most this many wire names are listed beside a group; the count says the rest. */
const NAMES_SHOWN = 4;

/**
 * Triggers chosen from the catalogue, each shown by its name in the chosen dialect (an Opus1
 * business sees `client_create_trigger`, not `client/created`). Types the dialect cannot carry
 * are left out. A whole group can be picked (`client/*`, `*`), and says which types it covers
 * in this dialect, so a wildcard is never a guess.
 */
export function EventPicker({ catalog, dialect, selected, onChange, error }: Props) {
  const [query, setQuery] = useState('');
  const q = query.trim().toLowerCase();
  const carried = catalog.filter((t) => t.names[dialect] !== null && t.type !== 'webhook/test');
  const shown = carried.filter((t) => matchesName(t, dialect, q));
  const groups = wildcardsOf(carried).filter((w) => !q || w.toLowerCase().includes(q) || (w !== '*' && covered(w, shown).length > 0));
  const hidden = catalog.filter((t) => t.names[dialect] === null).length;
  // Wildcards saved earlier that no longer cover anything here stay visible so they can be removed.
  const strayWildcards = [...selected].filter((e) => isWildcard(e) && !groups.includes(e));
  const nameOf = (t: EventType) => t.names[dialect] ?? t.type;

  const toggle = (filter: string, on: boolean) => {
    const next = new Set(selected);
    if (on) next.add(filter);
    else next.delete(filter);
    onChange(next);
  };

  const groupRow = (w: string) => {
    const types = covered(w, carried);
    const names = types.slice(0, NAMES_SHOWN).map(nameOf).join(', ');
    const more = types.length > NAMES_SHOWN ? `, and ${types.length - NAMES_SHOWN} more` : '';
    const broader = w !== '*' && selected.has('*');
    return (
      <li key={w}>
        <label class="check">
          <input type="checkbox" checked={selected.has(w) || broader} disabled={broader} onChange={(e) => toggle(w, e.currentTarget.checked)} aria-describedby={`covers-${w}`} />
          <span>
            <span class="mono strong">{w}</span>
            <span class="muted small"> {w === '*' ? 'every event' : `every ${w.slice(0, -2)} event`}, now and added later</span>
          </span>
        </label>
        {/* Outside the label, so the checkbox is named by its group alone and described by this. */}
        <p class="muted small covers" id={`covers-${w}`}>
          {types.length === 0 ? 'Covers no type in this dialect.' : `Covers ${types.length} ${types.length === 1 ? 'type' : 'types'}: ${names}${more}.`}
        </p>
      </li>
    );
  };

  const exactCount = [...selected].filter((e) => !isWildcard(e)).length;
  const coveredCount = new Set([...selected].flatMap((f) => covered(f, carried).map((t) => t.type))).size;

  return (
    <fieldset class={`field picker${error ? ' field-invalid' : ''}`} aria-describedby={error ? 'events-error' : 'events-hint'}>
      <legend>Triggers</legend>
      <p class="hint" id="events-hint">
        The events this webhook receives, named as the <span class="mono">{dialect}</span> dialect names them.{' '}
        <span id="events-count">
          {selected.size === 0 ? 'None selected.' : `${selected.size - exactCount > 0 ? `${selected.size - exactCount} ${selected.size - exactCount === 1 ? 'group' : 'groups'} and ` : ''}${exactCount} ${exactCount === 1 ? 'type' : 'types'} selected, covering ${coveredCount} ${coveredCount === 1 ? 'type' : 'types'}.`}
        </span>
        {hidden > 0 && ` ${hidden} catalogue ${hidden === 1 ? 'type has' : 'types have'} no name in this dialect and ${hidden === 1 ? 'is' : 'are'} not listed.`}
      </p>
      <div class="picker-tools">
        <label class="visually-hidden" for="event-search">
          Search events
        </label>
        <input id="event-search" type="search" placeholder="Search event names, e.g. client" value={query} onInput={(e) => setQuery(e.currentTarget.value)} />
        <button type="button" class="btn btn-small" onClick={() => onChange(new Set([...selected, ...shown.map((t) => t.type)]))} disabled={shown.length === 0}>
          Select shown
        </button>
        <button type="button" class="btn btn-small" onClick={() => onChange(new Set())} disabled={selected.size === 0}>
          Clear
        </button>
      </div>
      <ul class="picker-list" role="list" aria-label="Groups of events">
        {strayWildcards.map(groupRow)}
        {groups.map(groupRow)}
      </ul>
      <ul class="picker-list" role="list" aria-label="Event types">
        {shown.map((t) => {
          const wire = nameOf(t);
          const by = coveredBy(t.type, selected);
          return (
            <li key={t.type}>
              <label class="check">
                <input type="checkbox" checked={selected.has(t.type) || by !== null} disabled={by !== null} onChange={(e) => toggle(t.type, e.currentTarget.checked)} />
                <span>
                  <span class="mono strong">{wire}</span>
                  {wire !== t.type && <span class="muted mono small"> {t.type}</span>}
                  {by && <span class="muted small"> (in {by})</span>}
                  <span class="muted small block">{t.description}</span>
                </span>
              </label>
            </li>
          );
        })}
        {shown.length === 0 && <li class="muted">No event name matches “{query}”.</li>}
      </ul>
      {error && (
        <p class="field-error" id="events-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
