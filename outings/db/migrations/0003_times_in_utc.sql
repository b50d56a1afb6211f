-- Times pushed with a UTC offset were stored with it ('…T09:26:15+05:00')
-- while lists, "upcoming" and the day windows compare the stored strings:
-- every time becomes UTC ('…Z'), the one form that compares in time order.
-- A time with no UTC equivalent before year 9999 (pushed as
-- '9999-12-31T20:00:00-14:00') broke the list for everyone: such an outing
-- ends in the past, when it was made, so no list shows it. Each outing
-- changed here is sent again to phones (a new cursor for each).
create temp table fixed_times as
select id,
       strftime('%Y-%m-%dT%H:%M:%SZ', starts_at) as starts_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', ends_at) as ends_at,
       strftime('%Y-%m-%dT%H:%M:%SZ', created_at) as made_at,
       row_number() over (order by id) as n
from outings
where starts_at not like '%Z' or ends_at not like '%Z' or starts_at >= '9999';

update fixed_times set starts_at = made_at, ends_at = made_at
where starts_at is null or ends_at is null or starts_at >= '9999' or ends_at >= '9999';

update outings set
  starts_at = (select f.starts_at from fixed_times f where f.id = outings.id),
  ends_at = (select f.ends_at from fixed_times f where f.id = outings.id)
where id in (select id from fixed_times);

update sync_changes set
  cursor = (select s.cursor from sync_state s where s.id = 1)
    + (select f.n from fixed_times f where f.id = sync_changes.entity_id),
  changed_at = strftime('%Y-%m-%dT%H:%M:%fZ', 'now')
where entity_type = 'outing' and op = 'put' and entity_id in (select id from fixed_times);

update sync_state set cursor = cursor + (select count(*) from fixed_times) where id = 1;

drop table fixed_times;
