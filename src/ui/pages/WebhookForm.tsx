import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, biz } from '../api.js';
import { dialectsOf, loadCatalog } from '../catalog.js';
import { covered } from '../triggers.js';
import { DIALECTS } from '../format.js';
import { useAction, useLoad } from '../hooks.js';
import { link, navigate } from '../router.js';
import type { EventType, Webhook } from '../types.js';
import { Crumbs } from '../components/Layout.js';
import { EventPicker } from '../components/EventPicker.js';
import { HeaderRows, type HeaderRow } from '../components/HeaderRows.js';
import { FilterEditor } from '../components/FilterEditor.js';
import { TransformationEditor } from '../components/TransformationEditor.js';
import { ErrorNote, Field, Loading, describedBy, fieldAria } from '../components/ui.js';

type FieldName = 'name' | 'url' | 'dialect' | 'events' | 'headers' | 'timeout' | 'retries' | 'rateLimit' | 'maxInFlight' | 'ordering' | 'secret' | 'filter' | 'transformation';
type RetryMode = 'default' | 'none' | 'custom';

interface Draft {
  name: string;
  url: string;
  dialect: string;
  events: Set<string>;
  headers: HeaderRow[];
  timeoutS: string;
  retryMode: RetryMode;
  retryCustom: string;
  /** Requests per second as typed; empty = no limit. */
  rateLimit: string;
  maxInFlight: string;
  ordering: 'none' | 'fifo';
  enabled: boolean;
  /** Only when creating: a secret the receiver already has (moving from another system); empty = a new random one. */
  secret: string;
  /** The payload filter as JSON text; empty = none (issue 16). */
  filter: string;
  /** The transformation's code; empty = none (issue 16). */
  transformation: string;
  transformationEnabled: boolean;
}

const blank = (url: string | null): Draft => ({
  name: '',
  url: url ?? '',
  dialect: 'standard',
  events: new Set(),
  headers: [],
  timeoutS: '5',
  retryMode: 'default',
  retryCustom: '60, 300, 1800, 7200',
  rateLimit: '',
  maxInFlight: '10',
  ordering: 'none',
  enabled: true,
  secret: '',
  filter: '',
  transformation: '',
  transformationEnabled: true,
});

function fromWebhook(w: Webhook): Draft {
  const schedule = w.retry_schedule;
  return {
    name: w.name,
    url: w.url,
    dialect: w.dialect,
    events: new Set(w.events),
    headers: Object.entries(w.headers).map(([name, value]) => ({ name, value })),
    timeoutS: String(w.timeout_ms / 1000),
    retryMode: schedule === null ? 'default' : schedule.length === 0 ? 'none' : 'custom',
    retryCustom: schedule && schedule.length > 0 ? schedule.join(', ') : '60, 300, 1800, 7200',
    rateLimit: w.rate_limit === null ? '' : String(w.rate_limit),
    maxInFlight: String(w.max_in_flight),
    ordering: w.ordering,
    enabled: w.enabled,
    secret: '',
    filter: w.filter ? JSON.stringify(w.filter, null, 2) : '',
    transformation: w.transformation?.code ?? '',
    transformationEnabled: w.transformation?.enabled ?? true,
  };
}

/** The form field each API field is edited in. */
const FIELD_OF_API: Record<string, FieldName> = {
  url: 'url',
  events: 'events',
  headers: 'headers',
  dialect: 'dialect',
  name: 'name',
  timeout_ms: 'timeout',
  retry_schedule: 'retries',
  rate_limit: 'rateLimit',
  max_in_flight: 'maxInFlight',
  ordering: 'ordering',
  secret: 'secret',
  filter: 'filter',
  transformation: 'transformation',
};

/**
 * Which field an API problem is about: a pointer names it (schema errors, and LIMIT_EXCEEDED
 * carries one), or the `detail` starts with it.
 */
