import type { WebhookRow } from '../store/Store.js';
import type { SecretBox } from './SecretBox.js';

/*
 * Which webhook fields are secret at rest: the signing secret, the previous one during a
 * rotation, and every custom header value (they usually carry an Authorization token). Header
 * names stay readable: they are not secret and the dashboard lists them.
 */

type SecretFields = Pick<WebhookRow, 'secret' | 'previous_secret' | 'headers'>;

/** The fields of `w` that it has, with their values passed through `f`; nothing else is copied or changed. */
function mapSecrets<T extends Partial<SecretFields>>(w: T, id: string, f: (value: string, context: string) => string): T {
  const out = { ...w };
  if (typeof w.secret === 'string') out.secret = f(w.secret, `${id}/secret`);
  if (typeof w.previous_secret === 'string') out.previous_secret = f(w.previous_secret, `${id}/previous_secret`);
  if (w.headers && typeof w.headers === 'object') {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(w.headers)) headers[name] = f(value, `${id}/headers/${name.toLowerCase()}`);
    out.headers = headers;
  }
  return out;
}

/** A webhook row or patch as it is stored. */
export function sealWebhook<T extends Partial<SecretFields>>(w: T, id: string, box: SecretBox): T {
  return mapSecrets(w, id, (v, c) => box.seal(v, c));
}

/** A stored webhook row as the rest of Hookline uses it. */
export function openWebhook(w: WebhookRow, box: SecretBox): WebhookRow {
  return mapSecrets(w, w.id, (v, c) => box.open(v, c));
}

/** Every stored secret value of a row, to see which keys they need. */
export function storedSecrets(w: WebhookRow): string[] {
  return [w.secret, ...(w.previous_secret ? [w.previous_secret] : []), ...Object.values(w.headers)];
}
