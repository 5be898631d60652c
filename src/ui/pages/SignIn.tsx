import { useState } from 'preact/hooks';
import { api } from '../api.js';
import { useAction } from '../hooks.js';
import type { Session } from '../session.js';
import type { Whoami } from '../types.js';
import { ErrorNote } from '../components/ui.js';

export function SignIn({ reason, onSignedIn }: { reason: string | null; onSignedIn: (s: Session) => void }) {
  const [token, setToken] = useState('');
  const signIn = useAction(async () => {
    const t = token.trim();
    const who = await api<Whoami>('GET', '/v1/whoami', undefined, t);
    onSignedIn({ token: t, kind: who.kind, business: who.business?.id ?? null, businessName: who.business?.name ?? null });
  });

  return (
    <div class="signin">
      <main id="main" class="signin-card">
        <div class="brand brand-large">
          <span class="brand-mark" aria-hidden="true" />
          Hookline
        </div>
        <h1>Sign in</h1>
        <p class="muted">Manage your business's webhooks: where events are sent, what was delivered, and what failed.</p>
        {reason && <div class="note note-warn">{reason}</div>}
        <form
          onSubmit={(e) => {
            e.preventDefault();
            void signIn.run();
          }}
        >
          <div class="field">
            <label for="token">Access token</label>
            <input
              id="token"
              type="password"
              autoComplete="off"
              spellcheck={false}
              required
              value={token}
              onInput={(e) => setToken(e.currentTarget.value)}
              aria-describedby="token-hint"
            />
            <p class="hint" id="token-hint">
              A business token (<code>hl_biz_…</code>) from your platform, or the admin token Hookline printed when it first started. It is kept in this tab only and
              forgotten when the tab closes.
            </p>
          </div>
          <ErrorNote error={signIn.error} />
          <button class="btn btn-primary btn-block" type="submit" disabled={signIn.busy || token.trim() === ''}>
            {signIn.busy ? 'Signing in…' : 'Sign in'}
          </button>
        </form>
      </main>
    </div>
  );
}