function fieldOf(err: ApiError): FieldName | null {
  const pointer = /^\/body\/([a-z_]+)/.exec(err.errors[0]?.pointer ?? '')?.[1];
  const named = /^([a-z_]+):/.exec(err.detail)?.[1];
  const field = FIELD_OF_API[pointer ?? ''] ?? FIELD_OF_API[named ?? ''];
  if (field) return field;
  if (err.code === 'UNKNOWN_EVENT_TYPE' || err.code === 'INVALID_EVENT_FILTER') return 'events';
  if (err.code === 'INVALID_PAYLOAD_FILTER') return 'filter';
  if (err.code === 'INVALID_TRANSFORMATION') return 'transformation';
  return null;
}

export function WebhookForm({ b, id, presetUrl }: { b: string; id?: string; presetUrl?: string | null }) {
  const loaded = useLoad(async () => ({ catalog: await loadCatalog(), webhook: id ? await api<Webhook>('GET', `${biz(b)}/webhooks/${encodeURIComponent(id)}`) : null }), [b, id]);
  const [draft, setDraft] = useState<Draft>(() => blank(presetUrl ?? null));
  const [local, setLocal] = useState<{ field: FieldName; message: string } | null>(null);
  useEffect(() => {
    if (loaded.data?.webhook) setDraft(fromWebhook(loaded.data.webhook));
  }, [loaded.data]);
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));

  const save = useAction(async () => {
    setLocal(null);
    const body = toBody(draft);
    if ('error' in body) {
      setLocal(body.error);
      return;
    }
    const saved = id
      ? await api<Webhook>('PATCH', `${biz(b)}/webhooks/${encodeURIComponent(id)}`, body.value)
      : await api<Webhook>('POST', `${biz(b)}/webhooks`, body.value);
    navigate(`/b/${encodeURIComponent(b)}/webhooks/${encodeURIComponent(saved.id)}`);
  });

  const apiField = save.error ? fieldOf(save.error) : null;
  const errorFor = (f: FieldName): string | null => (local?.field === f ? local.message : apiField === f ? save.error!.detail : null);
  const catalog: EventType[] = loaded.data?.catalog ?? [];
  const title = id ? `Edit ${loaded.data?.webhook?.name ?? 'webhook'}` : 'Add Webhook';

  const changeDialect = (dialect: string) => {
    // Keep only the triggers the new dialect can carry, and the groups that still cover something.
    const carried = catalog.filter((t) => t.names[dialect] != null);
    const events = new Set([...draft.events].filter((e) => covered(e, carried).length > 0));
    set({ dialect, events });
  };

  return (
    <section>
      <Crumbs items={[{ label: 'Business' }, { label: 'Integrations' }, { label: 'Webhooks', href: link('b', b, 'webhooks') }, { label: id ? 'Edit' : 'Add' }]} />
      <div class="page-head">
        <h1 tabIndex={-1}>{title}</h1>
      </div>
      {loaded.loading && <Loading what="the event catalogue" />}
      <ErrorNote error={loaded.error} />
      {loaded.data && (
        <form
          class="card form"
          noValidate
          onSubmit={(e) => {
            e.preventDefault();
            void save.run();
          }}
        >
          {save.error && !apiField && <ErrorNote error={save.error} title="The webhook was not saved." />}
          <Field id="wh-name" label="Webhook name" hint="Something that says what it is for, e.g. “Client Creation Webhook”.">
            <input id="wh-name" value={draft.name} onInput={(e) => set({ name: e.currentTarget.value })} aria-describedby="wh-name-hint" />
          </Field>
          <Field id="wh-url" label="Webhook URL" hint="Where Hookline sends each event, as a POST with a JSON body." error={errorFor('url')}>
            <input
              id="wh-url"
              type="url"
              inputMode="url"
              class="mono"
              required
              placeholder="https://crm.example.com/hooks"
              value={draft.url}
              onInput={(e) => set({ url: e.currentTarget.value })}
              {...fieldAria('wh-url', errorFor('url'))}
            />
          </Field>
          <Field id="wh-dialect" label="Type (dialect)" hint={DIALECTS[draft.dialect] ?? ''} error={errorFor('dialect')}>
            <select id="wh-dialect" value={draft.dialect} onChange={(e) => changeDialect(e.currentTarget.value)} aria-describedby={describedBy('wh-dialect', true, errorFor('dialect'))}>
              {dialectsOf(catalog).map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </Field>
          <EventPicker catalog={catalog} dialect={draft.dialect} selected={draft.events} onChange={(events) => set({ events })} error={errorFor('events')} />
          <HeaderRows rows={draft.headers} onChange={(headers) => set({ headers })} error={errorFor('headers')} />
          <div class="grid-2">
            <Field id="wh-timeout" label="Timeout (seconds)" hint="How long to wait for your endpoint's answer: 0.1 to 60." error={errorFor('timeout')}>
              <input
                id="wh-timeout"
                type="number"
                min="0.1"
                max="60"
                step="0.1"
                value={draft.timeoutS}
                onInput={(e) => set({ timeoutS: e.currentTarget.value })}
                aria-describedby={describedBy('wh-timeout', true, errorFor('timeout'))}
              />
            </Field>
            <RetryChoice draft={draft} set={set} error={errorFor('retries')} />
          </div>
          <PaceFields draft={draft} set={set} errorFor={errorFor} />
          <FilterEditor b={b} value={draft.filter} onChange={(filter) => set({ filter })} error={errorFor('filter')} />
          <TransformationEditor
            b={b}
            webhookId={id}
            code={draft.transformation}
            enabled={draft.transformationEnabled}
            onChange={set}
            error={errorFor('transformation')}
          />
          {!id && (
            <Field
              id="wh-secret"
              label="Signing secret (optional)"
              hint="Leave empty for a new random secret. To keep a receiver that already checks signatures working, paste the secret it has: whsec_ followed by base64."
              error={errorFor('secret')}
            >
              <input
                id="wh-secret"
                type="password"
                class="mono"
                autoComplete="off"
                spellcheck={false}
                value={draft.secret}
                onInput={(e) => set({ secret: e.currentTarget.value })}
                {...fieldAria('wh-secret', errorFor('secret'))}
              />
            </Field>
          )}
          <label class="check">
            <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.currentTarget.checked })} />
            <span>Enabled: send events as they happen</span>
          </label>
          <div class="actions">
            <a class="btn" href={id ? link('b', b, 'webhooks', id) : link('b', b, 'webhooks')}>
              Cancel
            </a>
            <button class="btn btn-primary" type="submit" disabled={save.busy}>
              {save.busy ? 'Saving…' : 'Save webhook'}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}

