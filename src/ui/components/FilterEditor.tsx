import { useState } from 'preact/hooks';
import { api, biz } from '../api.js';
import { useAction } from '../hooks.js';
import { ErrorNote, Field, fieldAria } from './ui.js';

/** What the dry run explains (docs/filters.md#dry-run). */
interface Explanation {
  pointer: string;
  holds: boolean;
  message: string;
  because?: Explanation[];
}

const SAMPLE_EVENT = '{\n  "type": "invoice/paid",\n  "data": { "id": "inv_1", "amount_paid": 1500, "currency": "USD" }\n}';
const LAST = 50;

/**
 * The webhook's payload filter as JSON, with its dry run beside it: against the business's last
 * events, or an event written here. Both ask the server, so they judge exactly as publishing will.
 */
export function FilterEditor({ b, value, onChange, error }: { b: string; value: string; onChange: (v: string) => void; error: string | null }) {
  const [sample, setSample] = useState(SAMPLE_EVENT);
  const [result, setResult] = useState<string[] | null>(null);
  const parsed = (): Record<string, unknown> => JSON.parse(value) as Record<string, unknown>;
  const tryLast = useAction(async () => {
    setResult(null);
    const r = await api<{ matched: number; total: number; examples: { id: string; type: string }[] }>('POST', `${biz(b)}/webhooks/filter-test`, { filter: parsed(), last: LAST });
    setResult([`${r.matched} of the last ${r.total} events would have been sent.`, ...r.examples.map((e) => `✓ ${e.type} ${e.id}`)]);
  });
  const tryOne = useAction(async () => {
    setResult(null);
    const r = await api<{ matches: boolean; explanation: Explanation }>('POST', `${biz(b)}/webhooks/filter-test`, { filter: parsed(), event: JSON.parse(sample) as unknown });
    const lines: string[] = [r.matches ? 'This event would be sent.' : 'This event would not be sent.'];
    const walk = (e: Explanation, depth: number) => {
      lines.push(`${'  '.repeat(depth)}${e.holds ? '✓' : '✗'} ${e.message}`);
      for (const c of e.because ?? []) walk(c, depth + 1);
    };
    walk(r.explanation, 0);
    setResult(lines);
  });
  const empty = value.trim() === '';
  return (
    <fieldset class="field">
      <legend>Payload filter (optional)</legend>
      <Field
        id="wh-filter"
        label="Only send events whose content matches"
        hint='JSON such as {"data.amount_paid": {"$gt": 1000}}; empty sends every event of the chosen triggers. Operators: $eq $neq $gt $gte $lt $lte $in $nin $exist $regex $startsWith $endsWith $not $and $or.'
        error={error}
      >
        <textarea
          id="wh-filter"
          class="mono"
          rows={4}
          spellcheck={false}
          value={value}
          onInput={(e) => onChange(e.currentTarget.value)}
          {...fieldAria('wh-filter', error)}
        />
      </Field>
      <Field id="wh-filter-event" label="Test event" hint="An event to try the filter on: its type and data.">
        <textarea id="wh-filter-event" class="mono" rows={4} spellcheck={false} value={sample} onInput={(e) => setSample(e.currentTarget.value)} aria-describedby="wh-filter-event-hint" />
      </Field>
      <div class="actions">
        <button class="btn" type="button" disabled={empty || tryOne.busy} onClick={() => void tryOne.run()}>
          Test on this event
        </button>
        <button class="btn" type="button" disabled={empty || tryLast.busy} onClick={() => void tryLast.run()}>
          Test on the last {LAST} events
        </button>
      </div>
      <ErrorNote error={tryOne.error ?? tryLast.error} title="The filter could not be tried." />
      {result && (
        <pre class="mono" role="status" aria-live="polite">
          {result.join('\n')}
        </pre>
      )}
    </fieldset>
  );
}
