// Types only: erased at build, so the CLI loads nothing of the server.
import type { Webhook } from './commands/webhooks.js';
import { shortTime } from './formatDeliveriesTable.js';

/**
 * `hookline webhooks get`: one labelled line per field a person checks. Secrets of `auth` and
 * `tls` show as the API gives them ("[redacted]"); the signing secret is shown, as the API does
 * on a single webhook, since the receiver needs it.
 */
export function formatWebhook(w: Webhook): string {
  const state = w.enabled ? (w.health?.state ?? 'healthy') : 'disabled';
  const rows: [string, string][] = [
    ['target', w.url],
    ['events', w.events.join(',')],
    ['channels', w.channels && w.channels.length > 0 ? w.channels.join(',') : 'any'],
    ['filter', w.filter ? JSON.stringify(w.filter) : 'none'],
    ['transformation', transformation(w.transformation)],
    ['dialect', w.dialect],
    ['auth', auth(w.auth)],
    ['tls', tls(w.tls)],
    ['verification', verification(w)],
    ['state', `${state}${w.health?.reason ? ` (${w.health.reason})` : ''}`],
    ['secret', w.secret ?? '-'],
  ];
  const width = Math.max(...rows.map(([label]) => label.length)) + 2;
  return [`${w.id}  ${w.name}`, ...rows.map(([label, value]) => label.padEnd(width) + value)].join('\n');
}

function transformation(t: Webhook['transformation']): string {
  if (!t) return 'none';
  const lines = t.code.trimEnd().split('\n').length;
  return `version ${t.version}, ${t.enabled ? 'enabled' : 'disabled'}, ${lines} line${lines === 1 ? '' : 's'} (--json shows the code)`;
}

function auth(a: Webhook['auth']): string {
  if (!a) return 'none';
  const members = Object.entries(a)
    .filter(([k, v]) => k !== 'type' && v !== undefined)
    .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`);
  return [a.type, ...members].join(' ');
}

function tls(t: Webhook['tls']): string {
  if (!t) return 'none';
  const parts: string[] = [];
  if (t.client_cert) parts.push(`client certificate${t.client_cert_expires_at ? ` until ${shortTime(t.client_cert_expires_at)}` : ''}, key ${t.client_key ?? '-'}`);
  if (t.ca) parts.push('own CA bundle');
  return parts.join('; ') || 'none';
}

function verification(w: Webhook): string {
  if (w.verification !== 'challenge') return 'none';
  return `challenge, ${w.verification_state}${w.verification_error ? ` (${w.verification_error})` : ''}`;
}
