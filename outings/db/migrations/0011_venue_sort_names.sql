-- How venues sort by name (outings.i18n.sort_key): case and accents aside,
-- the same on either engine. Filled by the app as a venue is written, and
-- at start-up for venues written before (outings.venue.service.sort_names).
alter table venues add column sort_name text not null default '';
