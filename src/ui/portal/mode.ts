/**
 * The page at /portal is the dashboard in portal mode (issue 14, docs/portal.md): one business,
 * authenticated by an HttpOnly cookie the page cannot read, so API calls carry the portal
 * header instead of a bearer token.
 */
export const portalMode = typeof location !== 'undefined' && location.pathname.replace(/\/+$/, '') === '/portal';
export const PORTAL_HEADER = 'x-hookline-portal';
