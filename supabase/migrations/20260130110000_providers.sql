-- The provider "business identity", 1:1 with a user for now. The calendar selection moves here
-- from integrations.selected_calendar_ids (settings.calendar.selectedCalendarIds).

create table public.providers (
  id uuid primary key default gen_random_uuid(),
  owner_user_id uuid not null references auth.users(id) on delete cascade,
  public_slug text,
  is_public boolean not null default false,
  timezone text not null default 'Asia/Dubai',
  settings jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create unique index providers_owner_user_id_uq on public.providers (owner_user_id);
create unique index providers_public_slug_uq on public.providers (public_slug);

create trigger providers_touch
  before update on public.providers
  for each row execute function public.touch_updated_at();

alter table public.providers enable row level security;

create policy providers_select on public.providers
  for select using (auth.uid() = owner_user_id);
create policy providers_insert on public.providers
  for insert with check (auth.uid() = owner_user_id);
create policy providers_update on public.providers
  for update using (auth.uid() = owner_user_id) with check (auth.uid() = owner_user_id);
create policy providers_delete on public.providers
  for delete using (auth.uid() = owner_user_id);

revoke all on public.providers from anon;
grant select, insert, update, delete on public.providers to authenticated, service_role;

-- Backfill: one provider per user who has integrations (several integrations, one provider).
insert into public.providers (owner_user_id)
select distinct user_id from public.integrations
on conflict (owner_user_id) do nothing;

-- Move the selection only where the old column exists, so this also runs on a database that
-- never had it. A user's selections from several integrations are merged, duplicates removed,
-- first-seen order kept.
do $$
begin
  if exists (
    select 1 from information_schema.columns
    where table_schema = 'public' and table_name = 'integrations'
      and column_name = 'selected_calendar_ids'
  ) then
    execute $move$
      update public.providers p
      set settings = jsonb_set(
        p.settings,
        '{calendar}',
        coalesce(p.settings -> 'calendar', '{}'::jsonb)
          || jsonb_build_object('selectedCalendarIds', s.ids)
      )
      from (
        select user_id, jsonb_agg(calendar_id order by first_seen) as ids
        from (
          select i.user_id, c.calendar_id, min(array[extract(epoch from i.created_at), c.ord]) as first_seen
          from public.integrations i
          cross join lateral unnest(i.selected_calendar_ids) with ordinality as c(calendar_id, ord)
          where c.calendar_id is not null
          group by i.user_id, c.calendar_id
        ) distinct_ids
        group by user_id
      ) s
      where s.user_id = p.owner_user_id
    $move$;
    execute 'alter table public.integrations drop column selected_calendar_ids';
  end if;
end;
$$;
