import { useState } from 'preact/hooks';
import { api, biz } from '../api.js';
import { useAction } from '../hooks.js';
import { ErrorNote, Field, fieldAria } from './ui.js';

/** What a simulation answers (docs/transformations.md#simulate). */
interface Simulation {
  outcome: 'send' | 'cancel' | 'error';
  version: number | null;
  request?: { method: string; url: string; headers: Record<string, string>; body: string };
  error?: string;
}

const STARTER = `function handler(request) {
  // request: {method, url, headers, body, event: {id, type, business, data}}
  return request;
}`;
const SAMPLE_EVENT = '{\n  "type": "client/checked_in",\n  "data": { "id": "cl_1", "first_name": "Maya", "location": "Downtown" }\n}';

function describe(s: Simulation): string[] {
  if (s.outcome === 'error') return [`transform_error: ${s.error ?? ''}`];
  if (s.outcome === 'cancel') return ['Cancelled: this event would not be sent, and its delivery recorded as cancelled.'];
  const r = s.request!;
  let body = r.body;
  try {
    body = JSON.stringify(JSON.parse(r.body), null, 2);
  } catch {
    // Shown as sent.
  }
  return [`${r.method} ${r.url}`, ...Object.entries(r.headers).map(([k, v]) => `${k}: ${v}`), '', body];
}

/**
 * The webhook's transformation, with its simulation beside it: the code as typed (saved or
 * not) runs on the server in the same sandbox and with the same checks and signing as a delivery.
 * A webhook that is not saved yet has nothing to simulate against.
 */
export function TransformationEditor(props: {
  b: string;
  webhookId: string | undefined;
  code: string;
  enabled: boolean;
  onChange: (patch: { transformation?: string; transformationEnabled?: boolean }) => void;
  error: string | null;
}) {
  const { b, webhookId, code, enabled, onChange, error } = props;
  const [sample, setSample] = useState(SAMPLE_EVENT);
  const [result, setResult] = useState<string[] | null>(null);
  const simulate = useAction(async () => {
    setResult(null);
    const r = await api<Simulation>('POST', `${biz(b)}/webhooks/${encodeURIComponent(webhookId!)}/transformation/simulate`, {
      code,
      event: JSON.parse(sample) as unknown,
    });
    setResult(describe(r));
  });
  const empty = code.trim() === '';
  return (
    <fieldset class="field">
      <legend>Transformation (optional)</legend>
      <Field
        id="wh-transformation"
        label="Reshape each request before it is signed and sent"
        hint="JavaScript defining function handler(request); return the request (method POST, PUT or PATCH; url; headers; body) or {cancel: true}. Runs sandboxed: 50 ms and 16 MB per call, no network, files or timers. Empty sends requests as the dialect renders them."
        error={error}
      >
        <textarea
          id="wh-transformation"
          class="mono"
          rows={8}
          spellcheck={false}
          placeholder={STARTER}
          value={code}
          onInput={(e) => onChange({ transformation: e.currentTarget.value })}
          {...fieldAria('wh-transformation', error)}
        />
      </Field>
      <label class="check">
        <input type="checkbox" checked={enabled} disabled={empty} onChange={(e) => onChange({ transformationEnabled: e.currentTarget.checked })} />
        <span>Run the transformation (off: keep the code, send requests untransformed)</span>
      </label>
      {webhookId ? (
        <>
          <Field id="wh-transformation-event" label="Simulation event" hint="An event to run the code on: its type and data. Nothing is sent.">
            <textarea
              id="wh-transformation-event"
              class="mono"
              rows={4}
              spellcheck={false}
              value={sample}
              onInput={(e) => setSample(e.currentTarget.value)}
              aria-describedby="wh-transformation-event-hint"
            />
          </Field>
          <div class="actions">
            <button class="btn" type="button" disabled={empty || simulate.busy} onClick={() => void simulate.run()}>
              Simulate
            </button>
          </div>
          <ErrorNote error={simulate.error} title="The transformation could not be simulated." />
          {result && (
            <pre class="mono" role="status" aria-live="polite">
              {result.join('\n')}
            </pre>
          )}
        </>
      ) : (
        <p class="hint">Save the webhook first to simulate its transformation.</p>
      )}
    </fieldset>
  );
}
