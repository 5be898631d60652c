/**
 * A listener's webhook is an ordinary webhook whose URL names no network address but the
 * listener itself, so the row, the matcher, the log and every API see a webhook like any other,
 * while the dispatcher's transport hands its attempts to the listener's stream. The scheme is
 * one `checkUrl` refuses, so no caller can point a webhook at someone else's listener.
 */
const SCHEME = 'hookline-listener:';
/** What every listener's URL starts with. */
export const LISTENER_URL_PREFIX = `${SCHEME}//`;
const PREFIX = LISTENER_URL_PREFIX;

export function listenerUrl(webhookId: string): string {
  return PREFIX + webhookId;
}

/** The listener's id (its webhook's id) when `url` names a listener, else null. */
export function listenerIdOf(url: string): string | null {
  return url.startsWith(PREFIX) ? url.slice(PREFIX.length) : null;
}
