import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hoistNamedSchemas } from '../src/api/openapi/namedSchemas.js';

/** The document pass that names shapes (docs/api.md#the-openapi-document), on small documents. */

const webhook = { title: 'Webhook', type: 'object', properties: { id: { type: 'string' }, title: { type: 'string' } } };
const docWith = (...schemas: unknown[]) => ({
  paths: Object.fromEntries(schemas.map((schema, i) => [`/p${i}`, { get: { responses: { 200: { content: { 'application/json': { schema } } } } } }])),
});

test('a titled schema becomes one named component, referenced wherever it appears, nested ones too', () => {
  const doc: Record<string, any> = docWith(webhook, { type: 'object', properties: { data: { type: 'array', items: webhook } } });
  hoistNamedSchemas(doc);
  assert.deepEqual(doc.components.schemas.Webhook, webhook);
  assert.deepEqual(doc.paths['/p0'].get.responses[200].content['application/json'].schema, { $ref: '#/components/schemas/Webhook' });
  assert.deepEqual(doc.paths['/p1'].get.responses[200].content['application/json'].schema.properties.data.items, { $ref: '#/components/schemas/Webhook' });
  assert.deepEqual(Object.keys(doc.components.schemas), ['Webhook'], 'a property named "title" is no title');
});

test('examples and defaults are values, never hoisted, even with a title and a type', () => {
  const example = { title: 'Morning yoga', type: 'class' };
  const doc: Record<string, any> = docWith({ type: 'object', example, default: example, properties: {} });
  hoistNamedSchemas(doc);
  assert.deepEqual(doc.components.schemas, {});
  assert.deepEqual(doc.paths['/p0'].get.responses[200].content['application/json'].schema.example, example);
});

test('two different shapes under one title fail, naming the title', () => {
  const other = { ...webhook, properties: { id: { type: 'integer' } } };
  assert.throws(() => hoistNamedSchemas(docWith(webhook, other)), /Two different schemas are titled "Webhook"/);
});
