import { randomBytes } from 'node:crypto';
import type { Config } from '../config.js';
import type { PortalSessionRow, PortalTheme } from '../store/Store.js';

/** A theme with the configuration's defaults filled in, as the portal applies it. */
export interface ResolvedTheme {
  name: string | null;
  accent: string | null;
  logo: string | null;
  mode: 'light' | 'dark';
}

export function resolveTheme(theme: PortalTheme | null, config: Config): ResolvedTheme {
  return {
    name: theme?.name ?? config.portalName,
    accent: theme?.accent ?? config.portalAccent,
    logo: theme?.logo ?? null,
    mode: theme?.mode ?? config.portalMode,
  };
}

/**
 * The headers of every portal page. The same CSP as the dashboard's (this origin only), except
 * that `frame-ancestors` lists exactly HOOKLINE_PORTAL_FRAME_ANCESTORS; with none configured
 * the portal cannot be framed at all, and X-Frame-Options says so to older browsers too.
 */
export function portalPageHeaders(config: Config, styleNonce?: string): Record<string, string> {
  const ancestors = config.portalFrameAncestors.length > 0 ? config.portalFrameAncestors.join(' ') : "'none'";
  const style = styleNonce ? `'self' 'nonce-${styleNonce}'` : "'self'";
  const headers: Record<string, string> = {
    'content-security-policy': `default-src 'none'; script-src 'self'; style-src ${style}; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors ${ancestors}`,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
    'cache-control': 'no-store',
  };
  if (config.portalFrameAncestors.length === 0) headers['x-frame-options'] = 'DENY';
  return headers;
}

const escape = (s: string): string => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export type EndReason = 'used' | 'expired' | 'revoked' | 'unknown';

const WHY: Record<EndReason, string> = {
  used: 'Each link opens the portal once, and this one has been used.',
  expired: 'It was valid for a limited time, and that time has passed.',
  revoked: 'The app that created it has withdrawn it.',
  unknown: 'It is not a link this server knows; it may have been copied in part.',
};

/** Why a link or session no longer opens the portal, most final first. */
export function endReason(session: PortalSessionRow | null, now: number, link: boolean): EndReason {
  if (!session) return 'unknown';
  if (session.revoked_at !== null) return 'revoked';
  if (session.expires_at <= now) return 'expired';
  return link && session.opened_at !== null ? 'used' : 'unknown';
}

/**
 * The page a used, expired or revoked link (or an ended session) shows: what happened and the
 * way back, `return_url`, opened in the top window since the portal usually sits in a frame.
 * Self-contained (one inline style, allowed by its nonce) so it needs no bundle.
 */
export function expiredPage(theme: ResolvedTheme, returnUrl: string | null, reason: EndReason): { html: string; nonce: string } {
  const nonce = randomBytes(16).toString('base64');
  const platform = theme.name ?? 'the app you came from';
  const dark = theme.mode === 'dark';
  const accent = theme.accent ?? (dark ? '#60a5fa' : '#1d4ed8');
  const why = WHY[reason];
  const html = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>This link has expired</title>
<style nonce="${nonce}">
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif; background: ${dark ? '#0f172a' : '#f5f6f8'}; color: ${dark ? '#e5e7eb' : '#111827'}; }
main { max-width: 36rem; margin: 3rem auto; padding: 2rem; border-radius: 10px; background: ${dark ? '#1e293b' : '#fff'}; border: 1px solid ${dark ? '#334155' : '#e2e5ea'}; }
h1 { font-size: 1.35rem; margin: 0 0 .5rem; }
p { margin: 0 0 1rem; color: ${dark ? '#cbd5e1' : '#5b6473'}; }
a.button { display: inline-block; padding: .6rem 1.1rem; border-radius: 8px; background: ${accent}; color: #fff; text-decoration: none; font-weight: 600; }
a.button:focus-visible { outline: 3px solid #93c5fd; outline-offset: 2px; }
</style>
</head>
<body>
<main>
<h1>This link has expired — open Webhooks again from ${escape(platform)}</h1>
<p>${why} Links to the webhooks portal work once and for a limited time, to keep your business's settings safe.</p>
${returnUrl ? `<a class="button" href="${escape(returnUrl)}" target="_top" rel="noopener">Back to ${escape(platform)}</a>` : ''}
</main>
</body>
</html>`;
  return { html, nonce };
}
