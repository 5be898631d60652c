-- hookline.publish(…) under that name in the default installation (docs/library.md#the-sql-function).
-- Migration 0013 made publish(…) in the schema Hookline's tables live in; when that is `public`
-- (no search_path in the database URL), the platform would have to call public.publish, a name
-- any other extension or application may own. This adds a schema `hookline` holding one function
-- that hands over to it, so `SELECT hookline.publish(…)` works in every default installation.
-- An installation in a schema of its own (named hookline, or per tenant) already has its own
-- publish there and gets nothing here, so two installations never share this name.
DO $migration$
BEGIN
  IF current_schema() = 'public' THEN
    CREATE SCHEMA IF NOT EXISTS hookline;
    CREATE OR REPLACE FUNCTION hookline.publish(p_business text, p_type text, p_data json, p_id text DEFAULT NULL)
    RETURNS text LANGUAGE sql VOLATILE SET search_path = public
    AS 'SELECT public.publish(p_business, p_type, p_data, p_id)';
  END IF;
END
$migration$;
