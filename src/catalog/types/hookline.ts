import type { EventTypeDefinition } from '../EventTypeDefinition.js';
import { objectSchema, text } from '../schemas/common.js';

/** Hookline's own events. The `webhook` entity is reserved: custom types cannot use it. */
export const hooklineTypes: EventTypeDefinition[] = [
  {
    type: 'webhook/test',
    description: 'Sent to a single webhook when someone asks Hookline to test it, so the receiver can check it gets and verifies deliveries.',
    schema: objectSchema({ webhook_id: text, message: text }, ['webhook_id', 'message']),
    example: {
      webhook_id: 'wh_01JQ8ZK3V7R2M9XK4T6B5N0C1D',
      message: 'This is a test event from Hookline.',
    },
  },
];