function RetryChoice({ draft, set, error }: { draft: Draft; set: (p: Partial<Draft>) => void; error: string | null }) {
  const option = (mode: RetryMode, label: string) => (
    <label class="check">
      <input type="radio" name="retry" value={mode} checked={draft.retryMode === mode} onChange={() => set({ retryMode: mode })} />
      <span>{label}</span>
    </label>
  );
  return (
    <fieldset class={`field${error ? ' field-invalid' : ''}`}>
      <legend>Retries</legend>
      {option('default', 'Retry with backoff for up to 3 days (recommended)')}
      {option('none', 'Fire and forget: one attempt, no retries')}
      {option('custom', 'Custom schedule')}
      {draft.retryMode === 'custom' && (
        <div class="field nested">
          <label for="wh-retry">Seconds between attempts, comma-separated</label>
          <input id="wh-retry" class="mono" value={draft.retryCustom} onInput={(e) => set({ retryCustom: e.currentTarget.value })} />
        </div>
      )}
      {error && (
        <p class="field-error" role="alert">
          {error}
        </p>
      )}
    </fieldset>
  );
}

function PaceFields({ draft, set, errorFor }: { draft: Draft; set: (p: Partial<Draft>) => void; errorFor: (f: FieldName) => string | null }) {
  return (
    <fieldset class="field">
      <legend>Pace</legend>
      <p class="hint">How fast Hookline may send to this URL. The defaults suit most receivers; slow them down for one that cannot keep up.</p>
      <div class="grid-3">
        <Field id="wh-rate" label="Rate limit (per second)" hint="Requests per second; empty: no limit. 0.01 is one every 100 s." error={errorFor('rateLimit')}>
          <input
            id="wh-rate"
            type="number"
            min="0.01"
            max="100000"
            step="any"
            placeholder="no limit"
            value={draft.rateLimit}
            onInput={(e) => set({ rateLimit: e.currentTarget.value })}
            {...fieldAria('wh-rate', errorFor('rateLimit'))}
          />
        </Field>
        <Field id="wh-inflight" label="Requests at once" hint="At most this many requests wait for an answer at the same time." error={errorFor('maxInFlight')}>
          <input
            id="wh-inflight"
            type="number"
            min="1"
            max="1000"
            step="1"
            value={draft.maxInFlight}
            onInput={(e) => set({ maxInFlight: e.currentTarget.value })}
            {...fieldAria('wh-inflight', errorFor('maxInFlight'))}
          />
        </Field>
        <Field id="wh-ordering" label="Order" hint={draft.ordering === 'fifo' ? 'One request at a time, in the order the events happened; a failing event holds back the ones after it.' : 'Events may arrive out of order when one is retried.'} error={errorFor('ordering')}>
          <select id="wh-ordering" value={draft.ordering} onChange={(e) => set({ ordering: e.currentTarget.value as Draft['ordering'] })} aria-describedby={describedBy('wh-ordering', true, errorFor('ordering'))}>
            <option value="none">Fastest (no order)</option>
            <option value="fifo">In order (first in, first out)</option>
          </select>
        </Field>
      </div>
    </fieldset>
  );
}

