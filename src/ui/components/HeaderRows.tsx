import { useState } from 'preact/hooks';

export interface HeaderRow {
  name: string;
  value: string;
}

/**
 * Custom headers sent with every request, such as an Authorization header the receiver
 * checks. Values are often credentials, so they are masked until asked for.
 */
export function HeaderRows({ rows, onChange, error }: { rows: HeaderRow[]; onChange: (rows: HeaderRow[]) => void; error?: string | null }) {
  const [reveal, setReveal] = useState(false);
  const set = (i: number, patch: Partial<HeaderRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  return (
    <fieldset class={`field${error ? ' field-invalid' : ''}`} aria-describedby={error ? 'headers-error' : 'headers-hint'}>
      <legend>Custom headers</legend>
      <p class="hint" id="headers-hint">
        Sent with every request, e.g. <span class="mono">Authorization: Bearer …</span>. Hookline sets the signature headers itself.
      </p>
      {rows.map((r, i) => (
        <div class="header-row" key={i}>
          <label class="visually-hidden" for={`hname-${i}`}>
            Header {i + 1} name
          </label>
          <input id={`hname-${i}`} class="mono" placeholder="Authorization" value={r.name} onInput={(e) => set(i, { name: e.currentTarget.value })} />
          <label class="visually-hidden" for={`hvalue-${i}`}>
            Header {i + 1} value
          </label>
          <input
            id={`hvalue-${i}`}
            class="mono"
            // Preact's input typings split text and password inputs; toggling one element keeps focus.
            type={(reveal ? 'text' : 'password') as 'text'}
            autoComplete="off"
            placeholder="value"
            value={r.value}
            onInput={(e) => set(i, { value: e.currentTarget.value })}
          />
          <button type="button" class="btn btn-small btn-quiet" aria-label={`Remove header ${r.name || i + 1}`} onClick={() => onChange(rows.filter((_, j) => j !== i))}>
            Remove
          </button>
        </div>
      ))}
      <div class="row-gap">
        <button type="button" class="btn btn-small" onClick={() => onChange([...rows, { name: '', value: '' }])}>
          + Add header
        </button>
        {rows.length > 0 && (
          <button type="button" class="btn btn-small btn-quiet" aria-pressed={reveal} onClick={() => setReveal(!reveal)}>
            {reveal ? 'Hide values' : 'Show values'}
          </button>
        )}
      </div>
      {error && (
        <p class="field-error" id="headers-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}
