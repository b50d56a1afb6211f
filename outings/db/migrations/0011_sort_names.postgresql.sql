-- How venues and circles sort by name (outings.i18n.sort_key): case and
-- accents aside, the same on either engine. Compared byte by byte ("C", as
-- SQLite's binary order), never by the cluster's own collation, which each
-- server sets.
alter table venues add column sort_name text collate "C" not null default '';
alter table circles add column sort_name text collate "C" not null default '';
