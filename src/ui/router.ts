import { useEffect, useState } from 'preact/hooks';

/**
 * Hash routes (`#/b/acme/webhooks`): the server serves one page at `/` and never needs to
 * know the dashboard's paths, and a reload or a shared link opens the same view.
 */
export interface Route {
  path: string;
  parts: string[];
  query: URLSearchParams;
}

function parse(): Route {
  const raw = location.hash.replace(/^#/, '') || '/';
  const [path = '/', search = ''] = raw.split('?', 2);
  return { path, parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(parse);
  useEffect(() => {
    const update = () => setRoute((now) => (sameAddress(now, parse()) ? now : parse()));
    addEventListener('hashchange', update);
    // Children's effects run before this one: a <Redirect> on the first render (opening `/`
    // while signed in) has already changed the address, and its event found no listener. Read
    // the address again now, or the page stays on the old route and renders nothing (issue 14).
    update();
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
}

function sameAddress(a: Route, b: Route): boolean {
  return a.path === b.path && a.query.toString() === b.query.toString();
}

export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  if (opts.replace) history.replaceState(null, '', `#${path}`);
  else location.hash = path;
  if (opts.replace) dispatchEvent(new HashChangeEvent('hashchange'));
}

/** Builds a hash link from path segments, escaping each. */
export function link(...segments: string[]): string {
  return `#/${segments.map(encodeURIComponent).join('/')}`;
}
