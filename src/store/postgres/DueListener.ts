import pg from 'pg';
import { toStoreError } from './storeErrors.js';

/** NOTIFYd (after commit) when deliveries become due that no process holds. */
export const DUE_CHANNEL = 'hookline_due';

/** Reconnect backoff after the listening connection drops: 250 ms doubling up to 10 s. */
const RECONNECT_MIN_MS = 250;
const RECONNECT_MAX_MS = 10_000;

/**
 * One dedicated connection that LISTENs on DUE_CHANNEL. It is not a pool client: a LISTEN
 * lives as long as its session, and the pool closes idle sessions and hands them to others.
 *
 * Notifications are only a hint to claim sooner; the dispatcher's polling still finds
 * everything. So a lost connection is re-opened in the background with backoff, and on every
 * reconnect `onDue` is called once, since notifications sent while it was down were missed.
 */
export class DueListener {
  private client: pg.Client | null = null;
  private connecting: Promise<void> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private delay = RECONNECT_MIN_MS;
  private stopped = false;

  constructor(
    private readonly config: pg.ClientConfig,
    private readonly onDue: () => void,
    private readonly onError: (err: Error) => void,
  ) {}

  /** Resolves once listening; rejects with STORE_UNAVAILABLE when the first connection fails. */
  async start(): Promise<void> {
    this.connecting = this.connect();
    try {
      await this.connecting;
    } finally {
      this.connecting = null;
    }
  }

  /** Safe to call twice. Resolves when the connection is closed and no reconnect is pending. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.connecting?.catch(() => undefined);
    const client = this.client;
    this.client = null;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.config);
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client, null));
    client.on('notification', (msg) => {
      if (msg.channel === DUE_CHANNEL) this.due();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${DUE_CHANNEL}`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw toStoreError(err);
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.delay = RECONNECT_MIN_MS;
  }

  private lost(client: pg.Client, err: Error | null): void {
    // Errors of a client still connecting (or already replaced) are the connect() call's to report.
    if (this.client !== client) return;
    this.client = null;
    this.onError(toStoreError(err ?? new Error('Connection terminated unexpectedly')));
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.connecting = this.connect();
      this.connecting.then(
        () => {
          this.connecting = null;
          if (!this.stopped) this.due();
        },
        (err: Error) => {
          this.connecting = null;
          this.onError(err);
          this.delay = Math.min(this.delay * 2, RECONNECT_MAX_MS);
          this.scheduleReconnect();
        },
      );
    }, this.delay);
    // A process with nothing else to do should not stay alive only to reconnect this.
    this.timer.unref();
  }

  private due(): void {
    try {
      this.onDue();
    } catch (err) {
      this.onError(err as Error);
    }
  }
}
