import type { FieldRule, MappingTable } from './fieldMapping.js';

/*
 * How canonical data becomes Hapana's payload fields (document 002, field lists from its
 * public docs). Hapana publishes no field types, so values go as published; only its value
 * sets are translated. `clientID` is the client's `id` on the client types (the client is the
 * resource) and `client_id` where the resource is something the client did.
 */

const same = (field: string, ...from: string[]): FieldRule => ({ field, from, as: 'same' });

/** The client as the resource: `client/created`, `client/updated`, `client/status_changed`. */
const clientAsResource: readonly FieldRule[] = [
  same('clientID', 'id'),
  same('siteID', 'location_id'),
  same('firstName', 'first_name'),
  same('lastName', 'last_name'),
  same('email', 'email'),
  same('phone', 'primary_phone'),
];

const profile: readonly FieldRule[] = [
  ...clientAsResource,
  same('joinDate', 'new_member_at', 'created_at'),
  same('leadSource', 'lead_source'),
  same('gender', 'gender'),
  same('emergencyFirstName', 'emergency_contact.first_name'),
  same('emergencyLastName', 'emergency_contact.last_name'),
  same('emergencyEmail', 'emergency_contact.email'),
  same('emergencyPhone', 'emergency_contact.phone'),
  same('barcodeID', 'barcode_id'),
  same('address.street', 'street'),
  same('address.city', 'city'),
  same('address.state', 'state'),
  same('address.zipCode', 'zip_code'),
  same('address.country', 'country'),
  same('birthDate', 'birthdate'),
  same('customProperties', 'custom_properties'),
  same('profileImage', 'profile_image_url'),
];

/** The client as the one who acted: `client_id` and the client's details beside it. */
const clientWhoActed: readonly FieldRule[] = [
  same('clientID', 'client_id'),
  same('siteID', 'location_id'),
  same('firstName', 'first_name'),
  same('lastName', 'last_name'),
  same('email', 'email'),
];

export const hapanaMapping: MappingTable = {
  'client/created': profile,
  'client/updated': profile,
  'client/status_changed': [
    ...clientAsResource,
    {
      field: 'status',
      from: ['membership_status'],
      as: 'same',
      values: { intro_offer: 'introOffer', active_package: 'activePackage', suspended_membership: 'suspendedMembership', inactive: 'inactive' },
    },
    {
      field: 'activePackages',
      from: ['active_packages'],
      as: 'same',
      items: [same('packageID', 'package_id'), same('packageName', 'package_name'), same('packageCategory', 'package_category')],
    },
  ],
  'package/purchased': [
    ...clientWhoActed,
    same('packageName', 'package_name'),
    { field: 'packageType', from: ['package_type'], as: 'same', values: { session_package: 'sessionpackage', membership: 'membership' } },
    same('packageCategory', 'package_category'),
    same('packageID', 'package_id'),
    same('amount', 'amount'),
  ],
  'client/checked_in': [
    ...clientWhoActed,
    same('phone', 'primary_phone'),
    same('checkInTime', 'checked_in_at'),
    same('barcode', 'barcode_id'),
    same('fobNumber', 'fob_number'),
    same('packageName', 'package_name'),
    same('packageID', 'package_id'),
    { field: 'checkInStatus', from: ['check_in_status'], as: 'same', values: { valid: 'Valid', invalid: 'Invalid' } },
    same('checkInMessage', 'check_in_message'),
    same('sessionType', 'session_type'),
    same('sessionName', 'session_name'),
    same('sessionID', 'session_id'),
    same('sessionStartTime', 'session_start_at'),
    same('SessionInstructor', 'session_instructor'),
    same('customProperties', 'custom_properties'),
  ],
  'message/sent': [
    same('clientID', 'client_id'),
    same('siteID', 'location_id'),
    same('email', 'email'),
    same('messageId', 'id'),
    { field: 'communicationType', from: ['channel'], as: 'same', values: { sms: 'SMS', email: 'email' } },
    same('message', 'message'),
    same('phone', 'primary_phone'),
    same('emailTo', 'email_to'),
    same('emailFrom', 'email_from'),
    same('subject', 'subject'),
  ],
};
