import type { EndpointAuth } from '../store/Store.js';
import type { Sender, SendRequest, SendResult } from './httpSender.js';
import { OAuth2Tokens } from './OAuth2Tokens.js';

/** A request with the endpoint's credentials; they are turned into a header here and never cross to the sending thread. */
export interface AuthorizedSendRequest extends SendRequest {
  auth?: EndpointAuth | null;
}

export interface EndpointAuthSender extends Sender {
  send(req: AuthorizedSendRequest): Promise<SendResult>;
  readonly tokens: OAuth2Tokens;
}

/**
 * Adds the endpoint's `Authorization` header to each attempt (docs/endpoint-auth.md): basic,
 * bearer, or an OAuth2 access token. With OAuth2, a 401 from the endpoint means the token may
 * have been revoked or rotated early, so a new one is fetched and the request sent once more
 * at once; a second 401 is the attempt's result. A token endpoint that fails ends the attempt
 * as `auth_failed` with what it answered in the attempt's response body.
 */
export function withEndpointAuth(inner: Sender): EndpointAuthSender {
  const tokens = new OAuth2Tokens(inner);
  return {
    tokens,
    ready: () => inner.ready(),
    // A wrapper that dropped this would make a listener without a stream spend its attempts.
    available: inner.available ? (url) => inner.available!(url) : undefined,
    close: () => inner.close(),
    destroy: () => inner.destroy(),
    async send(req) {
      // Most webhooks have no auth: their request passes as it is, without a copy.
      if (!req.auth) return inner.send(req);
      const { auth, ...plain } = req;
      if (auth.type === 'basic') {
        const pair = Buffer.from(`${auth.username}:${auth.password}`).toString('base64');
        return inner.send(withAuthorization(plain, `Basic ${pair}`));
      }
      if (auth.type === 'bearer') return inner.send(withAuthorization(plain, `Bearer ${auth.token}`));
      const startedAt = Date.now();
      const token = await tokens.get(auth);
      if (!token.ok) return authFailed(token.reason, startedAt);
      const first = await inner.send(withAuthorization(plain, `Bearer ${token.token}`));
      if (first.statusCode !== 401) return first;
      const renewed = await tokens.refresh(auth, token.token);
      if (!renewed.ok) return authFailed(renewed.reason, startedAt);
      const second = await inner.send(withAuthorization(plain, `Bearer ${renewed.token}`));
      return { ...second, startedAt: first.startedAt, durationMs: first.durationMs + second.durationMs };
    },
  };
}

/** The webhook's own headers keep their names; ours replaces any Authorization among them. */
function withAuthorization(req: SendRequest, value: string): SendRequest {
  const headers: Record<string, string> = {};
  for (const [name, v] of Object.entries(req.headers)) if (name.toLowerCase() !== 'authorization') headers[name] = v;
  headers.authorization = value;
  return { ...req, headers };
}

function authFailed(reason: string, startedAt: number): SendResult {
  return { startedAt, durationMs: Date.now() - startedAt, statusCode: null, error: 'auth_failed', responseBody: `Endpoint auth failed: ${reason}.`, retryAfterMs: null };
}
