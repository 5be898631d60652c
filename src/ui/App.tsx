import { useEffect, useRef, useState } from 'preact/hooks';
import { api, biz, setUnauthorizedHandler } from './api.js';
import type { Business } from './types.js';
import { loadSession, saveSession, type Session } from './session.js';
import { link, navigate, useRoute, type Route } from './router.js';
import { Layout } from './components/Layout.js';
import { Empty } from './components/ui.js';
import { SignIn } from './pages/SignIn.js';
import { Businesses } from './pages/Businesses.js';
import { WebhookList } from './pages/WebhookList.js';
import { WebhookForm } from './pages/WebhookForm.js';
import { WebhookPage } from './pages/WebhookPage.js';
import { DeliveryPage } from './pages/DeliveryPage.js';
import { Catalog } from './pages/Catalog.js';
import { Inspector } from './pages/Inspector.js';
import { InboxPage } from './pages/InboxPage.js';
import { Overview } from './pages/Overview.js';
import { Tokens } from './pages/Tokens.js';

function home(s: Session): string {
  return s.business ? `/b/${encodeURIComponent(s.business)}/webhooks` : '/businesses';
}

export function App() {
  const [session, setSession] = useState<Session | null>(loadSession);
  const [signedOutReason, setSignedOutReason] = useState<string | null>(null);
  const route = useRoute();
  const firstRoute = useRef(true);

  const update = (s: Session | null) => {
    saveSession(s);
    setSession(s);
  };

  useEffect(() => {
    setUnauthorizedHandler((message) => {
      update(null);
      setSignedOutReason(`${message} Sign in again.`);
    });
  }, []);

  // After navigating, move focus to the new page's heading so keyboard and screen-reader users start there.
  useEffect(() => {
    if (firstRoute.current) {
      firstRoute.current = false;
      return;
    }
    requestAnimationFrame(() => document.querySelector<HTMLElement>('main h1')?.focus());
  }, [route.path]);

  // The admin works in one business at a time; remember which, for the nav links.
  const b = route.parts[0] === 'b' ? route.parts[1] : undefined;
  useEffect(() => {
    if (session?.kind === 'admin' && b && b !== session.business) update({ ...session, business: b, businessName: null });
  }, [b, session]);

  // A business reached by its address (a bookmark, a deep link) is known by its id only; the
  // header shows names, so look the name up once (issue 14).
  const unnamed = session && session.business && session.businessName === null ? session.business : null;
  useEffect(() => {
    if (!unnamed) return;
    let current = true;
    api<Business>('GET', biz(unnamed)).then(
      (found) => {
        const s = loadSession();
        if (current && s && s.business === found.id) update({ ...s, businessName: found.name });
      },
      // The page itself reports a missing business or a refused token; the header keeps the id.
      () => {},
    );
    return () => {
      current = false;
    };
  }, [unnamed]);

  if (!session) {
    return (
      <SignIn
        reason={signedOutReason}
        onSignedIn={(s) => {
          setSignedOutReason(null);
          update(s);
          // A deep link opened before signing in is where the user wanted to go.
          if (route.parts.length === 0 || (s.kind === 'business' && route.parts[0] === 'b' && route.parts[1] !== s.business)) navigate(home(s), { replace: true });
        }}
      />
    );
  }

  const signOut = () => {
    update(null);
    setSignedOutReason(null);
    navigate('/', { replace: true });
  };
  return (
    <Layout session={session} route={route} onSignOut={signOut}>
      <Page route={route} session={session} onSession={update} />
    </Layout>
  );
}

function Page({ route, session, onSession }: { route: Route; session: Session; onSession: (s: Session) => void }) {
  const [p0, p1, p2, p3, p4] = route.parts;
  if (!p0) return <Redirect to={home(session)} />;
  if (p0 === 'catalog') return <Catalog />;
  if (p0 === 'overview' && session.kind === 'admin') return <Overview />;
  if (p0 === 'businesses' && session.kind === 'admin') {
    return <Businesses onPick={(biz) => { onSession({ ...session, business: biz.id, businessName: biz.name }); navigate(home({ ...session, business: biz.id })); }} />;
  }
  if (p0 === 'b' && p1) {
    if (session.kind === 'business' && p1 !== session.business) return <NotFound session={session} />;
    if (p2 === 'webhooks' && !p3) return <WebhookList b={p1} />;
    if (p2 === 'webhooks' && p3 === 'new') return <WebhookForm b={p1} presetUrl={route.query.get('url')} />;
    if (p2 === 'webhooks' && p3 && p4 === 'edit') return <WebhookForm b={p1} id={p3} />;
    if (p2 === 'webhooks' && p3 && !p4) return <WebhookPage b={p1} id={p3} />;
    if (p2 === 'deliveries' && p3) return <DeliveryPage b={p1} id={p3} />;
    if (p2 === 'inspector' && !p3) return <Inspector b={p1} />;
    if (p2 === 'inspector' && p3) return <InboxPage b={p1} id={p3} />;
    if (p2 === 'tokens' && !p3 && session.kind === 'admin') return <Tokens b={p1} />;
  }
  return <NotFound session={session} />;
}

function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}

function NotFound({ session }: { session: Session }) {
  return (
    <section>
      <h1 tabIndex={-1}>Page not found</h1>
      <Empty title="There is nothing at this address.">
        <a href={`#${home(session)}`}>Go to your webhooks</a> or <a href={link('catalog')}>browse the event catalogue</a>.
      </Empty>
    </section>
  );
}
