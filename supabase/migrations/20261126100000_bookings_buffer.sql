-- The buffer between sessions is part of what two concurrent taps must not both get (issue 15
-- follow-up). The engine keeps `bufferMinutes` free around every busy time, so a hold on 10:00-11:00
-- with a 15-minute buffer makes 11:00 unavailable; but two taps on 10:00 and 11:00 arriving at the
-- same moment both passed that check, and bookings_no_overlap (start_at, end_at) let both in.
--
-- blocked_until = end_at + the provider's buffer at the time of the tap, written by the server.
-- An index expression cannot add the interval itself (timestamptz + interval is only STABLE), hence
-- the column. Null (rows from before this migration) means end_at.

alter table public.bookings add column blocked_until timestamptz;
alter table public.bookings add constraint bookings_blocked_until_check check (blocked_until is null or blocked_until >= end_at);

-- Two active rows of one provider may not overlap once each is extended by its buffer: with equal
-- buffers that is exactly the engine's rule ([start - buffer, end + buffer) of the other is busy).
alter table public.bookings add constraint bookings_no_overlap_with_buffer exclude using gist (
  provider_id with =,
  tstzrange(start_at, coalesce(blocked_until, end_at), '[)') with &&
) where (state in ('held', 'confirmed'));
