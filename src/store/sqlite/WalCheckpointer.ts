import type Database from 'better-sqlite3';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';

/** How often the background connection copies the write-ahead log back into the database file. */
export const CHECKPOINT_INTERVAL_MS = 250;
/**
 * Log length (pages) past which the writer finishes a checkpoint itself. The background
 * checkpoints can copy all but the last few frames, but only a checkpoint that copies every
 * frame lets the next write start the log over, and under sustained writes new frames arrive
 * faster than that ever happens: without this the log grew to three times the database.
 */
const RESTART_PAGES = 4096;
/** After a checkpoint lets the log start over, SQLite truncates a log file larger than this. */
const JOURNAL_SIZE_LIMIT = 64 * 1024 * 1024;
/** SQLite's own default, restored when the background connection is gone. */
const AUTOCHECKPOINT_PAGES = 1000;

// Plain CommonJS run with `eval`, so that it needs no file of its own next to the compiled
// (or, under the test runner, uncompiled) sources. PASSIVE never waits for a lock and never
// blocks the writer; it copies what no reader still needs and lets the writer restart the log.
const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.driver);
const db = new Database(workerData.path);
db.pragma('busy_timeout = 0');
const timer = setInterval(() => {
  try { const r = db.pragma('wal_checkpoint(PASSIVE)')[0]; parentPort.postMessage({ log: r.log, checkpointed: r.checkpointed }); }
  catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
}, workerData.intervalMs);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.close(); });
`;

/**
 * Runs SQLite's WAL checkpoints on a connection of its own in a worker thread. A checkpoint
 * copies the log into the database file and syncs both; left to the writing connection (SQLite's
 * default, every 1000 pages) it runs inside whichever COMMIT crosses the threshold and blocks the
 * event loop that publishes and sends for as long as the copy and the fsyncs take, which at a few
 * thousand deliveries a second was more than half of the time spent committing
 * (docs/architecture.md#sqlite-checkpoints). If the thread cannot start or dies, the writer
 * checkpoints for itself again.
 */
export class WalCheckpointer {
  private worker: Worker | null = null;

  private constructor(private readonly db: Database.Database) {}

  static start(db: Database.Database, path: string, onError: (err: Error) => void = warnOnce()): WalCheckpointer {
    const c = new WalCheckpointer(db);
    db.pragma(`journal_size_limit = ${JOURNAL_SIZE_LIMIT}`);
    try {
      const driver = createRequire(import.meta.url).resolve('better-sqlite3');
      const worker = new Worker(WORKER_SOURCE, { eval: true, workerData: { driver, path, intervalMs: CHECKPOINT_INTERVAL_MS } });
      worker.unref();
      worker.on('message', (m: { error?: string; log?: number }) => {
        if (m.error) onError(new Error(`WAL checkpoint failed: ${m.error}`));
        else if (m.log !== undefined && m.log >= RESTART_PAGES) c.finish(onError);
      });
      worker.on('error', (err) => {
        onError(err);
        c.fallBack();
      });
      worker.on('exit', () => c.fallBack());
      c.worker = worker;
      db.pragma('wal_autocheckpoint = 0');
    } catch (err) {
      onError(err as Error);
      c.fallBack();
    }
    return c;
  }

  /** Copies the frames the background checkpoint did not reach: few, so the writer is not held for long. */
  private finish(onError: (err: Error) => void): void {
    try {
      if (this.db.open) this.db.pragma('wal_checkpoint(PASSIVE)');
    } catch (err) {
      onError(err as Error);
    }
  }

  private fallBack(): void {
    this.worker = null;
    if (this.db.open) this.db.pragma(`wal_autocheckpoint = ${AUTOCHECKPOINT_PAGES}`);
  }

  /** Stops the thread; the writer's own close then checkpoints what is left. */
  async stop(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.worker = null;
    const exited = new Promise<void>((resolve) => w.once('exit', () => resolve()));
    // Unreferenced so that it never keeps a process alive, but waiting for it must.
    w.ref();
    w.postMessage('stop');
    await exited;
  }
}

/** A disk that stays full fails every checkpoint: say so once per distinct message, not four times a second. */
function warnOnce(): (err: Error) => void {
  let last = '';
  return (err) => {
    if (err.message === last) return;
    last = err.message;
    process.emitWarning(err.message, { code: 'HOOKLINE_WAL_CHECKPOINT' });
  };
}
