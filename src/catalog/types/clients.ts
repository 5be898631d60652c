import type { EventTypeDefinition } from '../EventTypeDefinition.js';
import { anyId, objectSchema } from '../schemas/common.js';
import {
  hapanaCheckInProperties,
  hapanaClientProfileProperties,
  hapanaStatusChangeProperties,
} from '../schemas/hapana.js';
import { opus1ClientProperties } from '../schemas/opus1.js';
import { wellnessLivingClientProperties } from '../schemas/wellnessLiving.js';
import { permissiveType } from './permissiveType.js';

/**
 * Opus1, Upodi, Hapana, WellnessLiving and vcita all announce new and changed clients, each
 * with its own field names. The canonical schema is the union of them, nothing required, so
 * any one platform's payload passes; `id` takes integers (Opus1) and strings (Upodi, vcita).
 */
const clientProfileSchema = objectSchema({
  id: anyId,
  ...opus1ClientProperties,
  ...hapanaClientProfileProperties,
  ...wellnessLivingClientProperties,
});

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
  permissiveType(
    'client/deleted',
    'Fires once a client record has been removed; the payload identifies which one.',
    { id: '0ea627de-158e-48b1-bcbb-7fe6058d191c' },
  ),
  {
    type: 'client/status_changed',
    description: "Fires when a client's membership standing moves, for example from an intro offer to an active package or to suspended.",
    schema: objectSchema(hapanaStatusChangeProperties, ['clientID']),
    example: {
      clientID: 771204,
      siteID: 31,
      firstName: 'Tom',
      lastName: 'Brandt',
      email: 'tom.brandt@example.com',
      phone: '+44 20 7946 0321',
      status: 'activePackage',
      activePackages: [{ packageID: 5520, packageName: 'Unlimited Monthly', packageCategory: 'Membership' }],
    },
  },
  {
    type: 'client/checked_in',
    description: 'Fires when a client is checked in at the door or for a session, whether the check-in was accepted or refused.',
    schema: objectSchema(hapanaCheckInProperties, ['clientID']),
    example: {
      clientID: 771204,
      siteID: 31,
      checkInTime: '2025-04-14T06:58:12Z',
      firstName: 'Tom',
      lastName: 'Brandt',
      email: 'tom.brandt@example.com',
      barcode: '000771204',
      packageName: 'Unlimited Monthly',
      packageID: 5520,
      checkInStatus: 'Valid',
      checkInMessage: 'Enjoy your class',
      sessionType: 'class',
      sessionName: 'Sunrise HIIT',
      sessionID: 90817,
      sessionStartTime: '2025-04-14T07:00:00Z',
      SessionInstructor: 'Ana Ruiz',
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
