import { useEffect, useState } from 'preact/hooks';
import { api, setUnauthorizedHandler, type ApiError } from '../api.js';
import { link, navigate, useRoute, type Route } from '../router.js';
import { Empty, ErrorNote, Loading } from '../components/ui.js';
import { WebhookList } from '../pages/WebhookList.js';
import { WebhookForm } from '../pages/WebhookForm.js';
import { WebhookPage } from '../pages/WebhookPage.js';
import { DeliveryPage } from '../pages/DeliveryPage.js';
import { Catalog } from '../pages/Catalog.js';
import { Inspector } from '../pages/Inspector.js';
import { InboxPage } from '../pages/InboxPage.js';
import { PortalLayout } from './PortalLayout.js';
import { applyTheme, type PortalTheme } from './theme.js';
import { startResizeMessages } from './resize.js';
import './portal.css';

/** GET /v1/portal/session. */
export interface PortalSession {
  id: string;
  business: { id: string; name: string };
  read_only: boolean;
  expires_at: string;
  return_url: string | null;
  theme: PortalTheme;
}

/**
 * The dashboard scoped to the one business the portal cookie stands for (issue 14). When the
 * session ends (revoked, expired) the next API call answers 401 and the page reloads /portal,
 * which the server answers with the "link has expired" page and its way back.
 */
export function PortalApp() {
  const [session, setSession] = useState<PortalSession | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const route = useRoute();

  useEffect(() => {
    setUnauthorizedHandler(() => location.replace('/portal'));
    api<PortalSession>('GET', '/v1/portal/session').then(
      (s) => {
        applyTheme(s.theme);
        setSession(s);
      },
      (e: ApiError) => setError(e),
    );
    return startResizeMessages();
  }, []);

  if (error) return <ErrorNote error={error} title="The portal cannot open." />;
  if (!session) return <Loading what="your webhooks" />;
  return (
    <PortalLayout session={session} route={route}>
      <PortalPage route={route} session={session} />
    </PortalLayout>
  );
}

function PortalPage({ route, session }: { route: Route; session: PortalSession }) {
  const [p0, p1, p2, p3, p4] = route.parts;
  const b = session.business.id;
  if (!p0) return <Redirect to={`/b/${encodeURIComponent(b)}/webhooks`} />;
  if (p0 === 'catalog') return <Catalog />;
  if (p0 === 'b' && p1 === b) {
    const writes = !session.read_only;
    if (p2 === 'webhooks' && !p3) return <WebhookList b={b} />;
    if (p2 === 'webhooks' && p3 === 'new' && writes) return <WebhookForm b={b} presetUrl={route.query.get('url')} />;
    if (p2 === 'webhooks' && p3 && p4 === 'edit' && writes) return <WebhookForm b={b} id={p3} />;
    if (p2 === 'webhooks' && p3 && p3 !== 'new' && !p4) return <WebhookPage b={b} id={p3} />;
    if (p2 === 'deliveries' && p3) return <DeliveryPage b={b} id={p3} />;
    if (p2 === 'inspector' && !p3) return <Inspector b={b} />;
    if (p2 === 'inspector' && p3) return <InboxPage b={b} id={p3} />;
  }
  return (
    <section>
      <h1 tabIndex={-1}>Page not found</h1>
      <Empty title="There is nothing at this address.">
        <a href={link('b', b, 'webhooks')}>Go to your webhooks</a>.
      </Empty>
    </section>
  );
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}
