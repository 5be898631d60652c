import type { EventTypeDefinition } from './EventTypeDefinition.js';
import { deepFreeze } from './deepFreeze.js';
import { businessTypes } from './types/business.js';
import { clientTypes } from './types/clients.js';
import { communicationTypes } from './types/communication.js';
import { hooklineTypes } from './types/hookline.js';
import { invoicingTypes } from './types/invoicing.js';
import { paymentTypes } from './types/payments.js';
import { schedulingTypes } from './types/scheduling.js';
import { staffTypes } from './types/staff.js';
import { subscriptionTypes } from './types/subscriptions.js';

/**
 * Every event type Hookline knows out of the box, sorted by name. The names are the canonical
 * `entity/action` list drawn from the five seed platforms (see docs/catalog.md); frozen because
 * each catalogue instance shares these objects.
 */
export const builtinEventTypes: readonly EventTypeDefinition[] = deepFreeze(
  [
    ...clientTypes,
    ...subscriptionTypes,
    ...invoicingTypes,
    ...paymentTypes,
    ...schedulingTypes,
    ...businessTypes,
    ...staffTypes,
    ...communicationTypes,
    ...hooklineTypes,
  ].sort((a, b) => (a.type < b.type ? -1 : a.type > b.type ? 1 : 0)),
);
