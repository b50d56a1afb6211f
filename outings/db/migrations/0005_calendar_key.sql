-- The personal calendar feed's secret was kept in clear (issue 11): now only
-- its SHA-256 is. The app hashes the secrets already made when it starts
-- (outings.accounts.service.hash_calendar_secrets) and clears them, so the
-- links parents subscribed to keep working.
alter table users add column calendar_key text;
create unique index users_calendar_key on users (calendar_key);
