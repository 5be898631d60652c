/** What GET /v1/portal/session gives: the session's theme with the server's defaults filled in. */
export interface PortalTheme {
  name: string | null;
  accent: string | null;
  logo: string | null;
  mode: 'light' | 'dark';
}

/**
 * Applies a theme through CSS custom properties set from script (which the CSP allows, unlike
 * inline styles) and a data attribute the portal stylesheet keys dark colours on. Nothing is
 * fetched: the logo is a data URI.
 */
export function applyTheme(theme: PortalTheme): void {
  const root = document.documentElement;
  root.dataset.mode = theme.mode;
  document.querySelector('meta[name="color-scheme"]')?.setAttribute('content', theme.mode);
  if (theme.accent) {
    root.style.setProperty('--primary', theme.accent);
    root.style.setProperty('--primary-dark', shade(theme.accent, theme.mode === 'dark' ? 1.2 : 0.8));
    root.style.setProperty('--ring', `${theme.accent}66`);
  }
  document.title = theme.name ? `Webhooks · ${theme.name}` : 'Webhooks';
}

/** The colour scaled towards black (< 1) or white (> 1), for hover states. */
function shade(hex: string, factor: number): string {
  const channels = [1, 3, 5].map((i) => parseInt(hex.slice(i, i + 2), 16));
  const scaled = channels.map((c) => Math.round(factor < 1 ? c * factor : c + (255 - c) * (factor - 1)));
  return `#${scaled.map((c) => Math.min(255, c).toString(16).padStart(2, '0')).join('')}`;
}
