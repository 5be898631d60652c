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
    const update = () => setRoute(parse());
    addEventListener('hashchange', update);
    return () => removeEventListener('hashchange', update);
  }, []);
  return route;
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
