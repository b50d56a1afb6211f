-- The whole data model as DESIGN.md describes it. Ids are UUID strings (the
-- sync protocol lets clients make them offline); times are UTC ISO 8601
-- text from the server's clock. Plain SQL that PostgreSQL also reads.

-- Instance-wide values kept with the data, e.g. the generated signing secret.
create table meta (
    key text primary key,
    value text not null
);

-- Accounts ---------------------------------------------------------------

create table users (
    id text primary key,
    display_name text not null,
    -- WebAuthn user handle: random, never shown, one per user, never reused.
    user_handle blob not null unique,
    locale text,
    -- Secret for the personal calendar feed URL; null until first asked for.
    calendar_token text unique,
    created_at text not null,
    updated_at text not null
);

create table user_roles (
    user_id text not null references users (id) on delete cascade,
    role text not null check (role in ('moderator', 'admin')),
    granted_by text references users (id) on delete set null,
    granted_at text not null,
    primary key (user_id, role)
);

create table passkeys (
    -- base64url of the credential's raw id, as the browser reports it.
    id text primary key,
    user_id text not null references users (id) on delete cascade,
    public_key blob not null,
    sign_count integer not null default 0,
    transports text not null default '[]',
    device_type text not null default 'single_device',
    backed_up integer not null default 0,
    aaguid text not null default '',
    name text not null,
    created_at text not null,
    last_used_at text
);
create index passkeys_user on passkeys (user_id);

create table sessions (
    -- sha256 of the cookie's token: a stolen database holds no live cookie.
    id text primary key,
    user_id text not null references users (id) on delete cascade,
    user_agent text not null default '',
    created_at text not null,
    last_seen_at text not null,
    expires_at text not null
);
create index sessions_user on sessions (user_id);

-- A WebAuthn challenge waiting for its answer: single use, short-lived, bound
-- to one browser by the cookie that carries its id.
create table auth_challenges (
    id text primary key,
    purpose text not null check (purpose in ('register', 'login')),
    challenge blob not null,
    -- register: the account being made (new) or extended (signed in).
    user_id text references users (id) on delete cascade,
    user_handle blob,
    display_name text,
    created_at text not null,
    expires_at text not null
);

-- Venues -----------------------------------------------------------------

create table venues (
    id text primary key,
    name text not null,
    kind text not null,
    description text not null default '',
    address text not null default '',
    area text not null default '',
    latitude real,
    longitude real,
    opening_hours text not null default '',
    website text not null default '',
    phone text not null default '',
    price_notes text not null default '',
    age_min_months integer,
    age_max_months integer,
    created_by text references users (id) on delete set null,
    manager_id text references users (id) on delete set null,
    verified_at text,
    verified_by text references users (id) on delete set null,
    hidden_at text,
    hidden_reason text,
    created_at text not null,
    updated_at text not null
);
create index venues_area on venues (area);

-- One row per amenity a venue has said something about, with OpenStreetMap's
-- tag as the name (changing_table, baby_feeding, stroller, wheelchair, …).
create table venue_amenities (
    venue_id text not null references venues (id) on delete cascade,
    amenity text not null,
    value text not null,
    detail text not null default '',
    confirmed_at text not null,
    confirmed_by text references users (id) on delete set null,
    primary key (venue_id, amenity)
);

create table venue_claims (
    id text primary key,
    venue_id text not null references venues (id) on delete cascade,
    user_id text not null references users (id) on delete cascade,
    message text not null default '',
    status text not null default 'pending' check (status in ('pending', 'approved', 'refused')),
    created_at text not null,
    decided_at text,
    decided_by text references users (id) on delete set null
);
create unique index venue_claims_pending on venue_claims (venue_id, user_id) where status = 'pending';

-- Outings ----------------------------------------------------------------

