-- How many write transactions were committed (issue 15). On PostgreSQL every
-- group of writes counts itself here while it holds the counter row's lock,
-- so a kept page learns of any commit by any process, and of nothing else
-- (the WAL's position, used before, moves for vacuum and checkpoints too).
-- SQLite has its own such counter (pragma data_version).
alter table sync_state add column commits integer not null default 0;
