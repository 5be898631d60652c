import { anyId, enumOf, looseText, text } from './common.js';
import type { JsonSchema } from '../EventTypeDefinition.js';

/*
 * Field sets from Hapana's six webhooks (seed 002; field lists from its public docs). Hapana
 * does not publish field types, so ids take integers or strings, amounts numbers or strings,
 * and times are strings whose format is described rather than enforced: refusing a real
 * Hapana-shaped event over a guessed format would be worse than accepting it.
 */

const hapanaTime = looseText('Date and time as Hapana sends it, ISO 8601 expected.');
/** Hapana lets each brand define extra client properties; their shape is the brand's. */
const customProperties: JsonSchema = { type: ['object', 'array'] };

const person = {
  clientID: anyId,
  siteID: anyId,
  firstName: text,
  lastName: text,
  email: text,
  phone: text,
} as const;

/** `accountCreated` and `clientUpdated`: the full client profile. */
export const hapanaClientProfileProperties = {
  ...person,
  joinDate: looseText('The day the client joined, as Hapana sends it.'),
  leadSource: text,
  gender: text,
  emergencyFirstName: text,
  emergencyLastName: text,
  emergencyEmail: text,
  emergencyPhone: text,
  barcodeID: anyId,
  address: { type: ['string', 'object'] },
  birthDate: looseText('Date of birth, as Hapana sends it.'),
  customProperties,
  profileImage: looseText('URL of the profile picture.'),
} as const;

const packageRef = {
  packageID: anyId,
  packageName: text,
  packageCategory: text,
} as const;

/** `clientStatusChange`. */
export const hapanaStatusChangeProperties = {
  ...person,
  status: enumOf(['introOffer', 'activePackage', 'suspendedMembership', 'inactive']),
  activePackages: {
    type: 'array',
    items: { type: 'object', properties: packageRef, additionalProperties: true },
  },
} as const;

/** `packagePurchased`. */
export const hapanaPackagePurchaseProperties = {
  clientID: anyId,
  siteID: anyId,
  firstName: text,
  lastName: text,
  email: text,
  ...packageRef,
  packageType: enumOf(['sessionpackage', 'membership']),
  amount: { type: ['number', 'string'], description: 'Price paid.' },
} as const;

/** `checkIn`. `SessionInstructor` is capitalised as Hapana spells it. */
export const hapanaCheckInProperties = {
  ...person,
  checkInTime: hapanaTime,
  barcode: text,
  fobNumber: text,
  packageName: text,
  packageID: anyId,
  checkInStatus: enumOf(['Valid', 'Invalid']),
  checkInMessage: text,
  sessionType: text,
  sessionName: text,
  sessionID: anyId,
  sessionStartTime: hapanaTime,
  SessionInstructor: text,
  customProperties,
} as const;

/** `outboundMessage`: an SMS or email Hapana sent to a client. */
export const hapanaOutboundMessageProperties = {
  clientID: anyId,
  siteID: anyId,
  email: text,
  messageId: anyId,
  communicationType: enumOf(['SMS', 'email']),
  message: text,
  phone: text,
  emailTo: text,
  emailFrom: text,
  subject: text,
} as const;
