import assert from 'node:assert/strict';
import type { LookupAddress } from 'node:dns';
import net from 'node:net';
import { test } from 'node:test';
import { BLOCKED_TARGET_CODE, checkTargetUrl, guardedLookup, isForbiddenAddress } from '../src/dispatch/ssrfGuard.js';

const forbidden: Array<[string, string]> = [
  ['0.0.0.0', 'unspecified'],
  ['0.1.2.3', 'unspecified'],
  ['10.0.0.1', 'private'],
  ['10.255.255.255', 'private'],
  ['100.64.0.1', 'cgnat'],
  ['100.127.255.255', 'cgnat'],
  ['127.0.0.1', 'loopback'],
  ['127.255.255.254', 'loopback'],
  ['169.254.169.254', 'link-local'],
  ['172.16.0.1', 'private'],
  ['172.31.255.255', 'private'],
  ['192.0.0.8', 'reserved'],
  ['192.0.2.1', 'documentation'],
  ['192.88.99.1', 'reserved'],
  ['192.168.1.1', 'private'],
  ['198.18.0.1', 'reserved'],
  ['198.19.255.255', 'reserved'],
  ['198.51.100.7', 'documentation'],
  ['203.0.113.9', 'documentation'],
  ['224.0.0.1', 'multicast'],
  ['239.255.255.255', 'multicast'],
  ['240.0.0.1', 'reserved'],
  ['255.255.255.254', 'reserved'],
  ['255.255.255.255', 'broadcast'],
  ['::', 'unspecified'],
  ['::1', 'loopback'],
  ['0:0:0:0:0:0:0:1', 'loopback'],
  ['fc00::1', 'unique-local'],
  ['fd12:3456::1', 'unique-local'],
  ['fe80::1', 'link-local'],
  ['fe80::1%eth0', 'link-local'],
  ['febf::1', 'link-local'],
  ['fec0::1', 'site-local'],
  ['ff02::1', 'multicast'],
  ['2001:db8::1', 'documentation'],
  ['3fff::1', 'documentation'],
  ['100::1', 'reserved'],
  ['::ffff:127.0.0.1', 'ipv4-mapped loopback (127.0.0.1)'],
  ['::ffff:7f00:1', 'ipv4-mapped loopback (127.0.0.1)'],
  ['::FFFF:169.254.169.254', 'ipv4-mapped link-local (169.254.169.254)'],
  ['::ffff:10.1.2.3', 'ipv4-mapped private (10.1.2.3)'],
  ['64:ff9b::a9fe:a9fe', 'nat64 link-local (169.254.169.254)'],
  ['64:ff9b::127.0.0.1', 'nat64 loopback (127.0.0.1)'],
  ['64:ff9b:1::1', 'private'],
  ['2002:7f00:1::', '6to4 loopback (127.0.0.1)'],
  ['2001::1', 'reserved'], // Teredo
  ['::127.0.0.1', 'reserved'], // deprecated IPv4-compatible
  ['::ffff:0:7f00:1', 'reserved'], // SIIT, outside 2000::/3
  ['4000::1', 'reserved'], // unallocated
];

const publicAddresses = [
  '1.1.1.1', '8.8.8.8', '9.255.255.255', '11.0.0.0', '100.63.255.255', '100.128.0.0', '126.255.255.255',
  '128.0.0.1', '169.253.255.255', '172.15.255.255', '172.32.0.0', '192.0.1.1', '192.167.255.255',
  '192.169.0.0', '198.17.255.255', '198.20.0.0', '223.255.255.255', '2606:4700:4700::1111',
  '2a00:1450:4001:82b::200e', '::ffff:8.8.8.8', '64:ff9b::8.8.8.8', '2002:808:808::1', '2001:db9::1',
];

test('isForbiddenAddress names the reason for every special-purpose range', () => {
  for (const [ip, reason] of forbidden) assert.equal(isForbiddenAddress(ip), reason, ip);
});

test('isForbiddenAddress lets public addresses through, including at range edges', () => {
  for (const ip of publicAddresses) assert.equal(isForbiddenAddress(ip), null, ip);
});

test('isForbiddenAddress fails closed on text that is not an address', () => {
  for (const text of ['', 'localhost', '1.2.3', '1.2.3.4.5', '256.1.1.1', '01.2.3.4', '1.2.3.-4', ':::', '1::2::3', '12345::', 'g::1', '1:2:3:4:5:6:7:8:9', '1:2:3:4:5:6:7::8', '::ffff:1.2.3']) {
    assert.equal(isForbiddenAddress(text), 'invalid', JSON.stringify(text));
  }
});

