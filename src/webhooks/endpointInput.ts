import { X509Certificate, createPrivateKey, type KeyObject } from 'node:crypto';
import { HooklineError } from '../errors.js';
import { checkTargetUrl } from '../dispatch/ssrfGuard.js';
import type { EndpointAuth, EndpointTls, Verification } from '../store/Store.js';

/**
 * Checks on a webhook's `auth`, `tls` and `verification` that a JSON Schema cannot express
 * (docs/endpoint-auth.md). Each refusal is a 422 that names the member and says what to do.
 */

/** What the API shows in place of a secret member; sent back unchanged, it keeps the stored value. */
export const SECRET_PLACEHOLDER = '[redacted]';

/** The API's shape: one object whose members depend on `type`. */
export interface EndpointAuthInput {
  type: EndpointAuth['type'];
  username?: string;
  password?: string;
  token?: string;
  token_url?: string;
  client_id?: string;
  client_secret?: string;
  scope?: string;
  audience?: string;
  extra_params?: Record<string, string>;
}

const MEMBERS: Record<EndpointAuth['type'], { required: string[]; optional: string[] }> = {
  basic: { required: ['username', 'password'], optional: [] },
  bearer: { required: ['token'], optional: [] },
  oauth2_client_credentials: { required: ['token_url', 'client_id', 'client_secret'], optional: ['scope', 'audience', 'extra_params'] },
};
/** Form fields Hookline sets itself in a token request. */
const RESERVED_PARAMS = new Set(['grant_type', 'client_id', 'client_secret', 'scope', 'audience']);

const invalidAuth = (detail: string): never => {
  throw new HooklineError('INVALID_ENDPOINT_AUTH', `auth: ${detail}`);
};

/** Header values carry visible ASCII; a token with anything else fails every attempt. */
function headerSafe(name: string, value: string): void {
  if (/[^\x20-\x7e]/.test(value)) invalidAuth(`${name} may hold printable ASCII only (no control characters or line breaks).`);
}

/**
 * The auth to store, or null for none. A secret member given as SECRET_PLACEHOLDER keeps the
 * secret already stored for the same type, so that a read webhook can be written back.
 */
export function checkAuth(input: EndpointAuthInput | null, current: EndpointAuth | null | undefined, allowPrivateNetworks: boolean): EndpointAuth | null {
  if (input === null) return null;
  const members = MEMBERS[input.type];
  const given = Object.keys(input).filter((k) => k !== 'type' && (input as unknown as Record<string, unknown>)[k] !== undefined);
  const foreign = given.filter((k) => !members.required.includes(k) && !members.optional.includes(k));
  if (foreign.length > 0) invalidAuth(`${foreign.join(', ')} ${foreign.length === 1 ? 'is' : 'are'} not part of type "${input.type}", which takes ${[...members.required, ...members.optional].join(', ')}.`);
  const keep = (name: 'password' | 'token' | 'client_secret'): string | undefined => {
    const v = input[name];
    if (v !== SECRET_PLACEHOLDER) return v;
    const stored = current && current.type === input.type ? (current as unknown as Record<string, string>)[name] : undefined;
    return stored ?? invalidAuth(`${name} is "${SECRET_PLACEHOLDER}", but no ${name} is stored for type "${input.type}"; give the value.`);
  };
  const missing = members.required.filter((k) => typeof input[k as keyof EndpointAuthInput] !== 'string' || input[k as keyof EndpointAuthInput] === '');
  if (missing.length > 0) invalidAuth(`type "${input.type}" needs ${missing.join(', ')} (non-empty).`);

  if (input.type === 'basic') {
    const password = keep('password')!;
    if (input.username!.includes(':')) invalidAuth('username must not contain ":" (RFC 7617 separates it from the password with one).');
    headerSafe('username', input.username!);
    headerSafe('password', password);
    return { type: 'basic', username: input.username!, password };
  }
  if (input.type === 'bearer') {
    const token = keep('token')!;
    headerSafe('token', token);
    return { type: 'bearer', token };
  }
  const check = checkTargetUrl(input.token_url!, { allowPrivateNetworks });
  if (!check.ok) invalidAuth(`token_url: ${check.reason}${check.code === 'blocked_target' ? '; token endpoints follow the same network rules as webhook URLs' : ''}.`);
  const clientSecret = keep('client_secret')!;
  const reserved = Object.keys(input.extra_params ?? {}).filter((k) => RESERVED_PARAMS.has(k));
  if (reserved.length > 0) invalidAuth(`extra_params: ${reserved.join(', ')} ${reserved.length === 1 ? 'is' : 'are'} set by Hookline (use scope and audience for those).`);
  for (const [k, v] of Object.entries(input.extra_params ?? {})) {
    if (k === '' || /[\x00-\x1f\x7f]/.test(k + v)) invalidAuth(`extra_params: "${k.replace(/[\x00-\x1f\x7f]/g, '?')}" must be a non-empty name, and names and values must not hold control characters.`);
  }
  return {
    type: 'oauth2_client_credentials',
    token_url: check.ok ? check.url.toString() : input.token_url!,
    client_id: input.client_id!,
    client_secret: clientSecret,
    ...(input.scope ? { scope: input.scope } : {}),
    ...(input.audience ? { audience: input.audience } : {}),
    ...(input.extra_params && Object.keys(input.extra_params).length > 0 ? { extra_params: { ...input.extra_params } } : {}),
  };
}

