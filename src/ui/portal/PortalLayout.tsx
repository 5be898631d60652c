import type { ComponentChildren } from 'preact';
import { link, type Route } from '../router.js';
import { MainNav, type NavItem } from '../components/MainNav.js';
import type { PortalSession } from './PortalApp.js';

/**
 * The portal's frame: the platform's logo and name, the business's sections, and nothing that
 * leads out of the business (no sign-out, no business switcher, no admin pages).
 */
export function PortalLayout({ session, route, children }: { session: PortalSession; route: Route; children: ComponentChildren }) {
  const b = session.business.id;
  const nav: NavItem[] = [
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
        <MainNav items={nav} route={route} />
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
