import type { FastifyReply, FastifyRequest } from 'fastify';
import type { PublishRequest } from '../tracing/publishTrace.js';

/** The parts of a publish request the trace needs: its trace headers, its route, when it arrived. */
export function publishRequest(req: FastifyRequest, reply: FastifyReply): PublishRequest {
  return {
    traceparent: req.headers.traceparent,
    tracestate: req.headers.tracestate,
    receivedAt: Date.now() - reply.elapsedTime,
    route: req.routeOptions.url,
  };
}
