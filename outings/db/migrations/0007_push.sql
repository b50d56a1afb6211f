-- Web Push (issue 14): each phone or browser a parent turned notifications
-- on for, and the queue that carries each notification to each of them.

create table push_subscriptions (
    id text primary key,
    user_id text not null references users (id) on delete cascade,
    -- the push service's URL for this browser: secret, unique per browser
    endpoint text not null unique,
    -- the browser's public key (P-256, base64url) and auth secret (RFC 8291)
    p256dh text not null,
    auth text not null,
    -- the words a notification is written in: the language the parent used
    -- when she turned it on, on this device
    locale text not null,
    -- "Chrome on Android": how /me names the device
    label text not null default '',
    created_at text not null
);
create index push_subscriptions_user on push_subscriptions (user_id);

create table push_deliveries (
    id text primary key,
    -- a row of notifications, or a reminder's own key; with the subscription
    -- unique, so one notification reaches one device at most once
    notification_id text not null,
    subscription_id text not null references push_subscriptions (id) on delete cascade,
    -- the JSON the service worker shows, already in the device's language
    payload text not null,
    -- quiet hours: not sent before this moment
    not_before text not null,
    attempts integer not null default 0,
    next_try text not null,
    -- a sender claims rows in a transaction; a claim older than a few minutes
    -- is from a process that stopped, and is taken over
    claimed_at text,
    claimed_by text,
    sent_at text,
    dropped text,
    created_at text not null,
    unique (notification_id, subscription_id)
);
create index push_deliveries_due on push_deliveries (sent_at, dropped, next_try);

-- The enqueuer looks at notifications of the last day only.
create index notifications_created on notifications (created_at);

-- What a parent wants pushed, and when not: kinds she switched off (a
-- space-separated list of groups: promoted, news, reminders) and her quiet
-- hours (local "HH:MM"; from = until means none). No row: everything, 21:00-08:00.
create table push_preferences (
    user_id text primary key references users (id) on delete cascade,
    kinds_off text not null default '',
    quiet_from text not null default '21:00',
    quiet_until text not null default '08:00',
    updated_at text not null
);
