-- The provider's profile photo (issue 13): one per provider, already re-encoded by the app
-- (square, 512 px, metadata stripped) as WebP and JPEG. `hash` fingerprints the bytes: the public
-- URL /p/<hash>.webp never changes meaning, so it can be cached forever. settings.profile.photo
-- names the current one.

create table public.provider_photos (
  owner_user_id uuid primary key references auth.users(id) on delete cascade,
  hash text not null check (hash ~ '^[0-9a-f]{32}$'),
  webp bytea not null check (octet_length(webp) <= 1048576),
  jpeg bytea not null check (octet_length(jpeg) <= 1048576),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);

create index provider_photos_hash_idx on public.provider_photos (hash);

create trigger provider_photos_touch
  before update on public.provider_photos
  for each row execute function public.touch_updated_at();

alter table public.provider_photos enable row level security;

create policy provider_photos_select on public.provider_photos
  for select using (auth.uid() = owner_user_id);
create policy provider_photos_insert on public.provider_photos
  for insert with check (auth.uid() = owner_user_id);
create policy provider_photos_update on public.provider_photos
  for update using (auth.uid() = owner_user_id) with check (auth.uid() = owner_user_id);
create policy provider_photos_delete on public.provider_photos
  for delete using (auth.uid() = owner_user_id);

revoke all on public.provider_photos from anon;
grant select, insert, update, delete on public.provider_photos to authenticated, service_role;