create table outings (
    id text primary key,
    host_id text not null references users (id),
    title text not null,
    category text not null,
    description text not null default '',
    starts_at text not null,
    ends_at text not null,
    venue_id text references venues (id) on delete set null,
    place text not null default '',
    meeting_point text not null default '',
    -- show the meeting point only to the host and confirmed families
    meeting_point_private integer not null default 0,
    area text not null default '',
    age_min_months integer,
    age_max_months integer,
    -- in families; null means no limit
    capacity integer check (capacity is null or capacity >= 1),
    cost text not null default '',
    language text not null default '',
    status text not null default 'scheduled' check (status in ('scheduled', 'cancelled')),
    cancel_reason text not null default '',
    cancelled_at text,
    hidden_at text,
    hidden_reason text,
    -- iCalendar SEQUENCE: raised on every change of time or status
    sequence integer not null default 0,
    created_at text not null,
    updated_at text not null
);
create index outings_starts on outings (starts_at);
create index outings_area_starts on outings (area, starts_at);
create index outings_host on outings (host_id);

create table rsvps (
    outing_id text not null references outings (id) on delete cascade,
    user_id text not null references users (id) on delete cascade,
    status text not null check (status in ('going', 'maybe', 'declined')),
    adults integer not null default 1 check (adults >= 0),
    children integer not null default 0 check (children >= 0),
    state text not null default 'none' check (state in ('confirmed', 'waitlisted', 'none')),
    -- first come first served: a counter taken from sync_state when the
    -- server processed the "going", never the client's clock
    queued_seq integer,
    created_at text not null,
    updated_at text not null,
    primary key (outing_id, user_id)
);
create index rsvps_user on rsvps (user_id);
create index rsvps_queue on rsvps (outing_id, state, queued_seq);

create table comments (
    id text primary key,
    outing_id text not null references outings (id) on delete cascade,
    author_id text not null references users (id) on delete cascade,
    body text not null,
    created_at text not null,
    deleted_at text,
    hidden_at text,
    hidden_reason text
);
create index comments_outing on comments (outing_id, created_at);

-- In-app messages: "You're in for Zoo morning!", "cancelled by the host".
create table notifications (
    id text primary key,
    user_id text not null references users (id) on delete cascade,
    kind text not null,
    outing_id text references outings (id) on delete cascade,
    -- msgspec-encoded parameters; the words are chosen at display time so
    -- they come in the reader's language
    params text not null default '{}',
    created_at text not null,
    read_at text
);
create index notifications_user on notifications (user_id, read_at);

-- Moderation ---------------------------------------------------------------

create table reports (
    id text primary key,
    reporter_id text not null references users (id) on delete cascade,
    target_type text not null check (target_type in ('venue', 'outing', 'comment')),
    target_id text not null,
    reason text not null,
    created_at text not null,
    resolved_at text,
    resolved_by text references users (id) on delete set null,
    resolution text
);
create index reports_open on reports (resolved_at, created_at);

create table moderation_log (
    id text primary key,
    moderator_id text references users (id) on delete set null,
    action text not null,
    target_type text not null,
    target_id text not null,
    reason text not null default '',
    created_at text not null
);

-- Plain form posts carry an Idempotency-Key so a re-sent form applies once.
create table idempotency_keys (
    key text not null,
    user_id text not null references users (id) on delete cascade,
    result text not null,
    created_at text not null,
    primary key (user_id, key)
);

-- Sync -------------------------------------------------------------------

-- The change counter. Bumped inside the write transaction, so cursor order
-- is commit order; min_cursor is the oldest cursor pulls can continue from
-- once tombstones older than it are pruned.
create table sync_state (
    id integer primary key check (id = 1),
    cursor integer not null,
    min_cursor integer not null
);
insert into sync_state (id, cursor, min_cursor) values (1, 0, 0);

-- The latest change of each entity: a pull from cursor C sends every row
-- with cursor > C. op 'del' rows are the tombstones. owner_id limits a row
-- to one user's pulls (their own RSVPs).
create table sync_changes (
    entity_type text not null,
    entity_id text not null,
    cursor integer not null unique,
    op text not null check (op in ('put', 'del')),
    owner_id text,
    changed_at text not null,
    primary key (entity_type, entity_id)
);

create table sync_clients (
    id text primary key,
    user_id text not null references users (id) on delete cascade,
    last_mutation_id integer not null default 0,
    created_at text not null,
    updated_at text not null
);

-- Each processed mutation and its recorded result, returned again on replay.
create table sync_mutations (
    client_id text not null references sync_clients (id) on delete cascade,
    mutation_id integer not null,
    name text not null,
    status text not null check (status in ('applied', 'rejected')),
    result text not null,
    processed_at text not null,
    primary key (client_id, mutation_id)
)
