import { Agent } from 'undici';
import { InvalidArgumentError, type Command } from 'commander';
import { apiRequest } from '../apiRequest.js';
import { printLine, type CliContext } from '../CliContext.js';
import { CliError, usageError } from '../CliError.js';
import { addClientOptions, clientFromFlags } from '../clientOptions.js';
import type { ClientConfig } from '../../config.js';
import { forwardLocally, type LocalResult } from '../listen/forwardLocally.js';
import { readEventStream, StreamEnded, type ServerSentEvent } from '../listen/readEventStream.js';

interface Flags {
  business: string;
  forwardTo: string;
  events?: string;
  dialect?: string;
  listener?: string;
  json?: boolean;
  url?: string;
  token?: string;
  profile?: string;
}

interface Listener {
  id: string;
  business: string;
  events: string[];
  dialect: string;
  secret: string;
  grace_ms: number;
}

interface DeliveryEvent {
  attempt_id: string;
  delivery_id: string | null;
  event_id: string | null;
  event_type: string | null;
  attempt: number | null;
  timeout_ms: number;
  headers: Record<string, string>;
  body: string;
}

/** Reconnecting starts quickly and backs off, so a restarting server is not hammered. */
const BACKOFF_FIRST_MS = 250;
const BACKOFF_MAX_MS = 10_000;

function localUrl(value: string): string {
  const expected = new InvalidArgumentError('expected an absolute URL starting with http:// or https://, e.g. http://localhost:3000/webhooks.');
  let u: URL;
  try {
    u = new URL(value);
  } catch {
    throw expected;
  }
  // `localhost:3000` parses, as a URL of the scheme "localhost:".
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw expected;
  return u.toString();
}

/**
 * `hookline listen`: a listener on the server (a temporary webhook whose deliveries come down a
 * server-sent event stream), each delivery re-sent to a local URL with the headers and
 * signature the server made, and what the local URL answered reported back, so the delivery
 * log shows it. The server never connects to the developer's machine. Ctrl-C removes the
 * listener; a dropped connection is retried with backoff, and what was published meanwhile
 * arrives when it is back (docs/listen.md).
 */
export function registerListen(program: Command, ctx: CliContext): void {
  const command = program
    .command('listen')
    .description("receive a business's deliveries here and forward them to a local URL, signed as in production; Ctrl-C stops and removes the listener")
    .requiredOption('--business <id>', 'whose events to listen to')
    .requiredOption('--forward-to <url>', 'the local URL each delivery is POSTed to, e.g. http://localhost:3000/webhooks', localUrl)
    .option('--events <filters>', 'comma-separated event filters: exact types, entity/* or * (default: *)')
    .option('--dialect <name>', 'the wire format, as for a webhook (default: standard)')
    .option('--listener <id>', 'resume an existing listener (after a crash, within its grace period) instead of creating one')
    .option('--json', 'one JSON object per delivery instead of text')
    .addHelpText('after', '\nExample:\n  hookline listen --business harbour-yoga --forward-to http://localhost:3000/webhooks --events "client/*"');
  addClientOptions(command).action(async (flags: Flags) => {
    if (flags.listener !== undefined && (flags.events !== undefined || flags.dialect !== undefined)) {
      throw usageError('--events and --dialect choose what a new listener receives; a resumed --listener keeps its own');
    }
    const client = clientFromFlags(ctx.env, flags);
    if (!client.token) throw usageError('no token: pass --token or set HOOKLINE_TOKEN');
    const base = `/v1/businesses/${encodeURIComponent(flags.business)}/listeners`;
    const events = flags.events?.split(',').map((e) => e.trim()).filter((e) => e !== '');
    const id =
      flags.listener ??
      (await apiRequest<Listener>({ client, method: 'POST', path: base, body: { events: events?.length ? events : undefined, dialect: flags.dialect } })).id;
    await new ListenSession(ctx, client, flags, `${base}/${encodeURIComponent(id)}`).run();
  });
}

class ListenSession {
  private readonly abort = new AbortController();
  private readonly local = new Agent({ connect: { timeout: 10_000 } });
  /** Reports reuse their connections: one per delivery would add a handshake to each. */
  private readonly server = new Agent({ connect: { timeout: 10_000 } });
  private readonly inFlight = new Set<Promise<void>>();
  private listener: Listener | null = null;
  private wakeBackoff: () => void = () => {};
  /** Ctrl-C: deliveries that arrive now are left to the server, which fails them with the listener. */
  private stopping = false;

  constructor(
    private readonly ctx: CliContext,
    private readonly client: ClientConfig,
    private readonly flags: Flags,
    private readonly path: string,
  ) {}

