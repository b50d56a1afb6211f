-- One member sent 20 reports on one outing, and each told the venue's manager
-- (issue 11). A person has one open report per thing: sending it again adds
-- nothing. Open duplicates already there are closed as such, the first kept.
create temp table duplicate_reports as
select r.id
from reports r
where r.resolved_at is null
  and exists (
    select 1 from reports e
    where e.resolved_at is null
      and e.reporter_id = r.reporter_id
      and e.target_type = r.target_type
      and e.target_id = r.target_id
      and (e.created_at, e.id) < (r.created_at, r.id)
  );

update reports set resolved_at = created_at, resolution = 'duplicate'
where id in (select id from duplicate_reports);

drop table duplicate_reports;

create unique index reports_once on reports (reporter_id, target_type, target_id)
where resolved_at is null;
