/**
 * The token lives in sessionStorage: it survives a reload of this tab and is gone when the
 * tab closes, and other tabs (or another person later at a shared front-desk computer) do not
 * inherit it. The page itself never embeds a token or any data.
 */
export interface Session {
  token: string;
  kind: 'admin' | 'business';
  /** The business a business token belongs to; for the admin, the one picked last. */
  business: string | null;
  businessName: string | null;
}

const KEY = 'hookline.session';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    const s = raw ? (JSON.parse(raw) as Session) : null;
    return s && typeof s.token === 'string' ? s : null;
  } catch {
    return null;
  }
}

export function saveSession(s: Session | null): void {
  if (s) sessionStorage.setItem(KEY, JSON.stringify(s));
  else sessionStorage.removeItem(KEY);
}