function lookupAsync(allowPrivate: boolean, hostname: string, options: { all?: boolean; family?: number }): Promise<{ err: NodeJS.ErrnoException | null; address: string | LookupAddress[]; family?: number | undefined }> {
  return new Promise((resolve) => {
    guardedLookup({ allowPrivateNetworks: allowPrivate })(hostname, options, (err, address, family) => resolve({ err, address, family }));
  });
}

test('guardedLookup refuses a name that resolves to loopback, in both callback forms', async () => {
  for (const all of [false, true]) {
    const { err } = await lookupAsync(false, 'localhost', { all });
    assert.equal(err?.code, BLOCKED_TARGET_CODE);
    assert.match(err.message, /localhost resolves to .*loopback/);
  }
});

test('guardedLookup answers public addresses in the form the caller asked for', async () => {
  const one = await lookupAsync(false, '8.8.8.8', {});
  assert.deepEqual([one.err, one.address, one.family], [null, '8.8.8.8', 4]);
  const all = await lookupAsync(false, '8.8.8.8', { all: true });
  assert.deepEqual([all.err, all.address], [null, [{ address: '8.8.8.8', family: 4 }]]);
});

test('guardedLookup passes private addresses when private networks are allowed', async () => {
  const { err, address } = await lookupAsync(true, 'localhost', { family: 4 });
  assert.equal(err, null);
  assert.equal(address, '127.0.0.1');
});

test('guardedLookup stops a real net.connect before the connection is made', async (t) => {
  let connections = 0;
  const server = net.createServer((socket) => {
    connections++;
    socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const port = (server.address() as net.AddressInfo).port;

  // autoSelectFamily is Node 20's default; it calls lookup with { all: true }.
  for (const autoSelectFamily of [true, false]) {
    const err = await new Promise<NodeJS.ErrnoException>((resolve, reject) => {
      const socket = net.connect({ host: 'localhost', port, lookup: guardedLookup({ allowPrivateNetworks: false }), autoSelectFamily });
      socket.on('connect', () => reject(new Error('connected')));
      socket.on('error', resolve);
    });
    assert.equal(err.code, BLOCKED_TARGET_CODE);
  }
  assert.equal(connections, 0);
});

test('checkTargetUrl accepts http and https URLs with a host', () => {
  for (const url of ['https://hooks.example.com/in', 'http://example.com:8080/a?b=c', 'https://[2606:4700::1111]/x', 'https://8.8.8.8/']) {
    const result = checkTargetUrl(url, { allowPrivateNetworks: false });
    assert.ok(result.ok, url);
    assert.equal(result.url.href, new URL(url).href);
  }
});

test('checkTargetUrl rejects what can never be delivered, as invalid_url', () => {
  const cases: Array<[string, RegExp]> = [
    ['not a url', /cannot be parsed/],
    ['/relative/path', /cannot be parsed/],
    ['ftp://example.com/', /scheme must be http or https, not ftp/],
    ['javascript:alert(1)', /scheme/],
    ['file:///etc/passwd', /scheme/],
    ['https://user:pass@example.com/', /credentials/],
    ['https://user@example.com/', /credentials/],
    [`https://example.com/${'a'.repeat(2048)}`, /longer than 2048/],
  ];
  for (const [url, reason] of cases) {
    const result = checkTargetUrl(url, { allowPrivateNetworks: true });
    assert.equal(result.ok, false, url);
    if (!result.ok) {
      assert.equal(result.code, 'invalid_url', url);
      assert.match(result.reason, reason, url);
    }
  }
});

test('checkTargetUrl refuses forbidden IP literals and localhost names, as blocked_target', () => {
  const cases = [
    'http://127.0.0.1/', 'http://127.1/', 'http://2130706433/', 'http://0x7f000001/', 'http://0/',
    'http://169.254.169.254/latest/meta-data/', 'http://10.0.0.1:8080/', 'http://[::1]:3000/',
    'http://[::ffff:127.0.0.1]/', 'http://[fe80::1]/', 'http://localhost:8080/', 'http://LOCALHOST./',
    'http://api.localhost/', 'http://192.168.0.1./',
  ];
  for (const url of cases) {
    const result = checkTargetUrl(url, { allowPrivateNetworks: false });
    assert.equal(result.ok, false, url);
    if (!result.ok) assert.equal(result.code, 'blocked_target', url);
  }
});

test('checkTargetUrl allows private targets when private networks are allowed', () => {
  for (const url of ['http://127.0.0.1:8080/', 'http://localhost/', 'http://[::1]/']) assert.ok(checkTargetUrl(url, { allowPrivateNetworks: true }).ok, url);
});

test('checkTargetUrl leaves host names to connect time', () => {
  // A name is checked when it is resolved; it may point anywhere by then.
  assert.ok(checkTargetUrl('http://internal.corp.example/', { allowPrivateNetworks: false }).ok);
});
