import dns from 'node:dns';
import type { LookupAddress, LookupOptions } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { formatIPv4, parseIPv4, parseIPv6 } from './parseIpAddress.js';

/**
 * Server-side request forgery guard. A webhook URL is chosen by a tenant, so without this a
 * tenant could make Hookline POST to the cloud metadata service, the database next door or
 * anything else on the operator's network. The decisive check runs on the address the socket
 * is about to connect to (see `guardedLookup`), because checking the name when the webhook is
 * saved proves nothing: DNS can answer differently a second later (DNS rebinding).
 */

export const BLOCKED_TARGET_CODE = 'HOOKLINE_BLOCKED_TARGET';

export class BlockedTargetError extends Error {
  readonly code = BLOCKED_TARGET_CODE;
  constructor(
    readonly hostname: string,
    readonly address: string,
    readonly reason: string,
  ) {
    super(`${hostname} resolves to ${address}, a ${reason} address; set HOOKLINE_ALLOW_PRIVATE_NETWORKS to allow it`);
    this.name = 'BlockedTargetError';
  }
}

// IANA IPv4 special-purpose registry, minus the ranges that are globally reachable.
// Order matters only where ranges nest (255.255.255.255 inside 240/4).
const ipv4Rules: ReadonlyArray<readonly [network: string, prefix: number, reason: string]> = [
  ['0.0.0.0', 8, 'unspecified'], // Linux connects 0.0.0.0 to the local host
  ['10.0.0.0', 8, 'private'],
  ['100.64.0.0', 10, 'cgnat'],
  ['127.0.0.0', 8, 'loopback'],
  ['169.254.0.0', 16, 'link-local'], // cloud metadata lives at 169.254.169.254
  ['172.16.0.0', 12, 'private'],
  ['192.0.0.0', 24, 'reserved'],
  ['192.0.2.0', 24, 'documentation'],
  ['192.88.99.0', 24, 'reserved'], // deprecated 6to4 relay anycast
  ['192.168.0.0', 16, 'private'],
  ['198.18.0.0', 15, 'reserved'], // benchmarking
  ['198.51.100.0', 24, 'documentation'],
  ['203.0.113.0', 24, 'documentation'],
  ['224.0.0.0', 4, 'multicast'],
  ['255.255.255.255', 32, 'broadcast'],
  ['240.0.0.0', 4, 'reserved'],
];

const ipv4Table = ipv4Rules.map(([network, prefix, reason]) => {
  const mask = prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
  return { network: parseIPv4(network)!, mask, reason };
});

function classifyIPv4(ip: number): string | null {
  for (const rule of ipv4Table) {
    if (((ip & rule.mask) >>> 0) === rule.network) return rule.reason;
  }
  return null;
}

function hasPrefix(groups: number[], prefix: readonly number[], bits: number): boolean {
  for (let i = 0; i * 16 < bits; i++) {
    const width = Math.min(16, bits - i * 16);
    const mask = (0xffff << (16 - width)) & 0xffff;
    if (((groups[i] ?? 0) & mask) !== ((prefix[i] ?? 0) & mask)) return false;
  }
  return true;
}

function embeddedIPv4(high: number | undefined, low: number | undefined): number {
  return ((high ?? 0) * 65536) + (low ?? 0);
}

function classifyIPv6(g: number[]): string | null {
  if (g.every((x) => x === 0)) return 'unspecified';
  if (hasPrefix(g, [0, 0, 0, 0, 0, 0, 0, 1], 128)) return 'loopback';
  // Addresses that carry an IPv4 address reach that IPv4 host, so they are only as safe as it.
  if (hasPrefix(g, [0, 0, 0, 0, 0, 0xffff], 96)) return prefixed('ipv4-mapped', embeddedIPv4(g[6], g[7]));
  if (hasPrefix(g, [0x64, 0xff9b, 0, 0, 0, 0], 96)) return prefixed('nat64', embeddedIPv4(g[6], g[7]));
  if (hasPrefix(g, [0x2002], 16)) return prefixed('6to4', embeddedIPv4(g[1], g[2]));
  if (hasPrefix(g, [0x64, 0xff9b, 1], 48)) return 'private'; // local-use NAT64 (RFC 8215)
  if (hasPrefix(g, [0xfc00], 7)) return 'unique-local';
  if (hasPrefix(g, [0xfe80], 10)) return 'link-local';
  if (hasPrefix(g, [0xfec0], 10)) return 'site-local';
  if (hasPrefix(g, [0xff00], 8)) return 'multicast';
  // Only 2000::/3 is allocated as global unicast. Allowing the known-public instead of
  // blocking the known-private means a range IANA assigns later starts out refused.
  if (!hasPrefix(g, [0x2000], 3)) return 'reserved'; // includes 100::/64 (discard) and ::/96
  if (hasPrefix(g, [0x2001, 0x0db8], 32)) return 'documentation';
  if (hasPrefix(g, [0x3fff], 20)) return 'documentation'; // RFC 9637
  if (hasPrefix(g, [0x2001, 0], 32)) return 'reserved'; // Teredo: the IPv4 inside is obfuscated
  if (hasPrefix(g, [0x2001, 2, 0], 48)) return 'reserved'; // benchmarking
  if (hasPrefix(g, [0x2001, 0x10], 28)) return 'reserved'; // ORCHID
  if (hasPrefix(g, [0x2001, 0x20], 28)) return 'reserved'; // ORCHIDv2
  return null;
}

