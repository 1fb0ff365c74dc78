-- Connected external services (iCloud / CalDAV) and their secrets, kept apart on purpose.
-- This is the original shape: integrations still carries selected_calendar_ids; the next
-- migration moves that selection to providers.settings.

create extension if not exists pgcrypto;

create or replace function public.touch_updated_at()
returns trigger
language plpgsql
set search_path = ''
as $$
begin
  new.updated_at := now();
  return new;
end;
$$;

create table public.integrations (
  id uuid primary key default gen_random_uuid(),
  user_id uuid not null references auth.users(id) on delete cascade,
  integration_type text not null,
  label text,
  status text not null default 'active',
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  external_username text,
  external_email text,
  selected_calendar_ids text[]
);

create index integrations_user_id_idx on public.integrations (user_id);
create unique index integrations_user_type_uq on public.integrations (user_id, integration_type);

create trigger integrations_touch
  before update on public.integrations
  for each row execute function public.touch_updated_at();

create table public.integration_secrets (
  integration_id uuid primary key references public.integrations(id) on delete cascade,
  user_id uuid not null references auth.users(id) on delete cascade,
  secret jsonb not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index integration_secrets_user_id_idx on public.integration_secrets (user_id);

-- Security invoker on purpose: the lookup runs under the writer's RLS, so a secret can only be
-- attached to an integration the writer can see, whatever user_id the row claims.
create or replace function public.enforce_integration_owner()
returns trigger
language plpgsql
set search_path = ''
as $$
declare
  owner_id uuid;
begin
  select i.user_id into owner_id
  from public.integrations i
  where i.id = new.integration_id;

  if owner_id is null then
    raise exception 'integration % does not exist or is not yours', new.integration_id
      using errcode = '42501';
  end if;

  if new.user_id is null then
    new.user_id := owner_id;
  elsif new.user_id <> owner_id then
    raise exception 'integration_secrets.user_id must match the integration''s owner'
      using errcode = '42501';
  end if;

  return new;
end;
$$;

create trigger integration_secrets_owner
  before insert or update on public.integration_secrets
  for each row execute function public.enforce_integration_owner();

create trigger integration_secrets_touch
  before update on public.integration_secrets
  for each row execute function public.touch_updated_at();

alter table public.integrations enable row level security;
alter table public.integration_secrets enable row level security;

create policy integrations_select on public.integrations
  for select using (auth.uid() = user_id);
create policy integrations_insert on public.integrations
  for insert with check (auth.uid() = user_id);
create policy integrations_update on public.integrations
  for update using (auth.uid() = user_id) with check (auth.uid() = user_id);
create policy integrations_delete on public.integrations
  for delete using (auth.uid() = user_id);

create policy integration_secrets_select on public.integration_secrets
  for select using (auth.uid() = user_id);
create policy integration_secrets_insert on public.integration_secrets
  for insert with check (auth.uid() = user_id);
create policy integration_secrets_update on public.integration_secrets
  for update using (auth.uid() = user_id) with check (auth.uid() = user_id);
create policy integration_secrets_delete on public.integration_secrets
  for delete using (auth.uid() = user_id);

-- Supabase no longer grants new public tables to its API roles: say exactly who may use them.
-- anon gets nothing: the public page reads through the server's service path only.
revoke all on public.integrations, public.integration_secrets from anon;
grant select, insert, update, delete on public.integrations, public.integration_secrets
  to authenticated, service_role;