  async run(): Promise<void> {
    // What is being forwarded is finished and reported before the stream closes: closing it
    // first would make the server count those attempts as lost and send them again.
    const stop = (): void => {
      if (this.stopping) return;
      this.stopping = true;
      this.wakeBackoff();
      void Promise.allSettled([...this.inFlight]).then(() => this.abort.abort());
    };
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    let gone: StreamEnded | null = null;
    try {
      gone = await this.follow();
    } finally {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      await Promise.allSettled([...this.inFlight]);
      await this.local.close();
      await this.server.close();
    }
    // The server refused the stream (the listener is gone, the token does not reach it): exit 2, as for any refusal.
    if (gone) throw new CliError(`listener ${this.path.split('/').pop()}: ${gone.message}`, 2);
    await apiRequest<void>({ client: this.client, method: 'DELETE', path: this.path });
    printLine(this.ctx.stderr, 'Listener removed.');
  }

  /** Reads the stream until Ctrl-C (null) or a refusal that reconnecting cannot fix. */
  private async follow(): Promise<StreamEnded | null> {
    const { signal } = this.abort;
    let wait = BACKOFF_FIRST_MS;
    while (!signal.aborted && !this.stopping) {
      let connected = false;
      try {
        await readEventStream(this.client, `${this.path}/stream`, signal, (e) => {
          connected = true;
          this.onEvent(e);
        });
      } catch (err) {
        if (!(err instanceof StreamEnded)) throw err;
        if (!err.retry) return err;
        if (this.stopping) break;
        if (connected) wait = BACKOFF_FIRST_MS;
        printLine(this.ctx.stderr, `Disconnected (${err.message}); reconnecting in ${(wait / 1000).toFixed(1)} s.`);
        await new Promise<void>((resolve) => {
          const timer = setTimeout(resolve, wait);
          this.wakeBackoff = () => {
            clearTimeout(timer);
            resolve();
          };
        });
        wait = Math.min(wait * 2, BACKOFF_MAX_MS);
      }
    }
    return null;
  }

  private onEvent(e: ServerSentEvent): void {
    if (e.event === 'ready') return this.ready(JSON.parse(e.data) as Listener);
    if (e.event !== 'delivery' || this.stopping) return;
    const job = this.deliver(JSON.parse(e.data) as DeliveryEvent).finally(() => this.inFlight.delete(job));
    this.inFlight.add(job);
  }

  private ready(l: Listener): void {
    const first = this.listener === null;
    this.listener = l;
    if (!first) return printLine(this.ctx.stderr, 'Reconnected; deliveries published meanwhile follow.');
    const out = this.ctx.stderr;
    printLine(out, `Listening for ${l.events.join(', ')} of ${l.business} (${l.dialect} dialect), forwarding to ${this.flags.forwardTo}`);
    printLine(out, `Listener ${l.id}: resume it with --listener ${l.id} within ${Math.round(l.grace_ms / 1000)} s of a crash; Ctrl-C removes it.`);
    // The secret goes to stdout on its own line so a script can read it; everything else is stderr.
    printLine(out, 'Your webhook signing secret (verify deliveries with it):');
    printLine(this.ctx.stdout, this.flags.json ? JSON.stringify({ listener: l.id, secret: l.secret }) : l.secret);
  }

  private async deliver(d: DeliveryEvent): Promise<void> {
    const result = await forwardLocally(this.local, { url: this.flags.forwardTo, headers: d.headers, body: d.body, timeoutMs: d.timeout_ms });
    this.print(d, result);
    try {
      await apiRequest<void>({ client: this.client, method: 'POST', path: `${this.path}/results`, body: { attempt_id: d.attempt_id, ...result }, agent: this.server });
    } catch (err) {
      // The server retries the delivery when no report comes; saying so is all there is to do.
      printLine(this.ctx.stderr, `Could not report ${d.delivery_id ?? d.attempt_id} to the server (${(err as Error).message}); it will be retried.`);
    }
  }

  private print(d: DeliveryEvent, r: LocalResult): void {
    const time = new Date().toISOString();
    if (this.flags.json) {
      printLine(this.ctx.stdout, JSON.stringify({ time, type: d.event_type, event_id: d.event_id, delivery_id: d.delivery_id, attempt: d.attempt, status_code: r.status_code, error: r.error, duration_ms: r.duration_ms }));
      return;
    }
    const outcome = r.status_code === null ? `error ${r.error}` : String(r.status_code);
    printLine(this.ctx.stdout, `${time.slice(11, 19)}  ${d.event_type ?? '?'}  ${d.event_id ?? '?'}  -> ${outcome}  ${r.duration_ms} ms`);
  }
}
