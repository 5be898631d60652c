import { dialects, verifyWebhook, VerifyError, type DialectName, type HeaderInput } from '../verify/index.js';
import { signingSecrets } from '../dialects/index.js';
import type { WebhookRow } from '../store/Store.js';
import type { SignatureCheck } from './InboxStore.js';

const isDialect = (name: string): name is DialectName => (dialects as readonly string[]).includes(name);

function tryVerify(dialect: DialectName, raw: Buffer, headers: HeaderInput, secrets: string[], now: number): VerifyError | null {
  try {
    verifyWebhook(dialect, raw, headers, secrets, { now: () => now });
    return null;
  } catch (err) {
    if (err instanceof VerifyError) return err;
    throw err;
  }
}

/**
 * Checks a received request the way a receiver would, with `hookline/verify`. Each webhook is
 * tried with its own dialect first; when that fails, the other dialects are tried with the
 * same secrets, so the inspector can say "signed in the hapana dialect, but the webhook says
 * opus1" instead of only "bad signature". The first failure of the first webhook's own
 * dialect is the reason shown when nothing verifies.
 */
export function checkSignature(raw: Buffer, headers: HeaderInput, webhooks: readonly WebhookRow[], now: number): SignatureCheck {
  if (webhooks.length === 0) {
    return { status: 'no_webhook', reason: 'No webhook of this business points at this inbox, so there is no secret to check the signature with.' };
  }
  let first: { dialect: string; webhook_id: string; reason: string } | null = null;
  for (const w of webhooks) {
    const secrets = signingSecrets(w, now);
    const own = isDialect(w.dialect) ? tryVerify(w.dialect, raw, headers, secrets, now) : null;
    if (isDialect(w.dialect) && own === null) return { status: 'verified', dialect: w.dialect, webhook_id: w.id, webhook_name: w.name, note: null };
    first ??= { dialect: w.dialect, webhook_id: w.id, reason: own ? `${own.code}: ${own.message}` : `unknown dialect "${w.dialect}"` };
    for (const d of dialects) {
      if (d === w.dialect || tryVerify(d, raw, headers, secrets, now) !== null) continue;
      return {
        status: 'verified',
        dialect: d,
        webhook_id: w.id,
        webhook_name: w.name,
        note: `Signed in the ${d} dialect with this webhook's secret, but the webhook is set to ${w.dialect}.`,
      };
    }
  }
  return { status: 'failed', ...first! };
}
