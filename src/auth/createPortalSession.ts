import type { Store, PortalTheme } from '../store/Store.js';
import { newPortalCredential, newPortalSessionId } from '../ids.js';
import { hashToken } from './hashToken.js';
import { checkPortalTheme, checkReturnUrl } from './portalTheme.js';

/** issue 14: a link lives an hour unless asked otherwise, a day at most. */
export const PORTAL_DEFAULT_EXPIRES_IN_S = 3600;
export const PORTAL_MAX_EXPIRES_IN_S = 86_400;

export interface PortalSessionRequest {
  expires_in?: number;
  return_url?: string;
  read_only?: boolean;
  theme?: { name?: string; accent?: string; logo?: string; mode?: string };
}

export interface CreatedPortalSession {
  id: string;
  /** Opens the portal once: `<base>/portal/open?t=<single-use credential>`. */
  url: string;
  expires_at: number;
  theme: PortalTheme;
}

/**
 * Creates a portal session for one business and returns its single-use link. Shared by
 * `POST /v1/businesses/{b}/portal-sessions` and any other API that hands out portal links,
 * so each is a thin wrapper. The caller has checked that the business exists and that it may
 * act for it. Throws INVALID_PORTAL_SESSION for a bad theme or return_url.
 */
export async function createPortalSession(store: Store, businessId: string, req: PortalSessionRequest, baseUrl: string, now = Date.now()): Promise<CreatedPortalSession> {
  const theme = checkPortalTheme(req.theme);
  const returnUrl = checkReturnUrl(req.return_url);
  const expiresAt = now + (req.expires_in ?? PORTAL_DEFAULT_EXPIRES_IN_S) * 1000;
  const link = newPortalCredential('link');
  const id = newPortalSessionId();
  await store.createPortalSession({
    id,
    business_id: businessId,
    link_hash: hashToken(link),
    read_only: req.read_only ?? false,
    theme,
    return_url: returnUrl,
    created_at: now,
    expires_at: expiresAt,
  });
  return { id, url: `${baseUrl.replace(/\/+$/, '')}/portal/open?t=${link}`, expires_at: expiresAt, theme };
}
