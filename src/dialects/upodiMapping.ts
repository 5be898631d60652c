import type { FieldRule, MappingTable } from './fieldMapping.js';

/*
 * Upodi's envelope parts that come from `data` (document 001): `Issuer.Identifier` is the
 * resource's id as a string, and `Data` the resource as a Upodi object. 001 shows only
 * "payload is id" (`Data` null) and publishes no object fields, so `Data` holds the fields a
 * .NET receiver of Upodi's API would look for, PascalCase, and is null when none is present.
 */

const text = (field: string, ...from: string[]): FieldRule => ({ field, from, as: 'string' });
const same = (field: string, ...from: string[]): FieldRule => ({ field, from, as: 'same' });

// 001's Url ends in the id; without one the receiver gets an explicit null rather than no field.
const identifier: FieldRule = { ...text('Issuer.Identifier', 'id'), absent: 'null' };

const customer: readonly FieldRule[] = [
  identifier,
  same('Data.FirstName', 'first_name'),
  same('Data.LastName', 'last_name'),
  same('Data.Email', 'email'),
  same('Data.Phone', 'primary_phone'),
  same('Data.Status', 'status'),
];

const subscription: readonly FieldRule[] = [
  identifier,
  text('Data.CustomerId', 'client_id'),
  same('Data.Status', 'status'),
  same('Data.StartDate', 'start_at'),
  same('Data.EndDate', 'end_at'),
];

const invoice: readonly FieldRule[] = [
  identifier,
  text('Data.CustomerId', 'client_id'),
  same('Data.Number', 'number'),
  same('Data.Status', 'status'),
  same('Data.Total', 'total'),
  same('Data.AmountPaid', 'amount_paid'),
  same('Data.Currency', 'currency'),
];

const transaction: readonly FieldRule[] = [
  identifier,
  text('Data.CustomerId', 'client_id'),
  same('Data.Status', 'status'),
  same('Data.Amount', 'amount'),
  same('Data.Currency', 'currency'),
];

const each = (types: string[], rules: readonly FieldRule[]): [string, readonly FieldRule[]][] => types.map((t) => [t, rules]);

export const upodiMapping: MappingTable = Object.fromEntries([
  ...each(['client/created', 'client/updated', 'client/deleted'], customer),
  ...each(
    ['created', 'updated', 'deleted', 'cancelled', 'activated', 'renewing', 'renewed', 'ended', 'on_hold', 'expired'].map((a) => `subscription/${a}`),
    subscription,
  ),
  ...each(['invoice/created', 'invoice/updated', 'invoice/deleted', 'invoice/paid'], invoice),
  ...each(['transaction/created'], transaction),
]);
