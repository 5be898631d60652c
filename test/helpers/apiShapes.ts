import type { Static } from '@sinclair/typebox';
import type * as schemas from '../../src/api/schemas.js';

/**
 * What the v1 API answers, typed from the schemas that serialise it (src/api/schemas.ts), so a
 * test that reads a field the API does not have fails to compile. A test names the shape it
 * expects per call: `hl.api<ApiWebhook>('POST', …)`.
 */

export type ApiBusiness = Static<typeof schemas.Business>;
export type ApiWebhook = Static<typeof schemas.Webhook>;
export type ApiAttempt = Static<typeof schemas.Attempt>;
/** A delivery as the log lists it. */
export type ApiDelivery = Omit<Static<typeof schemas.Delivery>, 'attempts'>;
/** One delivery read by id: always with its attempts. */
export type ApiDeliveryDetail = ApiDelivery & { attempts: ApiAttempt[] };
/** An event; `duplicate` is set on a publish that repeated a stored id. */
export type ApiEvent = Omit<Static<typeof schemas.Event>, 'data'> & { data: unknown; duplicate?: boolean };
/** What "send test event" answers: the event and the one delivery it made. */
export type ApiTestEvent = ApiEvent & { delivery: ApiDelivery };
export type ApiProblem = Static<typeof schemas.Problem>;

/** One page of a list: `next_cursor` is null on the last. */
export interface ApiPage<T> {
  data: T[];
  next_cursor: string | null;
}
