-- Trace context (issue 18, docs/observability.md): the W3C traceparent an event's attempts
-- continue (the publisher's, or Hookline's publish span when tracing is on) and the publisher's
-- tracestate. Stored with the event because its attempts may run in another process or after a
-- restart. NULL: nothing to continue.
ALTER TABLE events ADD COLUMN traceparent TEXT;
ALTER TABLE events ADD COLUMN tracestate TEXT;
