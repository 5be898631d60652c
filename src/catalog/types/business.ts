import type { EventTypeDefinition } from '../EventTypeDefinition.js';
import { permissiveType } from './permissiveType.js';

const business = { id: 'harbour-yoga', name: 'Harbour Yoga', time_zone: 'America/Los_Angeles' };

/** The business account itself, its locations, services, settings, imports and installed apps. */
export const businessTypes: EventTypeDefinition[] = [
  permissiveType(
    'business/created',
    'Fires when a new business account is opened on the platform.',
    business,
  ),
  permissiveType(
    'business/updated',
    "Fires after the business's profile, policies or settings are edited.",
    business,
  ),
  permissiveType(
    'business/closed',
    'Fires when a business account is shut down and stops operating on the platform.',
    { ...business, closed_reason: 'owner_request' },
  ),
  permissiveType(
    'business/deleted',
    'Fires when a business account and its data are removed from the platform.',
    { id: 'harbour-yoga' },
  ),
  permissiveType(
    'business/promotional_blocked',
    'Fires when a business is barred from sending promotional messages to its clients.',
    { ...business, reason: 'spam_complaints' },
  ),
  permissiveType(
    'location/created',
    'Fires when the business opens a new location.',
    { id: '2114', name: 'Downtown Studio', address: '12 Pier Road', city: 'San Francisco' },
  ),
  permissiveType(
    'location/updated',
    "Fires after a location's address, contact details or opening hours change.",
    { id: '2114', name: 'Downtown Studio', phone: '+1 415 555 0100' },
  ),
  permissiveType(
    'service/updated',
    'Fires after one of the services the business offers is edited, such as its price or duration.',
    { id: 'sv_12', name: 'Private session', duration: 60, price: 95, currency: 'USD' },
  ),
  permissiveType(
    'pivot/updated',
    'Fires when a link record joining two other records (vcita calls it a pivot) is changed.',
    { id: 'pv_44', source: 'client', source_id: 'cl_52e9d1', target: 'staff', target_id: 'st_0a91' },
  ),
  permissiveType(
    'bulk_import/done',
    'Fires when a bulk import of records, such as a client list, has finished processing.',
    { id: 'imp_2207', entity: 'client', imported: 412, failed: 3 },
  ),
  permissiveType(
    'business_rules_bulk_import/completed',
    'Fires when a bulk upload of business rules and settings has finished processing.',
    { id: 'bri_118', imported: 27, failed: 0 },
  ),
  permissiveType(
    'application/installed',
    'Fires when the business adds a third-party app to its account.',
    { id: 'app_77', name: 'Zoom', installed_by: 'st_0a91' },
  ),
  permissiveType(
    'application/uninstalled',
    'Fires when the business removes a third-party app from its account.',
    { id: 'app_77', name: 'Zoom' },
  ),
  permissiveType(
    'app_subscription/installed',
    'Fires when the business starts a paid subscription to an app from the marketplace.',
    { id: 'aps_31', app_id: 'app_77', plan: 'pro' },
  ),
  permissiveType(
    'app_subscription/uninstalled',
    'Fires when the business ends its subscription to a marketplace app.',
    { id: 'aps_31', app_id: 'app_77', plan: 'pro' },
  ),
];
