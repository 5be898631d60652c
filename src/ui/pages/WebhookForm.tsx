import { useEffect, useState } from 'preact/hooks';
import { ApiError, api, biz } from '../api.js';
import { dialectsOf, loadCatalog } from '../catalog.js';
import { DIALECTS } from '../format.js';
import { useAction, useLoad } from '../hooks.js';
import { link, navigate } from '../router.js';
import type { EventType, Webhook } from '../types.js';
import { Crumbs } from '../components/Layout.js';
import { EventPicker } from '../components/EventPicker.js';
import { HeaderRows, type HeaderRow } from '../components/HeaderRows.js';
import { ErrorNote, Field, Loading, describedBy } from '../components/ui.js';

type FieldName = 'name' | 'url' | 'dialect' | 'events' | 'headers' | 'timeout' | 'retries';
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
  enabled: boolean;
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
  enabled: true,
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
    enabled: w.enabled,
  };
}

/** Which field an API problem is about: the `detail` starts with it, or a schema pointer names it. */
function fieldOf(err: ApiError): FieldName | null {
  const pointer = err.errors[0]?.pointer ?? '';
  const m = /^(url|events|headers|dialect|name):/.exec(err.detail) ?? /^\/body\/(url|events|headers|dialect|name)/.exec(pointer);
  if (m) return m[1] as FieldName;
  if (pointer.startsWith('/body/timeout_ms')) return 'timeout';
  if (pointer.startsWith('/body/retry_schedule')) return 'retries';
  if (err.code === 'UNKNOWN_EVENT_TYPE' || err.code === 'INVALID_EVENT_FILTER') return 'events';
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
    // Keep only the triggers the new dialect can carry.
    const events = new Set([...draft.events].filter((e) => e.includes('*') || catalog.find((t) => t.type === e)?.names[dialect] != null));
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
              aria-describedby={describedBy('wh-url', true, errorFor('url'))}
              aria-invalid={errorFor('url') ? true : undefined}
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
  const headers: Record<string, string> = {};
  for (const h of d.headers) if (h.name.trim()) headers[h.name.trim()] = h.value;
  const value: Record<string, unknown> = { url: d.url.trim(), dialect: d.dialect, events: [...d.events], headers, timeout_ms: timeout, retry_schedule: retry, enabled: d.enabled };
  if (d.name.trim()) value.name = d.name.trim();
  return { value };
}
