import type { EventTypeDefinition } from '../EventTypeDefinition.js';
import { objectSchema } from '../schemas/common.js';
import { checkInFields, clientFields, clientStatusFields } from '../schemas/canonicalFields.js';
import { permissiveType } from './permissiveType.js';

/**
 * Opus1, Upodi, Hapana, WellnessLiving and vcita all announce new and changed clients. The
 * canonical schema names each field once (Opus1's documented client plus what the others
 * carry), nothing required; each dialect translates it to its platform's names.
 */
const clientProfileSchema = objectSchema(clientFields);

export const clientTypes: EventTypeDefinition[] = [
  {
    type: 'client/created',
    description: 'Fires when a new client (or lead) record is added to the business, by staff, by online sign-up or by import.',
    schema: clientProfileSchema,
    example: {
      business: 'harbour-yoga',
      id: 48213,
      first_name: 'Maya',
      middle_name: 'J',
      last_name: 'Okafor',
      email: 'maya.okafor@example.com',
      status: 'active',
      tags: ['intro-offer', 'newsletter'],
      new_member_at: '2025-03-02T09:15:00Z',
      primary_phone: '+1 415 555 0142',
      street: '12 Pier Road',
      zip_code: '94107',
      city: 'San Francisco',
      state: 'CA',
      country: 'US',
      birthdate: '1991-07-19',
      location_id: 31,
      created_at: '2025-03-02T09:14:07Z',
      lead_source: 'website',
    },
  },
  {
    type: 'client/updated',
    description: 'Fires after any stored detail of an existing client changes, such as contact data, status or tags.',
    schema: clientProfileSchema,
    example: {
      business: 'harbour-yoga',
      id: 48213,
      first_name: 'Maya',
      last_name: 'Okafor-Reyes',
      email: 'maya.reyes@example.com',
      status: 'active',
      tags: ['member'],
      new_member_at: '2025-03-02T09:15:00Z',
    },
  },
  {
    type: 'client/deleted',
    description: 'Fires once a client record has been removed; the payload identifies which one.',
    schema: clientProfileSchema,
    example: { id: '0ea627de-158e-48b1-bcbb-7fe6058d191c' },
  },
  {
    type: 'client/status_changed',
    description: "Fires when a client's membership standing moves, for example from an intro offer to an active package or to suspended.",
    schema: objectSchema(clientStatusFields),
    example: {
      id: 771204,
      location_id: 31,
      first_name: 'Tom',
      last_name: 'Brandt',
      email: 'tom.brandt@example.com',
      primary_phone: '+44 20 7946 0321',
      membership_status: 'active_package',
      active_packages: [{ package_id: 5520, package_name: 'Unlimited Monthly', package_category: 'Membership' }],
    },
  },
  {
    type: 'client/checked_in',
    description: 'Fires when a client is checked in at the door or for a session, whether the check-in was accepted or refused.',
    schema: objectSchema(checkInFields),
    example: {
      id: 'chk_90817_771204',
      client_id: 771204,
      location_id: 31,
      checked_in_at: '2025-04-14T06:58:12Z',
      first_name: 'Tom',
      last_name: 'Brandt',
      email: 'tom.brandt@example.com',
      barcode_id: '000771204',
      package_id: 5520,
      package_name: 'Unlimited Monthly',
      check_in_status: 'valid',
      check_in_message: 'Enjoy your class',
      session_id: 90817,
      session_type: 'class',
      session_name: 'Sunrise HIIT',
      session_start_at: '2025-04-14T07:00:00Z',
      session_instructor: 'Ana Ruiz',
    },
  },
  permissiveType(
    'matter/delete',
    'Fires when a matter (a case or engagement kept for a client) is moved to the trash.',
    { id: 'mt_8c1f0a', client_id: 'cl_52e9d1', title: 'Kitchen remodel' },
  ),
  permissiveType(
    'matter/recover',
    'Fires when a previously deleted matter is brought back from the trash.',
    { id: 'mt_8c1f0a', client_id: 'cl_52e9d1', title: 'Kitchen remodel' },
  ),
  permissiveType(
    'tag/add',
    'Fires when a tag is attached to a client record.',
    { id: 'tg_19ab', client_id: 'cl_52e9d1', tag: 'vip' },
  ),
  permissiveType(
    'tag/delete',
    'Fires when a tag is taken off a client record.',
    { id: 'tg_19ab', client_id: 'cl_52e9d1', tag: 'vip' },
  ),
];
