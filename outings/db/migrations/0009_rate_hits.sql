-- Rate-limit counts kept in the database (issue 15): what several app
-- processes on one PostgreSQL database count together. One row per rule and
-- person (or address): when the window counting her requests ends, and how
-- many she made in it. (One process on SQLite counts in memory instead.)
create table rate_hits (
    key text primary key,
    ends_at real not null,
    hits integer not null
);
create index rate_hits_by_end on rate_hits (ends_at);
