import { createHash } from 'node:crypto';

/** 100-ns ticks between 1601-01-01 (the Windows FILETIME epoch) and 1970-01-01 UTC. */
const FILETIME_UNIX_EPOCH = 116_444_736_000_000_000n;

/**
 * Windows FILETIME for a time in ms: Upodi's `Time` (001's 131516890300860922 is
 * 2017-10-05 14:57:10 UTC). It passes 2^53, so it is a BigInt and must be written into the
 * JSON text as digits: JSON.stringify of a Number would round the last digits away.
 */
export function toFiletime(ms: number): bigint {
  return BigInt(Math.trunc(ms)) * 10_000n + FILETIME_UNIX_EPOCH;
}

/** The RFC 4122 namespace Hookline's name-based Upodi ids live in (a fixed random UUID). */
const NAMESPACE = Buffer.from('6f1c2a7e5b3d4e8f9a0b1c2d3e4f5a6b', 'hex');

/**
 * A version-5 (SHA-1, name-based) UUID: the same name always gives the same GUID, so every
 * attempt of an event carries the same `ID` and receivers can drop repeats by it.
 */
export function uuidV5(name: string): string {
  const hash = createHash('sha1').update(NAMESPACE).update(name, 'utf8').digest();
  hash[6] = (hash[6]! & 0x0f) | 0x50;
  hash[8] = (hash[8]! & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
