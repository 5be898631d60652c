import type { ComponentChildren } from 'preact';
import type { Session } from '../session.js';
import { link, type Route } from '../router.js';
import { MainNav, type NavItem } from './MainNav.js';

interface Props {
  session: Session;
  route: Route;
  onSignOut: () => void;
  children: ComponentChildren;
}

export function Layout({ session, route, onSignOut, children }: Props) {
  const b = session.business;
  const nav: NavItem[] = [];
  if (b) {
    nav.push({ href: link('b', b, 'webhooks'), label: 'Webhooks', key: 'webhooks' });
    nav.push({ href: link('b', b, 'inspector'), label: 'Inspector', key: 'inspector' });
    if (session.kind === 'admin') nav.push({ href: link('b', b, 'tokens'), label: 'Tokens', key: 'tokens' });
  }
  nav.push({ href: link('catalog'), label: 'Event catalogue', key: 'catalog' });
  if (session.kind === 'admin') nav.push({ href: link('overview'), label: 'Overview', key: 'overview' });

  const skip = (e: Event) => {
    // A plain #main link would be read as a route; move focus instead.
    e.preventDefault();
    document.querySelector<HTMLElement>('main h1, main')?.focus();
  };

  return (
    <div class="shell">
      <a class="skip-link" href="#main" onClick={skip}>
        Skip to content
      </a>
      <header class="topbar">
        <a class="brand" href="#/" aria-label="Hookline home">
          <span class="brand-mark" aria-hidden="true" />
          Hookline
        </a>
        <MainNav items={nav} route={route} />
        <div class="account">
          {b && (
            <span class="account-business" title={`Business ${b}`}>
              {session.businessName ?? b}
            </span>
          )}
          {session.kind === 'admin' && (
            <a class="btn btn-small btn-quiet" href={link('businesses')}>
              {b ? 'Switch business' : 'Pick a business'}
            </a>
          )}
          <button type="button" class="btn btn-small btn-quiet" onClick={onSignOut}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}

/** "Business › Integrations › Webhooks", the path businesses know from seed 000's dashboard. */
export function Crumbs({ items }: { items: { label: string; href?: string }[] }) {
  return (
    <nav class="crumbs" aria-label="Breadcrumb">
      <ol>
        {items.map((item, i) => (
          <li key={i}>{item.href && i < items.length - 1 ? <a href={item.href}>{item.label}</a> : <span aria-current={i === items.length - 1 ? 'page' : undefined}>{item.label}</span>}</li>
        ))}
      </ol>
    </nav>
  );
}
