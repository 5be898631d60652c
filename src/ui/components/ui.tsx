import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import type { ApiError } from '../api.js';
import { ago, clock } from '../format.js';

export function ErrorNote({ error, title }: { error: ApiError | null | undefined; title?: string }) {
  if (!error) return null;
  return (
    <div class="note note-error" role="alert">
      {title && <strong>{title} </strong>}
      {error.detail}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ComponentChildren }) {
  return (
    <div class="empty">
      <p class="empty-title">{title}</p>
      {children && <div class="empty-body">{children}</div>}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p class="loading" role="status">
      Loading {what}…
    </p>
  );
}

const STATUS_TEXT: Record<string, string> = {
  succeeded: 'Succeeded',
  failed: 'Failed',
  retrying: 'Retrying',
  pending: 'Pending',
  healthy: 'Healthy',
  unhealthy: 'Failing',
  disabled: 'Disabled',
  verified: 'Signature verified',
  no_webhook: 'Not checked',
};

/** A status as a word and a colour: the word alone must carry the meaning. */
export function Badge({ status, label }: { status: string; label?: string }) {
  return <span class={`badge badge-${status}`}>{label ?? STATUS_TEXT[status] ?? status}</span>;
}

export function Time({ iso, absolute }: { iso: string | null; absolute?: boolean }) {
  if (!iso) return <span class="muted">—</span>;
  return (
    <time dateTime={iso} title={clock(iso)}>
      {absolute ? clock(iso) : ago(iso)}
    </time>
  );
}

export function CopyButton({ text, label = 'Copy' }: { text: string; label?: string }) {
  const [done, setDone] = useState(false);
  const copy = async () => {
    try {
      await navigator.clipboard.writeText(text);
      setDone(true);
      setTimeout(() => setDone(false), 1500);
    } catch {
      // Clipboard access needs a secure context; selecting the text is the fallback.
      prompt('Copy this:', text);
    }
  };
  return (
    <button type="button" class="btn btn-small" onClick={copy}>
      {done ? 'Copied' : label}
    </button>
  );
}

/**
 * A modal confirmation on the native <dialog>: it traps focus, closes on Escape and returns
 * focus to the button that opened it, which a hand-made overlay would have to reimplement.
 */
export function Confirm(props: {
  open: boolean;
  title: string;
  children: ComponentChildren;
  confirmLabel: string;
  danger?: boolean;
  busy?: boolean;
  error?: ApiError | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) d.showModal();
    if (!props.open && d.open) d.close();
  }, [props.open]);
  return (
    <dialog ref={ref} class="dialog" aria-labelledby="dialog-title" onClose={props.onCancel}>
      <h2 id="dialog-title">{props.title}</h2>
      <div class="dialog-body">{props.children}</div>
      <ErrorNote error={props.error} />
      <div class="actions">
        <button type="button" class="btn" onClick={props.onCancel}>
          Cancel
        </button>
        <button type="button" class={`btn ${props.danger ? 'btn-danger' : 'btn-primary'}`} disabled={props.busy} onClick={props.onConfirm}>
          {props.busy ? 'Working…' : props.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}

/**
 * A card that is a form: submitting runs `onSubmit` instead of loading a page. noValidate,
 * because our own messages (the field's, or the API's problem detail) say what to fix.
 */
export function CardForm({ onSubmit, children }: { onSubmit: () => unknown; children: ComponentChildren }) {
  return (
    <form
      class="card"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        void onSubmit();
      }}
    >
      {children}
    </form>
  );
}

export function Field(props: { id: string; label: string; hint?: ComponentChildren; error?: string | null; children: ComponentChildren }) {
  return (
    <div class={`field${props.error ? ' field-invalid' : ''}`}>
      <label for={props.id}>{props.label}</label>
      {props.children}
      {props.hint && (
        <p class="hint" id={`${props.id}-hint`}>
          {props.hint}
        </p>
      )}
      {props.error && (
        <p class="field-error" id={`${props.id}-error`} role="alert">
          {props.error}
        </p>
      )}
    </div>
  );
}

/** `aria-describedby` for a Field's input: its hint and its error, when present. */
export const describedBy = (id: string, hint: boolean, error: string | null | undefined): string | undefined =>
  [hint ? `${id}-hint` : '', error ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;

/** The aria attributes of a Field's input that has a hint: what describes it, and whether it is invalid. */
export const fieldAria = (id: string, error: string | null | undefined) => ({
  'aria-describedby': describedBy(id, true, error),
  'aria-invalid': error ? true : undefined,
});

export function Notice({ text, onDone }: { text: string | null; onDone: () => void }) {
  useEffect(() => {
    if (!text) return;
    const t = setTimeout(onDone, 6000);
    return () => clearTimeout(t);
  }, [text]);
  return (
    <div class="notice-region" role="status" aria-live="polite">
      {text && <div class="note note-ok">{text}</div>}
    </div>
  );
}
