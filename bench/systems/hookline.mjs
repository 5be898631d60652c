// Hookline as a benchmarked system: one or two `serve` processes on SQLite or PostgreSQL,
// webhooks created through the API, events published to the batch API.
import { mkdtempSync, rmSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { startHookline } from '../lib/hooklineProcess.mjs';
import { hooklineApi } from '../lib/hooklineApi.mjs';
import { createDatabase } from '../lib/postgres.mjs';
import { onInterrupt } from '../lib/children.mjs';

export const BUSINESS = 'bench';

export const hooklineSystems = {
  sqlite: { id: 'sqlite', label: 'Hookline, SQLite', store: 'sqlite', processes: 1 },
  // The same with sender and store on the main thread: what the threads are worth, measured in the same run.
  sqlite1t: { id: 'sqlite1t', label: 'Hookline, SQLite, one thread', store: 'sqlite', processes: 1, settings: { HOOKLINE_THREADS: 'false' } },
  pg1: { id: 'pg1', label: 'Hookline, PostgreSQL ×1', store: 'postgres', processes: 1 },
  pg2: { id: 'pg2', label: 'Hookline, PostgreSQL ×2', store: 'postgres', processes: 2 },
  pg3: { id: 'pg3', label: 'Hookline, PostgreSQL ×3', store: 'postgres', processes: 3 },
};

/**
 * Starts a fresh instance (new SQLite file or new PostgreSQL database), creates the business,
 * one event type per distinct type the endpoints subscribe to, and one webhook per endpoint.
 * A second process starts only after that: each process loads the custom event types once, at
 * start.
 */
export async function openHookline(system, { receiver, endpoints, webhookOptions = {}, profileDir = null, settings = system.settings ?? {} }) {
  const token = `hl_bench_${randomBytes(16).toString('hex')}`;
  const dir = mkdtempSync(join(tmpdir(), 'hookline-bench-'));
  const db = system.store === 'postgres' ? await createDatabase() : null;
  const removeFiles = () => rmSync(dir, { recursive: true, force: true });
  // Killed processes first (children.mjs), so the database has no session left to block the drop.
  const forget = onInterrupt(async () => {
    removeFiles();
    await db?.drop();
  });
  const databaseUrl = db ? `${db.url}?pool_max=10` : `file:${join(dir, 'hookline.db')}`;
  const env = { HOOKLINE_DATABASE_URL: databaseUrl, HOOKLINE_ADMIN_TOKEN: token, HOOKLINE_SHUTDOWN_GRACE_MS: '2000', ...settings };
  if (profileDir) mkdirSync(profileDir, { recursive: true });

  let processes = [];
  let apis = [];
  let turn = 0;
  const start = async (count) => {
    while (processes.length < count) {
      const p = await startHookline({ settings: env, profileDir });
      processes.push(p);
      apis.push(hooklineApi(p.url, token));
    }
  };
  const stopAll = async () => {
    await Promise.all(apis.map((a) => a.close()));
    await Promise.all(processes.map((p) => p.stop()));
    processes = [];
    apis = [];
  };

  try {
    await start(1);
    await apis[0].createBusiness(BUSINESS);
    const types = [...new Set(endpoints.flatMap((e) => e.types))];
    for (const type of types) await apis[0].registerType(type);
    const webhooks = await inParallel(endpoints, 8, (e) =>
      apis[0].createWebhook(BUSINESS, { name: `${e.kind} ${e.n}`, url: receiver.url(e.kind, e.n), events: e.types, ...webhookOptions, ...e.webhook }),
    );
    await start(system.processes);
    return {
      system,
      databaseUrl,
      sqliteFile: db ? null : join(dir, 'hookline.db'),
      webhookIds: webhooks.map((w) => w.id),
      pids: () => processes.map((p) => p.pid),
      /** Alternates between the processes, as a load balancer in front of them would. */
      publish(events) {
        const api = apis[turn++ % apis.length];
        return api.publishBatch(BUSINESS, events);
      },
      peakRssMb: () => Math.max(0, ...processes.map((p) => p.peakRssMb() ?? 0)),
      /** CPU seconds so far per process, whole and per thread (hooklineApi.cpuSeconds). */
      cpuSeconds: () => Promise.all(apis.map((a) => a.cpuSeconds())),
      /** Stops the processes, keeping the database (the backlog scenario writes into it). */
      stopProcesses: stopAll,
      startProcesses: () => start(system.processes),
      async close() {
        await stopAll().catch(() => {});
        await db?.drop();
        removeFiles();
        forget();
      },
    };
  } catch (err) {
    await stopAll().catch(() => {});
    await db?.drop().catch(() => {});
    removeFiles();
    forget();
    throw err;
  }
}

async function inParallel(items, width, fn) {
  const out = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]);
      }
    }),
  );
  return out;
}
