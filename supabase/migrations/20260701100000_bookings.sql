-- Holds and bookings: a client's tap on a slot holds it (state 'held', for HOLD_MINUTES); the
-- provider confirms it (into their calendar) or releases it. Active rows ('held' not yet expired,
-- 'confirmed') are busy time on the public page.
--
-- Who may do what:
-- - the provider (role authenticated) reads and updates their own rows: state and the calendar
--   fields only (column grants), never the time, the reference or the client's hash;
-- - inserts happen only on the server's booking path (role service_role, server-side only, after
--   the slot was checked against the calendar and the abuse limits); anon gets nothing at all.

-- Exclusion constraints mix "=" on the provider with "&&" on the time range: gist needs btree_gist
-- for the "=" part. Supabase ships it; PGlite loads it as a contrib extension.
create extension if not exists btree_gist;

create table public.bookings (
  id uuid primary key default gen_random_uuid(),
  provider_id uuid not null references public.providers(id) on delete cascade,
  start_at timestamptz not null,
  end_at timestamptz not null,
  state text not null default 'held',
  -- Short code the client's WhatsApp message carries ("K7Q2"), so the provider can match chat and request.
  reference text not null,
  created_at timestamptz not null default now(),
  -- A hold is active until then; the server sets it (created_at + HOLD_MINUTES) and reads it with its own clock.
  expires_at timestamptz not null,
  -- HMAC-SHA256 of the client's network address under a server secret (hex): enough to count
  -- holds per address for the abuse limits, useless to identify anyone without the secret.
  client_hash text not null,
  confirmed_at timestamptz,
  released_at timestamptz,
  -- Where Confirm wrote the event (null: confirmed without a writable calendar).
  calendar_url text,
  event_uid text,
  constraint bookings_state_check check (state in ('held', 'confirmed', 'released', 'expired')),
  constraint bookings_time_check check (end_at > start_at),
  constraint bookings_reference_check check (reference ~ '^[A-Z0-9]{4,8}$'),
  -- Two concurrent taps on one slot: exactly one active row. Overlap (not just equal starts), so a
  -- slot length changed in between cannot double-book either. 'held' rows past expires_at still
  -- count here until the booking path marks them 'expired' (it does so before inserting).
  constraint bookings_no_overlap exclude using gist (
    provider_id with =,
    tstzrange(start_at, end_at, '[)') with &&
  ) where (state in ('held', 'confirmed'))
);

create unique index bookings_provider_reference_uq on public.bookings (provider_id, reference);
create index bookings_provider_start_idx on public.bookings (provider_id, start_at);
create index bookings_client_created_idx on public.bookings (client_hash, created_at);

alter table public.bookings enable row level security;

create policy bookings_select on public.bookings
  for select using (
    exists (select 1 from public.providers p where p.id = provider_id and p.owner_user_id = auth.uid())
  );
create policy bookings_update on public.bookings
  for update using (
    exists (select 1 from public.providers p where p.id = provider_id and p.owner_user_id = auth.uid())
  ) with check (
    exists (select 1 from public.providers p where p.id = provider_id and p.owner_user_id = auth.uid())
  );
-- No insert or delete policy for authenticated: with RLS on, that refuses both.

revoke all on public.bookings from anon, authenticated;
grant select on public.bookings to authenticated;
grant update (state, confirmed_at, released_at, calendar_url, event_uid) on public.bookings to authenticated;
grant select, insert, update, delete on public.bookings to service_role;