const invalidTls = (detail: string): never => {
  throw new HooklineError('INVALID_TLS', `tls: ${detail}`);
};

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM text, parsed; a 422 naming the member when none parses. */
function parseCertificates(pem: string, member: string): X509Certificate[] {
  const blocks = pem.match(PEM_CERT) ?? [];
  if (blocks.length === 0) invalidTls(`${member} holds no PEM certificate (-----BEGIN CERTIFICATE-----).`);
  return blocks.map((block, i) => {
    try {
      return new X509Certificate(block);
    } catch {
      return invalidTls(`${member}: certificate ${i + 1} does not parse as X.509.`);
    }
  });
}

/**
 * The TLS material to store, or null for none. The client certificate and key must come
 * together, parse, match, and be valid now; the CA bundle must parse. A client key given as
 * SECRET_PLACEHOLDER keeps the stored one.
 */
export function checkTls(input: EndpointTls | null, current: EndpointTls | null | undefined, now = Date.now()): EndpointTls | null {
  if (input === null) return null;
  const key = input.client_key === SECRET_PLACEHOLDER ? (current?.client_key ?? invalidTls(`client_key is "${SECRET_PLACEHOLDER}", but none is stored; give the PEM key.`)) : input.client_key;
  const cert = input.client_cert || undefined;
  if (!cert && !key && !input.ca) invalidTls('give client_cert with client_key, ca, or both; or null for none.');
  if (Boolean(cert) !== Boolean(key)) invalidTls(cert ? 'client_cert needs its client_key.' : 'client_key needs its client_cert.');
  if (cert && key) {
    const [leaf] = parseCertificates(cert, 'client_cert');
    let privateKey: KeyObject;
    try {
      privateKey = createPrivateKey(key);
    } catch (err) {
      const encrypted = /passphrase|encrypted/i.test(String((err as Error).message)) || key.includes('ENCRYPTED');
      return invalidTls(encrypted ? 'client_key is encrypted; give it without a passphrase (it is encrypted at rest by Hookline).' : 'client_key does not parse as a PEM private key.');
    }
    if (!leaf!.checkPrivateKey(privateKey)) invalidTls('client_key does not belong to client_cert (their public keys differ).');
    const from = Date.parse(leaf!.validFrom);
    const to = Date.parse(leaf!.validTo);
    if (to <= now) invalidTls(`client_cert expired on ${new Date(to).toISOString()}; issue a new one.`);
    if (from > now) invalidTls(`client_cert is not valid before ${new Date(from).toISOString()}.`);
  }
  if (input.ca) parseCertificates(input.ca, 'ca');
  return { ...(cert ? { client_cert: cert, client_key: key } : {}), ...(input.ca ? { ca: input.ca } : {}) };
}

/** When the client certificate stops being valid (ms), or null without one or when it does not parse. */
export function clientCertExpiry(tls: EndpointTls | null | undefined): number | null {
  if (!tls?.client_cert) return null;
  try {
    const block = tls.client_cert.match(PEM_CERT)?.[0];
    return block ? Date.parse(new X509Certificate(block).validTo) : null;
  } catch {
    return null;
  }
}

export function checkVerification(input: 'none' | 'challenge' | null): Verification | null {
  return input === 'challenge' ? 'challenge' : null;
}
