-- Neighbourhood circles (issue 13): local groups run by a parent who lives
-- there, with their members, outings, board, address book, suggestion box
-- and news. The whole model in one file so its parts can be built side by side.

create table circles (
    id text primary key,
    name text not null,
    area text not null default '',
    description text not null default '',
    -- the language the circle mostly speaks (a locale code, or '' for any)
    language text not null default '',
    -- one of the palette's names (outings/circle/models.py) and an emoji
    colour text not null default 'teal',
    emoji text not null default '',
    -- 'open': anyone signed in joins; 'ask': a moderator accepts each one
    joining text not null default 'open' check (joining in ('open', 'ask')),
    created_by text references users (id) on delete set null,
    hidden_at text,
    hidden_reason text,
    created_at text not null,
    updated_at text not null
);
create index circles_area on circles (area);

-- Who belongs: 'asked' waits for a moderator; a circle always keeps at least
-- one 'moderator' (the service refuses the last one leaving or stepping down).
create table circle_members (
    circle_id text not null references circles (id) on delete cascade,
    user_id text not null references users (id) on delete cascade,
    role text not null check (role in ('asked', 'member', 'moderator')),
    -- what someone asking to join wrote to the moderators
    message text not null default '',
    joined_at text,
    created_at text not null,
    updated_at text not null,
    primary key (circle_id, user_id)
);
create index circle_members_user on circle_members (user_id);
create index circle_members_role on circle_members (circle_id, role);

-- Removed for good by a moderator: may not join or ask again.
create table circle_bans (
    circle_id text not null references circles (id) on delete cascade,
    user_id text not null references users (id) on delete cascade,
    banned_by text references users (id) on delete set null,
    reason text not null default '',
    created_at text not null,
    primary key (circle_id, user_id)
);

-- An outing may belong to one circle; 'members' outings reach its members only.
alter table outings add column circle_id text references circles (id) on delete set null;
alter table outings add column visibility text not null default 'public'
    check (visibility in ('public', 'members'));
alter table outings add column adults_only integer not null default 0;
create index outings_circle on outings (circle_id, starts_at);

-- The board: asks and offers, with replies; the author marks one sorted.
-- A post leaves the board 30 days after it was made unless pinned.
create table circle_posts (
    id text primary key,
    circle_id text not null references circles (id) on delete cascade,
    author_id text not null references users (id) on delete cascade,
    kind text not null check (kind in ('ask', 'offer')),
    body text not null,
    sorted_at text,
    pinned_at text,
    pinned_by text references users (id) on delete set null,
    hidden_at text,
    hidden_reason text,
    created_at text not null,
    updated_at text not null
);
create index circle_posts_circle on circle_posts (circle_id, created_at);

create table circle_post_replies (
    id text primary key,
    post_id text not null references circle_posts (id) on delete cascade,
    author_id text not null references users (id) on delete cascade,
    body text not null,
    hidden_at text,
    hidden_reason text,
    created_at text not null
);
create index circle_post_replies_post on circle_post_replies (post_id, created_at);

-- The address book: trusted local services. Shown once a moderator approved
-- it; contact details reach members only.
create table circle_entries (
    id text primary key,
    circle_id text not null references circles (id) on delete cascade,
    added_by text references users (id) on delete set null,
    kind text not null,
    name text not null,
    phone text not null default '',
    email text not null default '',
    address text not null default '',
    website text not null default '',
    note text not null default '',
    status text not null default 'pending'
        check (status in ('pending', 'approved', 'declined')),
    decided_by text references users (id) on delete set null,
    decided_at text,
    hidden_at text,
    hidden_reason text,
    created_at text not null,
    updated_at text not null
);
create index circle_entries_circle on circle_entries (circle_id, status);

create table circle_entry_recommendations (
    entry_id text not null references circle_entries (id) on delete cascade,
    user_id text not null references users (id) on delete cascade,
    created_at text not null,
    primary key (entry_id, user_id)
);

-- The suggestion box: read by the circle's moderators only.
create table circle_suggestions (
    id text primary key,
    circle_id text not null references circles (id) on delete cascade,
    author_id text not null references users (id) on delete cascade,
    body text not null,
    answer text not null default '',
    answered_by text references users (id) on delete set null,
    answered_at text,
    closed_at text,
    created_at text not null
);
create index circle_suggestions_circle on circle_suggestions (circle_id, closed_at, created_at);

-- Each news issue a moderator sent: its note and the stretch it covers.
create table circle_news (
    id text primary key,
    circle_id text not null references circles (id) on delete cascade,
    note text not null default '',
    sent_by text references users (id) on delete set null,
    covers_from text not null,
    sent_at text not null
);
create index circle_news_circle on circle_news (circle_id, sent_at);

-- Reports now reach things on circles (posts, replies, entries, circles), and
-- carry the circle whose moderators see them first. SQLite cannot widen a
-- check constraint in place, so the table is made again (PostgreSQL reads it too).
create table reports_new (
    id text primary key,
    reporter_id text not null references users (id) on delete cascade,
    target_type text not null check (
        target_type in ('venue', 'outing', 'comment', 'circle', 'post', 'reply', 'entry')
    ),
    target_id text not null,
    reason text not null,
    -- the circle the thing is in: its moderators act first, the site's after 48 hours
    circle_id text references circles (id) on delete cascade,
    created_at text not null,
    resolved_at text,
    resolved_by text references users (id) on delete set null,
    resolution text
);
insert into reports_new (
    id, reporter_id, target_type, target_id, reason, created_at, resolved_at, resolved_by,
    resolution
)
select id, reporter_id, target_type, target_id, reason, created_at, resolved_at, resolved_by,
    resolution
from reports;
drop table reports;
alter table reports_new rename to reports;
create index reports_open on reports (resolved_at, created_at);
create index reports_circle on reports (circle_id, resolved_at);
create unique index reports_once on reports (reporter_id, target_type, target_id)
where resolved_at is null;

-- Actions a circle's moderators take are logged with their circle.
alter table moderation_log add column circle_id text references circles (id) on delete cascade;
create index moderation_log_circle on moderation_log (circle_id, created_at);

-- A change-log row with an audience reaches only that circle's members.
alter table sync_changes add column circle_id text;
create index sync_changes_by_circle on sync_changes (circle_id, cursor);
