import { randomBytes } from 'node:crypto';

/** The signature check of one received request, made when it arrived. */
export type SignatureCheck =
  | { status: 'verified'; dialect: string; webhook_id: string; webhook_name: string; note: string | null }
  | { status: 'failed'; dialect: string | null; webhook_id: string | null; reason: string }
  | { status: 'no_webhook'; reason: string };

export interface InboxRequest {
  /** 1, 2, 3, … within the inbox; clients poll with `after` = the last one they have. */
  seq: number;
  received_at: number;
  method: string;
  /** Path and query as received. */
  path: string;
  headers: [string, string][];
  body: string;
  body_bytes: number;
  body_truncated: boolean;
  signature: SignatureCheck;
}

export interface Inbox {
  id: string;
  business_id: string;
  /** A webhook whose secret and dialect check this inbox's requests; else any webhook pointing here. */
  webhook_id: string | null;
  created_at: number;
  last_request_at: number | null;
  requests: InboxRequest[];
  next_seq: number;
  /** Requests evicted because the inbox was full. */
  dropped: number;
  /** Body bytes kept in `requests`. */
  bytes: number;
}

/** The bounds, documented in docs/ui.md. */
export const INBOX_LIMITS = Object.freeze({
  /** Inboxes kept across all businesses; the least recently used goes first. */
  inboxes: 100,
  /** Inboxes one business keeps, so one business cannot push out everyone else's. */
  perBusiness: 10,
  /** Requests kept per inbox; the oldest goes first. */
  requestsPerInbox: 200,
  /** Bytes of each body kept; the rest is cut (the signature is checked on the whole body). */
  bodyBytes: 64 * 1024,
  /** Body bytes kept per inbox; the oldest requests go first. */
  bytesPerInbox: 1024 * 1024,
  /** Header pairs kept per request. */
  headers: 100,
});

/**
 * Test inboxes live in this process's memory only: they are a debugging aid, not a log, so
 * they need no migration and disappear on restart. They are bounded so that a chatty or
 * hostile sender cannot grow the process: at most 100 inboxes (10 per business) × 1 MiB of
 * bodies. Several
 * processes behind one address each have their own inboxes.
 */
export class InboxStore {
  // A Map keeps insertion order, so re-inserting on use makes it an LRU.
  private readonly inboxes = new Map<string, Inbox>();

  create(businessId: string, webhookId: string | null, now: number): Inbox {
    const inbox: Inbox = {
      id: `inb_${randomBytes(16).toString('base64url')}`,
      business_id: businessId,
      webhook_id: webhookId,
      created_at: now,
      last_request_at: null,
      requests: [],
      next_seq: 1,
      dropped: 0,
      bytes: 0,
    };
    const own = [...this.inboxes.values()].filter((i) => i.business_id === businessId);
    // Map order is least recently used first, so the business's first ones are its stalest.
    for (const old of own.slice(0, Math.max(0, own.length - INBOX_LIMITS.perBusiness + 1))) this.inboxes.delete(old.id);
    this.inboxes.set(inbox.id, inbox);
    while (this.inboxes.size > INBOX_LIMITS.inboxes) this.inboxes.delete(this.inboxes.keys().next().value!);
    return inbox;
  }

  /** The inbox, whoever asks: the public receiving route knows only the id. */
  get(id: string): Inbox | undefined {
    return this.inboxes.get(id);
  }

  /** The inbox if it belongs to the business; otherwise it does not exist for this caller. */
  getOf(businessId: string, id: string): Inbox | undefined {
    const inbox = this.inboxes.get(id);
    return inbox?.business_id === businessId ? inbox : undefined;
  }

  listOf(businessId: string): Inbox[] {
    return [...this.inboxes.values()].filter((i) => i.business_id === businessId).sort((a, b) => b.created_at - a.created_at);
  }

  delete(businessId: string, id: string): boolean {
    return this.getOf(businessId, id) !== undefined && this.inboxes.delete(id);
  }

  record(inbox: Inbox, request: Omit<InboxRequest, 'seq'>): InboxRequest {
    const stored: InboxRequest = { ...request, seq: inbox.next_seq++ };
    inbox.requests.push(stored);
    inbox.bytes += stored.body.length;
    while (inbox.requests.length > INBOX_LIMITS.requestsPerInbox || (inbox.bytes > INBOX_LIMITS.bytesPerInbox && inbox.requests.length > 1)) {
      inbox.bytes -= inbox.requests.shift()!.body.length;
      inbox.dropped++;
    }
    inbox.last_request_at = request.received_at;
    this.inboxes.delete(inbox.id);
    this.inboxes.set(inbox.id, inbox);
    return stored;
  }
}
