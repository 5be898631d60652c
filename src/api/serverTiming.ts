import type { FastifyInstance } from 'fastify';

/**
 * Every answer carries `Server-Timing: app;dur=<ms>` (W3C Server Timing): the time from the
 * request's arrival to its serialised body, as the server measured it. The dashboard's speed
 * budget (200 ms per API call with 100k deliveries in the log) is checked against this number,
 * because a client's wall clock also counts its own scheduling and the network.
 */
export function registerServerTiming(app: FastifyInstance): void {
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('server-timing', `app;dur=${reply.elapsedTime.toFixed(1)}`);
    return payload;
  });
}

/** The `app` duration in ms from a Server-Timing header value, or null. */
export function parseServerTiming(value: string | null | undefined): number | null {
  const m = value ? /(?:^|,)\s*app;dur=([\d.]+)/.exec(value) : null;
  return m ? Number(m[1]) : null;
}
