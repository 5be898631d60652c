/** The three APIs one server speaks, each with its own error shapes. */
export type ApiFamily = 'hookline' | 'svix' | 'vcita';

export function familyOf(path: string): ApiFamily {
  if (path === '/api/v1' || path.startsWith('/api/v1/')) return 'svix';
  if (path.startsWith('/platform/')) return 'vcita';
  return 'hookline';
}

/** What the OpenAPI generator knows of a route: enough to tell which refusals can reach it. */
export interface RouteTraits {
  method: string | string[];
  url: string;
  config?: { auth?: boolean; adminOnly?: boolean };
}

/** Statuses the HTTP layer answers to any request before a route runs (src/api/clientError.ts). */
export const TRANSPORT_STATUSES = [400, 408, 431] as const;

// Fastify reads a body on these methods (DELETE included), so they can be too large or not JSON.
const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/**
 * The error statuses an operation can answer whatever its handler does, derived from what the
 * route is, so a route added later is described truthfully without listing them. Statuses only
 * a handler knows of (409, 422, …) are declared in the route's own schema.
 */
export function errorStatusesOf(route: RouteTraits): number[] {
  const statuses = new Set<number>(TRANSPORT_STATUSES);
  const methods = [route.method].flat().map((m) => m.toUpperCase());
  // vcita's contract (seed 003) checks its own token and answers every other refusal itself.
  const checked = route.config?.auth !== false;
  if (checked) {
    statuses.add(401);
    // A token is looked up in the database (then cached); a database that is down answers 503.
    statuses.add(503);
    // Admin-only routes refuse business tokens; any change is refused to a read-only portal session.
    if (route.config?.adminOnly || methods.some((m) => m !== 'GET' && m !== 'HEAD')) statuses.add(403);
  }
  // A path parameter names something that may not exist, or that this token does not reach.
  if (route.url.includes(':') || route.url.includes('{')) statuses.add(404);
  if (methods.some((m) => BODY_METHODS.has(m))) {
    statuses.add(413);
    statuses.add(415);
  }
  return [...statuses].sort((a, b) => a - b);
}
