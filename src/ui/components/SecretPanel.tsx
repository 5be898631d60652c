import { useState } from 'preact/hooks';
import { api, biz } from '../api.js';
import { useAction } from '../hooks.js';
import type { Webhook } from '../types.js';
import { Confirm, CopyButton } from './ui.js';

/**
 * The signing secret stays hidden until asked for: dashboards get screen-shared and
 * screenshotted, and a leaked secret lets anyone forge deliveries to the receiver.
 */
export function SecretPanel({ b, webhook, onRotated }: { b: string; webhook: Webhook; onRotated: (w: Webhook, message: string) => void }) {
  const [revealed, setRevealed] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const rotate = useAction(async () => {
    const w = await api<Webhook>('POST', `${biz(b)}/webhooks/${encodeURIComponent(webhook.id)}/rotate-secret`, null);
    setConfirming(false);
    setRevealed(true);
    onRotated(w, 'New signing secret created. The old one keeps signing beside it for 24 hours, so update your receiver within a day.');
  });
  const secret = webhook.secret ?? '';

  return (
    <div class="card">
      <h2>Signing secret</h2>
      <p class="muted small">Your receiver checks each request's signature with this secret (for Node, <span class="mono">hookline/verify</span> does it).</p>
      <div class="secret-row">
        <code class="secret" data-testid="secret" aria-live="polite">
          {revealed ? secret : 'whsec_' + '•'.repeat(24)}
        </code>
        <button type="button" class="btn btn-small" aria-pressed={revealed} onClick={() => setRevealed(!revealed)}>
          {revealed ? 'Hide' : 'Reveal'}
        </button>
        {revealed && <CopyButton text={secret} />}
        <button type="button" class="btn btn-small" data-write onClick={() => setConfirming(true)}>
          Rotate secret
        </button>
      </div>
      <Confirm
        open={confirming}
        title="Rotate the signing secret?"
        confirmLabel="Rotate secret"
        busy={rotate.busy}
        error={rotate.error}
        onConfirm={() => void rotate.run()}
        onCancel={() => {
          setConfirming(false);
          rotate.setError(null);
        }}
      >
        <p>A new secret signs every request from now on. For 24 hours the old secret signs too, so your receiver keeps working while you update it.</p>
      </Confirm>
    </div>
  );
}
