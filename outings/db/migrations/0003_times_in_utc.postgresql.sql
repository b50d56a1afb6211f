-- PostgreSQL's own 0003. The SQLite migration of this number rewrote times
-- stored with a UTC offset, written before times were normalised on the way
-- in. A PostgreSQL database was never written by that code: it starts empty,
-- or is filled by `outings import` from a database already migrated.
select 1;