function prefixed(kind: string, ipv4: number): string | null {
  const reason = classifyIPv4(ipv4);
  return reason === null ? null : `${kind} ${reason} (${formatIPv4(ipv4)})`;
}

/**
 * Why `ip` must not be connected to ('loopback', 'private', 'ipv4-mapped loopback (127.0.0.1)',
 * …), or null when it is public. Text that is not an IP address answers 'invalid': the guard
 * fails closed.
 */
export function isForbiddenAddress(ip: string): string | null {
  if (ip.includes(':')) {
    const groups = parseIPv6(ip);
    return groups === null ? 'invalid' : classifyIPv6(groups);
  }
  const v4 = parseIPv4(ip);
  return v4 === null ? 'invalid' : classifyIPv4(v4);
}

/** HOOKLINE_ALLOW_PRIVATE_NETWORKS: private, loopback and link-local targets are allowed (development and tests only). */
export interface TargetPolicy {
  allowPrivateNetworks: boolean;
}

/**
 * A `dns.lookup` replacement for the `lookup` option of `net.connect`/`tls.connect`. The
 * socket connects to exactly the address this callback hands back, so checking here pins the
 * checked address to the connection: there is no second resolution an attacker could rebind.
 * Every address of the answer is checked, even when only one is used, so a name cannot mix a
 * public record with a private one and win on ordering or on Happy Eyeballs fallback.
 */
export function guardedLookup({ allowPrivateNetworks }: TargetPolicy): LookupFunction {
  if (allowPrivateNetworks) return dns.lookup as unknown as LookupFunction;
  return function lookup(hostname, options, callback) {
    // Node's sockets always pass an options object; accept the shorter dns.lookup forms too.
    let opts: LookupOptions = options;
    let cb = callback;
    if (typeof options === 'function') {
      cb = options;
      opts = {};
    } else if (typeof options === 'number') {
      opts = { family: options };
    }
    dns.lookup(hostname, { ...opts, all: true }, (err, addresses: LookupAddress[]) => {
      if (err) return cb(err, '');
      for (const entry of addresses) {
        const reason = isForbiddenAddress(entry.address);
        if (reason !== null) return cb(new BlockedTargetError(hostname, entry.address, reason), '');
      }
      if (opts.all) return cb(null, addresses);
      const first = addresses[0];
      if (first === undefined) return cb(Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' }), '');
      cb(null, first.address, first.family);
    });
  };
}

export const MAX_URL_LENGTH = 2048;

export type TargetCheck =
  | { ok: true; url: URL }
  /** `code` tells the API which error to raise: INVALID_URL or BLOCKED_TARGET. */
  | { ok: false; reason: string; code: 'invalid_url' | 'blocked_target' };

/**
 * The static checks for a webhook URL when it is created or changed. Host names are not
 * resolved here (that answer could change before the first delivery); the point is to refuse
 * early what can never be delivered, with a message that says why.
 */
export function checkTargetUrl(url: string, { allowPrivateNetworks }: TargetPolicy): TargetCheck {
  const invalid = (reason: string): TargetCheck => ({ ok: false, reason, code: 'invalid_url' });
  if (url.length > MAX_URL_LENGTH) return invalid(`the URL is longer than ${MAX_URL_LENGTH} characters`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return invalid('the URL cannot be parsed; give an absolute http:// or https:// URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return invalid(`the scheme must be http or https, not ${parsed.protocol.slice(0, -1)}`);
  }
  // Credentials in a URL end up in logs and the dashboard; custom headers are the place for them.
  if (parsed.username !== '' || parsed.password !== '') {
    return invalid('the URL must not contain credentials (user:pass@); send them in a custom header');
  }
  if (parsed.hostname === '') return invalid('the URL has no host');
  if (allowPrivateNetworks) return { ok: true, url: parsed };

  const reason = ipLiteralReason(parsed.hostname) ?? localhostReason(parsed.hostname);
  if (reason !== null) {
    return { ok: false, reason: `the host ${parsed.hostname} is a ${reason} address`, code: 'blocked_target' };
  }
  return { ok: true, url: parsed };
}

/**
 * The forbidden reason for an IP-literal host as `URL.hostname` spells it (IPv6 in brackets);
 * null for a public literal or for a name. Sockets skip `lookup` for literals, so the sender
 * must ask this before connecting.
 */
export function ipLiteralReason(hostname: string): string | null {
  if (hostname.startsWith('[') && hostname.endsWith(']')) return isForbiddenAddress(hostname.slice(1, -1));
  if (parseIPv4(hostname) !== null) return isForbiddenAddress(hostname);
  return null;
}

// RFC 6761 pins these names to loopback, so refusing them when the webhook is saved gives a
// clear error instead of attempts that all fail with blocked_target.
function localhostReason(hostname: string): string | null {
  const name = hostname.endsWith('.') ? hostname.slice(0, -1) : hostname;
  return name === 'localhost' || name.endsWith('.localhost') ? 'loopback' : null;
}
