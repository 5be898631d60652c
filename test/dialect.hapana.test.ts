import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { verifyWebhook } from '../src/verify/index.js';
import { startDialectHarness } from './fixtures/dialectHarness.js';

/** A receiver following Hapana's rule: HMAC of "t.rawBody", and t no more than 5 minutes off. */
function checkHapanaSignature(secret: string, raw: string, header: string): boolean {
  const parts = header.split(',').map((p) => p.split('='));
  const t = Number(parts.find(([k]) => k === 't')![1]);
  if (Math.abs(Date.now() / 1000 - t) > 300) return false;
  const expected = Buffer.from(createHmac('sha256', secret).update(`${t}.${raw}`).digest('hex'));
  return parts.filter(([k]) => k === 'v1').some(([, v]) => v!.length === expected.length && timingSafeEqual(Buffer.from(v!), expected));
}

test('hapana: named by its six types, signed t=…,v1=…, a new X-Hapana-Delivery per attempt, the auth header passed on', async (t) => {
  let calls = 0;
  const h = await startDialectHarness(t, (_req, res) => {
    calls++;
    res.statusCode = calls === 1 ? 503 : 200;
    res.end();
  });
  const wh = await h.createWebhook({
    dialect: 'hapana',
    events: ['checkIn', 'accountCreated'],
    headers: { Authorization: 'Bearer brand-token' },
    retry_schedule: [0],
  });
  assert.deepEqual(wh.events, ['client/checked_in', 'client/created']);

  const checkIn = { clientID: 771204, siteID: 31, checkInTime: '2025-04-14T06:58:12Z', checkInStatus: 'Valid', sessionName: 'Sunrise HIIT', SessionInstructor: 'Ana Ruiz' };
  const event = await h.publish('client/checked_in', checkIn, { occurred_at: '2025-04-14T06:58:12.500Z' });
  await h.rx.waitFor(2);
  const [first, retry] = h.rx.received;

  for (const req of [first!, retry!]) {
    assert.equal(req.headers['authorization'], 'Bearer brand-token');
    assert.equal(req.headers['x-hapana-event'], 'checkIn');
    assert.match(String(req.headers['x-hapana-delivery']), /^del_[0-9A-Z]+-\d+$/);
    assert.ok(checkHapanaSignature(wh.secret, req.body, String(req.headers['x-hapana-signature'])));
    assert.deepEqual(JSON.parse(req.body), { eventType: 'checkIn', eventId: event.id, createdAt: '2025-04-14T06:58:12.500Z', data: checkIn });
  }
  assert.notEqual(first!.headers['x-hapana-delivery'], retry!.headers['x-hapana-delivery']);
  assert.equal(first!.body, retry!.body);

  const verified = verifyWebhook('hapana', retry!.body, retry!.headers, wh.secret);
  assert.equal(verified.id, event.id);
  assert.equal(verified.event, 'checkIn');
  assert.ok(verified.signedAt !== null && Math.abs(verified.signedAt - Date.now() / 1000) < 30);
});

test('hapana: canonical data is translated by the table; clientID from id on client types and from client_id elsewhere; the canonical field wins over a native one (issue 11)', async (t) => {
  const h = await startDialectHarness(t);
  await h.createWebhook({ dialect: 'hapana', events: ['accountCreated', 'packagePurchased', 'clientStatusChange'] });
  await h.publish('client/created', { id: 44, first_name: 'Ada', email: 'ada@example.com', status: 'active', street: '1 High St', city: 'Leeds' });
  await h.publish('package/purchased', { client_id: 44, clientID: 99, package_type: 'session_package', amount: 180 });
  await h.publish('client/status_changed', { id: 44, membership_status: 'suspended_membership', active_packages: [{ package_id: 5520, package_name: 'Unlimited' }] });
  await h.rx.waitFor(3);
  const byType = new Map(h.rx.received.map((r) => [JSON.parse(r.body).eventType as string, JSON.parse(r.body).data]));
  assert.deepEqual(byType.get('accountCreated'), { clientID: 44, firstName: 'Ada', email: 'ada@example.com', address: { street: '1 High St', city: 'Leeds' } });
  assert.deepEqual(byType.get('packagePurchased'), { clientID: 44, packageType: 'sessionpackage', amount: 180 });
  assert.deepEqual(byType.get('clientStatusChange'), { clientID: 44, status: 'suspendedMembership', activePackages: [{ packageID: 5520, packageName: 'Unlimited' }] });
});