type Body = { value: Record<string, unknown> } | { error: { field: FieldName; message: string } };

function toBody(d: Draft): Body {
  if (d.url.trim() === '') return { error: { field: 'url', message: 'Enter the URL Hookline should send events to.' } };
  if (d.events.size === 0) return { error: { field: 'events', message: 'Choose at least one trigger.' } };
  const timeout = Math.round(Number(d.timeoutS) * 1000);
  if (!Number.isFinite(timeout) || timeout < 100 || timeout > 60000) return { error: { field: 'timeout', message: 'Enter a timeout from 0.1 to 60 seconds.' } };
  let retry: number[] | null = null;
  if (d.retryMode === 'none') retry = [];
  if (d.retryMode === 'custom') {
    retry = d.retryCustom.split(/[\s,]+/).filter(Boolean).map(Number);
    if (retry.length === 0 || retry.some((n) => !Number.isInteger(n) || n < 0 || n > 259200)) {
      return { error: { field: 'retries', message: 'List whole seconds between attempts (0 to 259200), e.g. 60, 300, 1800.' } };
    }
  }
  const rate = d.rateLimit.trim() === '' ? null : Number(d.rateLimit);
  if (rate !== null && (!Number.isFinite(rate) || rate < 0.01 || rate > 100000)) {
    return { error: { field: 'rateLimit', message: 'Enter requests per second from 0.01 to 100000, or leave it empty for no limit.' } };
  }
  const inFlight = Number(d.maxInFlight);
  if (!Number.isInteger(inFlight) || inFlight < 1 || inFlight > 1000) return { error: { field: 'maxInFlight', message: 'Enter a whole number of requests from 1 to 1000.' } };
  const headers: Record<string, string> = {};
  for (const h of d.headers) if (h.name.trim()) headers[h.name.trim()] = h.value;
  const value: Record<string, unknown> = {
    url: d.url.trim(),
    dialect: d.dialect,
    events: [...d.events],
    headers,
    timeout_ms: timeout,
    retry_schedule: retry,
    rate_limit: rate,
    max_in_flight: inFlight,
    ordering: d.ordering,
    enabled: d.enabled,
  };
  if (d.name.trim()) value.name = d.name.trim();
  try {
    value.filter = d.filter.trim() === '' ? null : (JSON.parse(d.filter) as unknown);
  } catch {
    return { error: { field: 'filter', message: 'The filter is not valid JSON; write an object such as {"data.amount_paid": {"$gt": 1000}}, or leave it empty.' } };
  }
  value.transformation = d.transformation.trim() === '' ? null : { code: d.transformation, enabled: d.transformationEnabled };
  const secret = d.secret.trim();
  if (secret) {
    if (!/^whsec_[A-Za-z0-9+/]{32,88}={0,2}$/.test(secret)) {
      return { error: { field: 'secret', message: 'A signing secret is whsec_ followed by the base64 of 24 to 64 bytes; leave it empty for a new one.' } };
    }
    value.secret = secret;
  }
  return { value };
}
