import { useState } from 'preact/hooks';
import { api, biz } from '../api.js';
import { useAction } from '../hooks.js';
import type { Webhook } from '../types.js';
import { ErrorNote } from './ui.js';

/** `datetime-local` wants local wall time without a zone. */
function localInput(ms: number): string {
  const d = new Date(ms - new Date(ms).getTimezoneOffset() * 60_000);
  return d.toISOString().slice(0, 16);
}

export function ReplayPanel({ b, webhook, onReplayed }: { b: string; webhook: Webhook; onReplayed: (message: string) => void }) {
  const [since, setSince] = useState(() => localInput(Date.now() - 24 * 3600_000));
  const replay = useAction(async () => {
    const when = new Date(since);
    const r = await api<{ replayed: number }>('POST', `${biz(b)}/webhooks/${encodeURIComponent(webhook.id)}/replay`, { since: when.toISOString() });
    onReplayed(r.replayed === 0 ? 'No failed deliveries since then: nothing to replay.' : `Replaying ${r.replayed} failed ${r.replayed === 1 ? 'delivery' : 'deliveries'} now.`);
  });
  return (
    <form
      class="card"
      data-write
      onSubmit={(e) => {
        e.preventDefault();
        void replay.run();
      }}
    >
      <h2>Replay failed deliveries</h2>
      <p class="muted small">After fixing your endpoint, send every delivery that failed since a time again.</p>
      <div class="inline-form">
        <div class="field">
          <label for="replay-since">Failed since</label>
          <input id="replay-since" type="datetime-local" value={since} required onInput={(e) => setSince(e.currentTarget.value)} />
        </div>
        <button class="btn" type="submit" disabled={replay.busy || !since}>
          {replay.busy ? 'Replaying…' : 'Replay failed'}
        </button>
      </div>
      <ErrorNote error={replay.error} />
    </form>
  );
}
