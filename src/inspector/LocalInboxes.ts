import type { IncomingHttpHeaders } from 'node:http';
import type { Store, WebhookRow } from '../store/Store.js';
import { checkSignature } from './checkSignature.js';
import { INBOX_LIMITS, InboxStore, type Inbox, type InboxRequest } from './InboxStore.js';

/** One request as it reaches an inbox, over HTTP or handed over in-process. */
export interface ArrivingRequest {
  method: string;
  /** Path and query, as received. */
  path: string;
  /** Name/value pairs in their original case and order. */
  headers: [string, string][];
  body: Buffer;
}

/** An inbox path exactly: `/inbox/<id>`, no more segments, an optional query. */
const INBOX_PATH = /^\/inbox\/([A-Za-z0-9_-]{1,64})$/;

/**
 * This server's test inboxes, and how to recognise their URLs. The dispatcher hands a request
 * for one of them straight to `receive` (LocalInboxTransport), so the Inspector works on the
 * default configuration: its inboxes sit on this server's own, usually loopback, address,
 * which the SSRF guard rightly refuses (issue 14). Recognition is by this server's own origins
 * (from its configuration and listening address, never from a request's Host header) and the
 * inbox path only, so it opens no route to any other address, port or path.
 */
export class LocalInboxes {
  readonly store = new InboxStore();
  private ownOrigins: ReadonlySet<string> = new Set();

  constructor(private readonly db: Pick<Store, 'webhooksOfBusiness'>) {}

  /** Called once the server listens: the origins its inbox URLs are built from. */
  setOwnOrigins(origins: Iterable<string>): void {
    this.ownOrigins = new Set([...origins].map((o) => new URL(o).origin));
  }

  /** The inbox id when `url` is one of this server's inbox URLs, else null. */
  inboxIdOf(url: string): string | null {
    // Every attempt asks: most URLs are no inbox, and a substring test is far cheaper than parsing.
    if (this.ownOrigins.size === 0 || !url.includes('/inbox/')) return null;
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      return null;
    }
    if (parsed.username || parsed.password || !this.ownOrigins.has(parsed.origin)) return null;
    return INBOX_PATH.exec(parsed.pathname)?.[1] ?? null;
  }

  /** Records a request to inbox `id`; null when there is no such inbox. */
  async receive(id: string, req: ArrivingRequest, now = Date.now()): Promise<InboxRequest | null> {
    const inbox = this.store.get(id);
    if (!inbox) return null;
    const candidates = await this.linkedWebhooks(inbox);
    const byName: IncomingHttpHeaders = {};
    for (const [name, value] of req.headers) byName[name.toLowerCase()] ??= value;
    return this.store.record(inbox, {
      received_at: now,
      method: req.method,
      path: req.path,
      headers: req.headers.slice(0, INBOX_LIMITS.headers),
      body: keptBody(req.body),
      body_bytes: req.body.length,
      body_truncated: req.body.length > INBOX_LIMITS.bodyBytes,
      signature: checkSignature(req.body, byName, candidates, now),
    });
  }

  /** The inbox's own webhook first, then every webhook of the business whose URL points here. */
  private async linkedWebhooks(inbox: Inbox): Promise<WebhookRow[]> {
    const path = `/inbox/${inbox.id}`;
    const all = await this.db.webhooksOfBusiness(inbox.business_id);
    const pointing = all.filter((w) => w.id === inbox.webhook_id || pathOf(w.url) === path);
    return pointing.sort((a, b) => Number(b.id === inbox.webhook_id) - Number(a.id === inbox.webhook_id));
  }
}

/**
 * The origins this server's inbox URLs are built from: HOOKLINE_PUBLIC_URL when set, and the
 * address it listens on. A server on a loopback or wildcard address is also reached as
 * `localhost`, `127.0.0.1` and `[::1]` on its port, which is where a dashboard opened on this
 * machine puts its inbox URLs.
 */
export function ownOrigins(listening: string, publicUrl: string | null): string[] {
  const out = [listening];
  if (publicUrl) out.push(publicUrl);
  const url = new URL(listening);
  const host = url.hostname.replace(/^\[|\]$/g, '');
  if (['127.0.0.1', 'localhost', '::1', '0.0.0.0', '::'].includes(host)) {
    for (const alias of ['localhost', '127.0.0.1', '[::1]']) out.push(`${url.protocol}//${alias}:${url.port}`);
  }
  return out;
}

/** Bodies are cut at a character boundary so the kept text stays valid UTF-8. */
function keptBody(raw: Buffer): string {
  return new TextDecoder().decode(raw.subarray(0, INBOX_LIMITS.bodyBytes)).replace(/\uFFFD$/, '');
}

function pathOf(url: string): string | null {
  try {
    return new URL(url).pathname;
  } catch {
    return null;
  }
}
