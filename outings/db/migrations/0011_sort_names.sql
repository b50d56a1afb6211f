-- How venues and circles sort by name (outings.i18n.sort_key): case and
-- accents aside, the same on either engine. Written by the app with the name,
-- and at start-up for rows whose key is missing or stale (written before, by
-- hand, or under an older key: outings.names.sort_names).
alter table venues add column sort_name text not null default '';
alter table circles add column sort_name text not null default '';
