import type { EventTypeDefinition } from '../EventTypeDefinition.js';
import { permissiveType } from './permissiveType.js';

const staff = { id: 'st_0a91', first_name: 'Ana', last_name: 'Ruiz', role: 'instructor' };

/** Staff members' lifecycle (vcita and WellnessLiving). */
export const staffTypes: EventTypeDefinition[] = [
  permissiveType(
    'staff/created',
    'Fires when a new staff member is added to the business.',
    staff,
  ),
  permissiveType(
    'staff/updated',
    "Fires after a staff member's profile, role or availability changes.",
    staff,
  ),
  permissiveType(
    'staff/deactivated',
    'Fires when a staff member is switched off, so they can no longer sign in or be booked.',
    { ...staff, active: false },
  ),
  permissiveType(
    'staff/reactivated',
    'Fires when a previously switched-off staff member is enabled again.',
    { ...staff, active: true },
  ),
  permissiveType(
    'staff/deleted',
    'Fires when a staff member is removed from the business for good.',
    { id: 'st_0a91' },
  ),
];
