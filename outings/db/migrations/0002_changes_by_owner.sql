-- A pull reads the public changes and the caller's own after a cursor. With
-- only the cursor to go by, it stepped over every other family's RSVPs to
-- fill a page: work that grew with the database. Two range scans of this
-- index read just the page (issue 6: pulls grow with the page, not the data).
create index sync_changes_by_owner on sync_changes (owner_id, cursor);
