import type { EventTypeDefinition } from '../EventTypeDefinition.js';
import { permissiveType } from './permissiveType.js';

const meeting = {
  id: 'mtg_6b0e2f',
  client_id: 'cl_52e9d1',
  staff_id: 'st_0a91',
  service_id: 'sv_12',
  start_time: '2025-05-06T15:00:00Z',
  duration: 60,
};

/**
 * Appointments (vcita "meeting", WellnessLiving "appointment"), classes and events. The
 * appointment topics of WellnessLiving map to `meeting/*` because vcita treats the two names
 * as aliases and its spelling is the canonical one.
 */
export const schedulingTypes: EventTypeDefinition[] = [
  permissiveType(
    'meeting/created',
    'Fires when an appointment is booked, by the client online or by staff.',
    meeting,
  ),
  permissiveType(
    'meeting/updated',
    'Fires after any detail of a booked appointment changes, such as its time, staff or service.',
    meeting,
  ),
  permissiveType(
    'meeting/requested',
    'Fires when a client asks for an appointment that still needs the business to confirm it.',
    { ...meeting, state: 'pending' },
  ),
  permissiveType(
    'meeting/scheduled',
    'Fires when an appointment is confirmed and placed on the calendar.',
    { ...meeting, state: 'scheduled' },
  ),
  permissiveType(
    'meeting/rescheduled',
    'Fires when a booked appointment is moved to a different time.',
    { ...meeting, previous_start_time: '2025-05-05T15:00:00Z' },
  ),
  permissiveType(
    'meeting/cancelled',
    'Fires when a booked appointment is called off by the client or the business.',
    { ...meeting, cancelled_by: 'client' },
  ),
  permissiveType(
    'meeting/completed',
    'Fires when an appointment has taken place and is marked done.',
    { ...meeting, state: 'completed' },
  ),
  permissiveType(
    'meeting/no_show',
    'Fires when staff mark that the client did not turn up for an appointment.',
    { ...meeting, state: 'no_show' },
  ),
  permissiveType(
    'meeting/reminder_sent',
    'Fires when the automatic reminder for an upcoming appointment goes out to the client.',
    { ...meeting, channel: 'sms' },
  ),
  permissiveType(
    'class/created',
    'Fires when a class is added to the schedule.',
    { id: '50318', name: 'Vinyasa Flow', location_id: '2114', staff_id: '8802', start: '2025-05-07T18:00:00Z' },
  ),
  permissiveType(
    'class/updated',
    'Fires after a scheduled class changes, for example its time, room or instructor.',
    { id: '50318', name: 'Vinyasa Flow', location_id: '2114', staff_id: '8811', start: '2025-05-07T18:30:00Z' },
  ),
  permissiveType(
    'event/created',
    'Fires when the business publishes a new group event, such as a workshop or retreat.',
    { id: 'ev_311', title: 'Spring workshop', start_time: '2025-05-20T17:00:00Z', capacity: 20 },
  ),
  permissiveType(
    'event/updated',
    'Fires after the details of a group event change, such as its date, capacity or price.',
    { id: 'ev_311', title: 'Spring workshop', start_time: '2025-05-21T17:00:00Z', capacity: 25 },
  ),
  permissiveType(
    'event_attendance/created',
    'Fires when a client registers for a group event.',
    { id: 'ea_9001', event_id: 'ev_311', client_id: 'cl_52e9d1', status: 'registered' },
  ),
  permissiveType(
    'event_attendance/updated',
    "Fires when a client's registration for a group event changes, such as attending or cancelling.",
    { id: 'ea_9001', event_id: 'ev_311', client_id: 'cl_52e9d1', status: 'attended' },
  ),
];
