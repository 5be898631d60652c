import type { TestContext } from 'node:test';
import { PostgresStore } from '../../src/store/postgres/PostgresStore.js';
import { createTestSchema, type TestDatabase } from './postgres.js';

/**
 * A PostgreSQL store on a schema of its own, migrated, with business `b`: what the statement
 * and plan tests start from. After the test the store closes, then the schema goes (after
 * hooks run in the order they are added).
 */
export async function migratedStoreWithBusiness(t: TestContext): Promise<{ schema: TestDatabase; store: PostgresStore }> {
  const schema = await createTestSchema();
  const store = await PostgresStore.open(schema.url);
  t.after(() => store.close());
  t.after(() => schema.drop());
  await store.migrate();
  await store.createBusiness({ id: 'b', name: 'b', created_at: 1 });
  return { schema, store };
}
