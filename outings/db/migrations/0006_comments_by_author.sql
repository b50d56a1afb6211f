-- How many comments a family wrote in the last hour is asked before each new
-- one (issue 11: a limit on floods): a range of this index answers it.
create index comments_by_author on comments (author_id, created_at);
