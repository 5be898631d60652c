import { createHash } from 'node:crypto';
import type { OAuth2ClientCredentials } from '../store/Store.js';
import type { Sender } from './httpSender.js';

/** A token is refreshed this long before the token endpoint said it expires, at most a tenth of its life. */
const REFRESH_MARGIN_MS = 60_000;
/** How long a token whose response gave no `expires_in` is used. */
const DEFAULT_LIFETIME_MS = 300_000;
/** A token request is bounded like an attempt with the default timeout. */
const TOKEN_TIMEOUT_MS = 5000;
/** Credentials whose token was not used for this long are forgotten. */
const IDLE_FORGET_MS = 3_600_000;

export type TokenResult = { ok: true; token: string } | { ok: false; reason: string; statusCode: number | null };

interface Cached {
  token: string;
  refreshAt: number;
  usedAt: number;
}

/**
 * Access tokens of the OAuth2 client-credentials grant (RFC 6749 §4.4), one per set of
 * credentials, fetched through the same sender as attempts (so the SSRF guard, the egress proxy
 * and the timeouts apply to the token endpoint too) and cached until shortly before they
 * expire. Concurrent attempts that find no token share one request. Failures say what the token
 * endpoint answered, never the credentials.
 */
export class OAuth2Tokens {
  private readonly cache = new Map<string, Cached>();
  private readonly inFlight = new Map<string, Promise<TokenResult>>();
  /** How many token requests were made; for /metrics-style diagnostics and tests. */
  requests = 0;

  constructor(
    private readonly sender: Sender,
    private readonly now: () => number = Date.now,
  ) {}

  /** A valid token, from the cache when it has one. */
  get(auth: OAuth2ClientCredentials): Promise<TokenResult> {
    const key = keyOf(auth);
    const cached = this.cache.get(key);
    const now = this.now();
    if (cached && cached.refreshAt > now) {
      cached.usedAt = now;
      return Promise.resolve({ ok: true, token: cached.token });
    }
    return this.fetch(key, auth);
  }

  /**
   * The endpoint refused `token` (401): a new one, unless another attempt already replaced it,
   * in which case that one is tried.
   */
  refresh(auth: OAuth2ClientCredentials, token: string): Promise<TokenResult> {
    const key = keyOf(auth);
    const cached = this.cache.get(key);
    if (cached && cached.token !== token && cached.refreshAt > this.now()) return Promise.resolve({ ok: true, token: cached.token });
    this.cache.delete(key);
    return this.fetch(key, auth);
  }

  private fetch(key: string, auth: OAuth2ClientCredentials): Promise<TokenResult> {
    let pending = this.inFlight.get(key);
    if (!pending) {
      pending = this.request(auth).then((result) => {
        this.inFlight.delete(key);
        return result;
      });
      this.inFlight.set(key, pending);
      this.forgetIdle();
    }
    return pending;
  }

  private async request(auth: OAuth2ClientCredentials): Promise<TokenResult> {
    this.requests++;
    const form = new URLSearchParams();
    for (const [name, value] of Object.entries(auth.extra_params ?? {})) form.set(name, value);
    form.set('grant_type', 'client_credentials');
    if (auth.scope) form.set('scope', auth.scope);
    if (auth.audience) form.set('audience', auth.audience);
    // client_secret_basic (RFC 6749 §2.3.1): the form-encoded id and secret, joined by a colon.
    const basic = Buffer.from(`${encodeURIComponent(auth.client_id)}:${encodeURIComponent(auth.client_secret)}`).toString('base64');
    const started = this.now();
    const result = await this.sender.send({
      url: auth.token_url,
      body: form.toString(),
      headers: { authorization: `Basic ${basic}`, accept: 'application/json' },
      timeoutMs: TOKEN_TIMEOUT_MS,
      contentType: 'application/x-www-form-urlencoded',
    });
    if (result.statusCode === null) return { ok: false, reason: `the token endpoint could not be reached (${result.error ?? 'network'})`, statusCode: null };
    if (result.statusCode < 200 || result.statusCode >= 300) {
      return { ok: false, reason: `the token endpoint answered HTTP ${result.statusCode}${oauthError(result.responseBody)}`, statusCode: result.statusCode };
    }
    const parsed = parseTokenResponse(result.responseBody);
    if (typeof parsed === 'string') return { ok: false, reason: `the token endpoint answered HTTP ${result.statusCode} but ${parsed}`, statusCode: result.statusCode };
    const lifetime = parsed.expiresInMs ?? DEFAULT_LIFETIME_MS;
    this.cache.set(keyOf(auth), {
      token: parsed.token,
      refreshAt: started + lifetime - Math.min(REFRESH_MARGIN_MS, lifetime / 10),
      usedAt: started,
    });
    return { ok: true, token: parsed.token };
  }

  private forgetIdle(): void {
    const cutoff = this.now() - IDLE_FORGET_MS;
    for (const [key, c] of this.cache) if (c.usedAt < cutoff) this.cache.delete(key);
  }
}

/** Webhook rows are cached by the engine, so the same auth object comes back attempt after attempt: hash it once. */
const keys = new WeakMap<OAuth2ClientCredentials, string>();

/** Everything that decides which token the endpoint gets; the secret only as part of a hash. */
function keyOf(auth: OAuth2ClientCredentials): string {
  let key = keys.get(auth);
  if (key === undefined) {
    key = hashOf(auth);
    keys.set(auth, key);
  }
  return key;
}

function hashOf(auth: OAuth2ClientCredentials): string {
  return createHash('sha256')
    .update(JSON.stringify([auth.token_url, auth.client_id, auth.client_secret, auth.scope ?? null, auth.audience ?? null, auth.extra_params ?? null]))
    .digest('hex');
}

function parseTokenResponse(body: string | null): { token: string; expiresInMs: number | null } | string {
  let json: unknown;
  try {
    json = JSON.parse(body ?? '');
  } catch {
    return 'its body is not JSON (or is longer than 4 KiB)';
  }
  if (typeof json !== 'object' || json === null) return 'its body is not a JSON object';
  const { access_token: token, token_type: type, expires_in: expiresIn } = json as Record<string, unknown>;
  if (typeof token !== 'string' || token === '' || /[^\x21-\x7e]/.test(token)) return 'access_token is missing or not a token';
  if (type !== undefined && (typeof type !== 'string' || type.toLowerCase() !== 'bearer')) return `token_type is ${JSON.stringify(type)}, not Bearer`;
  const seconds = typeof expiresIn === 'string' ? Number(expiresIn) : expiresIn;
  const expiresInMs = typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? Math.min(seconds, 86_400 * 365) * 1000 : null;
  return { token, expiresInMs };
}

/** RFC 6749 §5.2's `error` code, when the body has one: safe to show (it names no secret). */
function oauthError(body: string | null): string {
  try {
    const error = (JSON.parse(body ?? '') as { error?: unknown }).error;
    return typeof error === 'string' && /^[\x20-\x7e]{1,100}$/.test(error) ? ` (${error})` : '';
  } catch {
    return '';
  }
}
