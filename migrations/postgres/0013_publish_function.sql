-- publish(business, type, data, id): an event and its deliveries written by the caller's own
-- transaction, from any language (issue 17, docs/library.md#the-sql-function). Both functions
-- are created in the schema Hookline's tables live in (the first on the search_path while
-- migrating) and keep that search_path (SET search_path FROM CURRENT), so a caller whose own
-- search_path does not reach Hookline calls them schema-qualified: hookline.publish(…).
--
-- What the function checks: the business exists; the type is entity/action, not one of
-- one of Hookline's operational events (hookline/…); data is a JSON object (NULL = {}); the id's form.
-- What it cannot: the catalogue's built-in types and their JSON Schemas live in Hookline's code,
-- not here, so neither the type's existence nor the data's schema is checked, and payload
-- filters (evaluated by Hookline's code) are not applied: every enabled webhook whose event
-- filter names the type gets a delivery. docs/library.md says what follows from that.

-- A ULID (26 characters of Crockford base32: 48 bits of milliseconds, 80 random bits), so ids
-- made here sort by time among those Hookline makes, which the delivery log and retention rely on.
CREATE FUNCTION ulid_at(ms bigint) RETURNS text LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
DECLARE
  alphabet constant text := '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
  -- Bytes 0-5 and 9-15 of a version 4 UUID are random (6 and 8 carry the version and variant).
  r bytea := uuid_send(gen_random_uuid());
  t bigint := ms;
  bits bigint;
  head text := '';
  tail text := '';
  part text;
BEGIN
  FOR i IN 1..10 LOOP
    head := substr(alphabet, (t % 32)::int + 1, 1) || head;
    t := t / 32;
  END LOOP;
  FOREACH bits IN ARRAY ARRAY[
    ((get_byte(r, 0)::bigint * 256 + get_byte(r, 1)) * 256 + get_byte(r, 2)) * 65536 + get_byte(r, 3) * 256 + get_byte(r, 4),
    ((get_byte(r, 9)::bigint * 256 + get_byte(r, 10)) * 256 + get_byte(r, 11)) * 65536 + get_byte(r, 12) * 256 + get_byte(r, 13)
  ] LOOP
    part := '';
    FOR i IN 1..8 LOOP
      part := substr(alphabet, (bits % 32)::int + 1, 1) || part;
      bits := bits / 32;
    END LOOP;
    tail := tail || part;
  END LOOP;
  RETURN head || tail;
END
$$;

-- Returns the event's id. A repeated id writes nothing and returns the id (idempotent, as the
-- API is). Deliveries go in unleased and due now, and hookline_due is notified, which
-- PostgreSQL delivers to listening Hookline processes only when the caller commits; their
-- claim loop finds the deliveries anyway if none was listening.
CREATE FUNCTION publish(p_business text, p_type text, p_data json, p_id text DEFAULT NULL)
RETURNS text LANGUAGE plpgsql VOLATILE SET search_path FROM CURRENT AS $$
DECLARE
  now_ms bigint := floor(extract(epoch FROM clock_timestamp()) * 1000)::bigint;
  event_id text := coalesce(p_id, 'evt_' || ulid_at(now_ms));
  data json := coalesce(p_data, '{}'::json);
  entity text := split_part(coalesce(p_type, ''), '/', 1);
  created integer;
  delivered integer;
BEGIN
  IF p_business IS NULL OR NOT EXISTS (SELECT FROM businesses WHERE id = p_business) THEN
    RAISE EXCEPTION 'hookline.publish: no business %', coalesce(quote_literal(p_business), 'NULL')
      USING ERRCODE = 'no_data_found', HINT = 'Create the business first: POST /v1/businesses or hookline businesses create.';
  END IF;
  IF p_type IS NULL OR p_type !~ '^[a-z0-9][a-z0-9_.-]{0,63}/[a-z0-9][a-z0-9_.-]{0,63}$' THEN
    RAISE EXCEPTION 'hookline.publish: event type % is not entity/action', coalesce(quote_literal(p_type), 'NULL')
      USING ERRCODE = 'invalid_parameter_value', HINT = 'Two lowercase parts such as client/created; GET /v1/event-types lists the catalogue.';
  END IF;
  IF entity = 'hookline' THEN
    RAISE EXCEPTION 'hookline.publish: % is one of Hookline''s own operational events', quote_literal(p_type)
      USING ERRCODE = 'invalid_parameter_value', HINT = 'Only Hookline publishes hookline/ events; subscribe a webhook to them instead.';
  END IF;
  -- The built-in catalogue is in code; each Hookline process writes its names into meta when it
  -- starts or migrates (src/catalog/recordBuiltinTypes.ts). Before any has, the check is skipped.
  IF NOT EXISTS (SELECT FROM event_types WHERE type = p_type)
     AND EXISTS (SELECT FROM meta WHERE key = 'builtin_event_types')
     AND NOT EXISTS (
       SELECT FROM meta m, json_array_elements_text(m.value::json) AS k (type)
       WHERE m.key = 'builtin_event_types' AND k.type = p_type
     ) THEN
    RAISE EXCEPTION 'hookline.publish: unknown event type %', quote_literal(p_type)
      USING ERRCODE = 'invalid_parameter_value', HINT = 'GET /v1/event-types lists the known types; register a new one with POST /v1/event-types.';
  END IF;
  IF json_typeof(data) <> 'object' THEN
    RAISE EXCEPTION 'hookline.publish: data must be a JSON object, not %', json_typeof(data)
      USING ERRCODE = 'invalid_parameter_value';
  END IF;
  IF event_id !~ '^[A-Za-z0-9_.:-]{1,128}$' THEN
    RAISE EXCEPTION 'hookline.publish: the event id % is not 1-128 letters, digits, "_", ".", ":" or "-"', quote_literal(event_id)
      USING ERRCODE = 'invalid_parameter_value';
  END IF;

  INSERT INTO events (business_id, id, type, data, occurred_at, created_at)
  VALUES (p_business, event_id, p_type, data::text, now_ms, now_ms)
  ON CONFLICT DO NOTHING;
  GET DIAGNOSTICS created = ROW_COUNT;
  IF created = 0 THEN
    RETURN event_id;
  END IF;

  INSERT INTO deliveries (id, business_id, event_id, webhook_id, event_type, status, attempt_count,
    next_attempt_at, last_status_code, lease_owner, created_at, updated_at)
  SELECT 'dlv_' || ulid_at(now_ms), p_business, event_id, w.id, p_type, 'pending', 0, now_ms, NULL, NULL, now_ms, now_ms
  FROM webhooks w
  WHERE w.business_id = p_business AND w.deleted_at IS NULL AND w.enabled
    AND EXISTS (
      SELECT FROM json_array_elements_text(w.events) AS f (filter)
      WHERE f.filter IN (p_type, entity || '/*', '*')
    )
  ORDER BY w.id;
  GET DIAGNOSTICS delivered = ROW_COUNT;
  IF delivered > 0 THEN
    PERFORM pg_notify('hookline_due', '');
  END IF;
  RETURN event_id;
END
$$;
