import type { Route } from '../router.js';

export interface NavItem {
  href: string;
  label: string;
  /** The route section the item leads to: the first part of the path, or the third under /b/{b}. */
  key: string;
}

/** The sections of the top bar, the one the route is in marked as the current page; shared by the dashboard and the portal. */
export function MainNav({ items, route }: { items: NavItem[]; route: Route }) {
  const section = route.parts[0] === 'b' ? route.parts[2] : route.parts[0];
  // The deliveries of a webhook belong to the Webhooks section.
  const current = section === 'deliveries' ? 'webhooks' : section;
  return (
    <nav class="mainnav" aria-label="Main">
      {items.map((n) => (
        <a key={n.key} href={n.href} aria-current={current === n.key ? 'page' : undefined}>
          {n.label}
        </a>
      ))}
    </nav>
  );
}
