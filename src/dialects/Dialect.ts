import type { EventRow, WebhookRow } from '../store/Store.js';
import type { MappingTable, Unrepresentable } from './fieldMapping.js';

/** What a dialect needs to know about the webhook it renders for. */
export type DialectWebhook = Pick<
  WebhookRow,
  'id' | 'business_id' | 'url' | 'secret' | 'previous_secret' | 'previous_secret_expires_at'
>;

export interface RenderInput {
  event: EventRow;
  webhook: DialectWebhook;
  deliveryId: string;
  /** 1 for the first attempt. */
  attemptNumber: number;
  /** The time of this attempt (ms). */
  now: number;
}

export interface RenderedRequest {
  body: string;
  /** Dialect headers; the sender adds Content-Type, User-Agent and the webhook's own headers. */
  headers: Record<string, string>;
}

/**
 * One wire format. The dispatcher knows dialects only through this interface: how a body and
 * its headers look, which status codes count as delivered, and how event names translate.
 */
export interface Dialect {
  readonly name: string;
  readonly description: string;
  /**
   * The request for one attempt. Total: for any `data` object it returns a request, or,
   * where a present value does not fit the platform's documented type, `Unrepresentable`
   * naming the field (that delivery fails at once). It never refuses a publish.
   */
  render(input: RenderInput): RenderedRequest | Unrepresentable;
  /**
   * The headers of `render` that depend on the body, computed over `body` instead: a
   * transformation's body is signed as it is sent (docs/transformations.md). Absent for a
   * dialect whose signature lives inside the body, which cannot carry a transformation.
   */
  sign?(input: RenderInput, body: string): Record<string, string>;
  isSuccess(statusCode: number): boolean;
  /** This dialect's name for a catalogue event type, or null when it cannot express it. */
  eventName(type: string): string | null;
  /** The catalogue type for one of this dialect's own event names, or null. */
  catalogType(name: string): string | null;
  /**
   * Every event name the dialect has, mapped to its catalogue type; null when the dialect
   * speaks the catalogue's own names and so can express any type, custom ones included.
   */
  readonly eventNames: ReadonlyMap<string, string> | null;
  /** Header names `render` sets (lowercase); a webhook's custom headers may not use them. */
  readonly headerNames: readonly string[];
  /**
   * How canonical `data` becomes this dialect's fields, per catalogue type (docs/dialects.md
   * prints it). Absent for a dialect that sends `data` as published.
   */
  readonly mapping?: MappingTable;
}

/** The secrets that sign right now: the current one, and the previous one until it expires. */
export function signingSecrets(webhook: DialectWebhook, now: number): string[] {
  const secrets = [webhook.secret];
  if (webhook.previous_secret && (webhook.previous_secret_expires_at ?? 0) > now) {
    secrets.push(webhook.previous_secret);
  }
  return secrets;
}
