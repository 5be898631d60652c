import type { WebhookRow } from '../store/Store.js';

/** Where a webhook stands on ownership verification, as the API shows it. */
export type VerificationState = 'not_required' | 'pending_verification' | 'verified';

/** With `verification: "challenge"`, a URL its owner has not answered for receives nothing yet. */
export function isPendingVerification(w: Pick<WebhookRow, 'verification' | 'verified_url' | 'url'>): boolean {
  return w.verification === 'challenge' && w.verified_url !== w.url;
}

export function verificationState(w: Pick<WebhookRow, 'verification' | 'verified_url' | 'url'>): VerificationState {
  if (w.verification !== 'challenge') return 'not_required';
  return isPendingVerification(w) ? 'pending_verification' : 'verified';
}
