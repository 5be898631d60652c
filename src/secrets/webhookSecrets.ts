import type { EndpointAuth, EndpointTls, WebhookRow } from '../store/Store.js';
import type { SecretBox } from './SecretBox.js';

/*
 * Which webhook fields are secret at rest: the signing secret, the previous one during a
 * rotation, every custom header value (they usually carry an Authorization token), and the
 * secret members of endpoint auth and TLS (password, token, client_secret, client_key). Header
 * names, usernames, client ids and certificates stay readable: they are not secret and the
 * dashboard lists them.
 */

type SecretFields = Pick<WebhookRow, 'secret' | 'previous_secret' | 'headers' | 'auth' | 'tls'>;

type Seal = (value: string, context: string) => string;

function mapAuth(auth: EndpointAuth, id: string, f: Seal): EndpointAuth {
  switch (auth.type) {
    case 'basic':
      return { ...auth, password: f(auth.password, `${id}/auth/password`) };
    case 'bearer':
      return { ...auth, token: f(auth.token, `${id}/auth/token`) };
    case 'oauth2_client_credentials':
      return { ...auth, client_secret: f(auth.client_secret, `${id}/auth/client_secret`) };
  }
}

function mapTls(tls: EndpointTls, id: string, f: Seal): EndpointTls {
  return typeof tls.client_key === 'string' ? { ...tls, client_key: f(tls.client_key, `${id}/tls/client_key`) } : tls;
}

function authSecret(auth: EndpointAuth): string {
  return auth.type === 'basic' ? auth.password : auth.type === 'bearer' ? auth.token : auth.client_secret;
}

/** The fields of `w` that it has, with their values passed through `f`; nothing else is copied or changed. */
function mapSecrets<T extends Partial<SecretFields>>(w: T, id: string, f: Seal): T {
  const out = { ...w };
  if (typeof w.secret === 'string') out.secret = f(w.secret, `${id}/secret`);
  if (typeof w.previous_secret === 'string') out.previous_secret = f(w.previous_secret, `${id}/previous_secret`);
  if (w.headers && typeof w.headers === 'object') {
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(w.headers)) headers[name] = f(value, `${id}/headers/${name.toLowerCase()}`);
    out.headers = headers;
  }
  if (w.auth) out.auth = mapAuth(w.auth, id, f);
  if (w.tls) out.tls = mapTls(w.tls, id, f);
  return out;
}

/** A webhook row or patch as it is stored. */
export function sealWebhook<T extends Partial<SecretFields>>(w: T, id: string, box: SecretBox): T {
  return mapSecrets(w, id, (v, c) => box.seal(v, c));
}

/** A stored webhook row as the rest of Hookline uses it. */
export function openWebhook<T extends Partial<SecretFields> & { id: string }>(w: T, box: SecretBox): T {
  return mapSecrets(w, w.id, (v, c) => box.open(v, c));
}

/** Every stored secret value of a row, to see which keys they need. */
export function storedSecrets(w: Pick<WebhookRow, 'secret' | 'previous_secret' | 'headers' | 'auth' | 'tls'>): string[] {
  return [
    w.secret,
    ...(w.previous_secret ? [w.previous_secret] : []),
    ...Object.values(w.headers),
    ...(w.auth ? [authSecret(w.auth)] : []),
    ...(typeof w.tls?.client_key === 'string' ? [w.tls.client_key] : []),
  ];
}
