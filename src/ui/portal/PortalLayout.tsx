import type { ComponentChildren } from 'preact';
import { link, type Route } from '../router.js';
import type { PortalSession } from './PortalApp.js';

/**
 * The portal's frame: the platform's logo and name, the business's sections, and nothing that
 * leads out of the business (no sign-out, no business switcher, no admin pages).
 */
export function PortalLayout({ session, route, children }: { session: PortalSession; route: Route; children: ComponentChildren }) {
  const b = session.business.id;
  const section = route.parts[0] === 'b' ? route.parts[2] : route.parts[0];
  const current = section === 'deliveries' ? 'webhooks' : section;
  const nav = [
    { href: link('b', b, 'webhooks'), label: 'Webhooks', key: 'webhooks' },
    { href: link('b', b, 'inspector'), label: 'Inspector', key: 'inspector' },
    { href: link('catalog'), label: 'Event catalogue', key: 'catalog' },
  ];
  const { theme } = session;
  return (
    <div class={`shell portal${session.read_only ? ' read-only' : ''}`}>
      <header class="topbar">
        <a class="brand" href={link('b', b, 'webhooks')} aria-label={`${theme.name ?? 'Webhooks'} home`}>
          {theme.logo ? <img class="portal-logo" src={theme.logo} alt="" /> : <span class="brand-mark" aria-hidden="true" />}
          {theme.name ?? 'Webhooks'}
        </a>
        <nav class="mainnav" aria-label="Main">
          {nav.map((n) => (
            <a key={n.key} href={n.href} aria-current={current === n.key ? 'page' : undefined}>
              {n.label}
            </a>
          ))}
        </nav>
        <div class="account">
          {session.read_only && <span class="badge badge-pending">Read-only</span>}
          <span class="account-business" title={`Business ${b}`}>
            {session.business.name}
          </span>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
