-- Areas and searches folded as names are (outings.folded, migration 0011): an
-- area chosen or words searched match whatever their case and accents
-- ("zurich" finds "Zürich", "lodz" "Łódź"), the same on either engine.
-- Written by the app with the row, and at start-up where missing or stale.
alter table outings add column area_key text not null default '';
alter table outings add column search_key text not null default '';
alter table venues add column area_key text not null default '';
alter table venues add column search_key text not null default '';
alter table circles add column area_key text not null default '';
drop index outings_area_starts;
create index outings_area_starts on outings (area_key, starts_at);
drop index venues_area;
create index venues_area on venues (area_key);
drop index circles_area;
create index circles_area on circles (area_key);
