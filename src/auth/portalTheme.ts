import { HooklineError } from '../errors.js';
import type { PortalTheme } from '../store/Store.js';

/** How large the decoded logo image may be (issue 14: a data URI of at most 64 KB). */
export const LOGO_MAX_BYTES = 64 * 1024;
export const ACCENT = /^#[0-9a-fA-F]{6}$/;
const LOGO = /^data:(image\/png|image\/svg\+xml|image\/jpeg|image\/webp)(;base64)?,(.*)$/s;
const CONTROL = /[\u0000-\u001f\u007f]/;

/**
 * Checks a theme given to a new portal session and keeps only what was set. Everything is
 * applied from the server's own origin (the logo is a data URI), so a theme can make the
 * portal fetch nothing from elsewhere.
 */
export function checkPortalTheme(theme: { name?: string; accent?: string; logo?: string; mode?: string } | undefined): PortalTheme {
  const out: PortalTheme = {};
  if (!theme) return out;
  if (theme.name !== undefined) {
    const name = theme.name.trim();
    if (!name || name.length > 80 || CONTROL.test(name)) bad('theme.name', 'must be 1 to 80 characters with no control characters (it is shown as the platform\'s name)');
    out.name = name;
  }
  if (theme.accent !== undefined) {
    if (!ACCENT.test(theme.accent)) bad('theme.accent', `"${theme.accent.slice(0, 20)}" is not a colour; send #rrggbb, e.g. #0f766e`);
    out.accent = theme.accent.toLowerCase();
  }
  if (theme.logo !== undefined) out.logo = checkLogo(theme.logo);
  if (theme.mode !== undefined) {
    if (theme.mode !== 'light' && theme.mode !== 'dark') bad('theme.mode', `"${theme.mode.slice(0, 20)}" is not a mode; send "light" or "dark"`);
    out.mode = theme.mode;
  }
  return out;
}

function checkLogo(logo: string): string {
  const m = LOGO.exec(logo);
  if (!m) bad('theme.logo', 'must be a data URI of a PNG, SVG, JPEG or WebP image (data:image/png;base64,…); the portal loads nothing from other servers');
  const [, , base64, payload = ''] = m;
  let bytes: number;
  if (base64) {
    if (!/^[A-Za-z0-9+/]*={0,2}$/.test(payload)) bad('theme.logo', 'its base64 part holds characters base64 does not use');
    bytes = Buffer.from(payload, 'base64').length;
  } else {
    try {
      bytes = Buffer.byteLength(decodeURIComponent(payload));
    } catch {
      bad('theme.logo', 'its data part is not valid percent-encoding; base64 is the usual form');
    }
  }
  if (bytes === 0) bad('theme.logo', 'holds no image');
  if (bytes > LOGO_MAX_BYTES) bad('theme.logo', `the image is ${bytes} bytes; at most ${LOGO_MAX_BYTES} (64 KB) are accepted, so scale it down or use SVG`);
  return logo;
}

/** A return_url is where the expired page's button leads: an absolute http(s) URL and nothing else (never javascript:). */
export function checkReturnUrl(given: string | undefined): string | null {
  if (given === undefined) return null;
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    return bad('return_url', `"${given.slice(0, 60)}" is not an absolute URL; send https://… of the page in your app that opens the portal`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') bad('return_url', `must be http(s), not ${url.protocol}`);
  if (url.username || url.password) bad('return_url', 'must not carry a user name or password');
  return url.href;
}

function bad(field: string, why: string): never {
  throw new HooklineError('INVALID_PORTAL_SESSION', `${field} ${why}.`);
}
