import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startTestHookline } from './helpers/hookline.js';
import type { ApiProblem } from './helpers/apiShapes.js';
import { newBusiness } from './helpers/businesses.js';

/**
 * A field that takes one of several forms ("null or a list", "basic, bearer or oauth2") is
 * refused with one sentence naming the forms, or with the details of the form the value meant,
 * never with every branch's failure and "must match a schema in anyOf".
 */
test('a value that fits no form of a union gets one sentence; one that fits a form gets that form’s details', async (t) => {
  const hl = await startTestHookline();
  t.after(() => hl.stop());
  const b = await newBusiness(hl.api);
  const refused = async (extra: Record<string, unknown>) => {
    const r = await hl.api<ApiProblem>('POST', `/v1/businesses/${b}/webhooks`, { url: 'https://example.com/h', events: ['client/created'], ...extra });
    assert.equal(r.status, 400, JSON.stringify(r.body));
    assert.doesNotMatch(r.body.detail ?? '', /anyOf/);
    return r.body.detail;
  };
  assert.equal(await refused({ channels: 'loc-1' }), '/body/channels: must be null or an array');
  assert.equal(await refused({ channels: { a: 1 } }), '/body/channels: must be null or an array');
  assert.equal(await refused({ channels: [1] }), '/body/channels/0: must be string');
  assert.equal(await refused({ channels: Array(11).fill('a') }), '/body/channels: must NOT have more than 10 items');
  assert.equal(await refused({ auth: { type: 'nope' } }), '/body/auth/type: must be one of "basic", "bearer", "oauth2_client_credentials"');
  assert.equal(await refused({ auth: 'basic' }), '/body/auth: must be null or an object');
  assert.equal(await refused({ rate_limit: 'fast' }), '/body/rate_limit: must be null or a number');
});
