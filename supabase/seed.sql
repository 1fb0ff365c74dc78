-- Demo data for `supabase db reset` and for the app's first start on a new local database.
-- Demo sign-in: demo@example.com / demo-password-123 (change or delete it before going live).
do $$
declare
  demo_id uuid := '00000000-0000-4000-8000-00000000d3e0';
begin
  if exists (select 1 from auth.users where id = demo_id) then
    return;
  end if;

  insert into auth.users (instance_id, id, aud, role, email, encrypted_password,
                          email_confirmed_at, raw_app_meta_data, raw_user_meta_data,
                          created_at, updated_at)
  values ('00000000-0000-0000-0000-000000000000', demo_id, 'authenticated', 'authenticated',
          'demo@example.com', crypt('demo-password-123', gen_salt('bf', 10)), now(),
          '{"provider":"email","providers":["email"]}', '{}', now(), now());

  -- Supabase Auth signs in through auth.identities; the local bootstrap has no such table.
  if to_regclass('auth.identities') is not null then
    execute $i$
      insert into auth.identities (id, user_id, provider_id, identity_data, provider,
                                   last_sign_in_at, created_at, updated_at)
      values (gen_random_uuid(), $1, $1::text,
              jsonb_build_object('sub', $1::text, 'email', 'demo@example.com'),
              'email', now(), now(), now())
    $i$ using demo_id;
  end if;

  insert into public.providers (owner_user_id, public_slug, is_public, timezone, settings)
  values (demo_id, 'demo-trainer', true, 'Asia/Dubai', jsonb_build_object(
    'displayName', 'Demo Personal Trainer',
    'workingHours', jsonb_build_object('timezone', 'Asia/Dubai', 'days', jsonb_build_array(1, 2, 3, 4, 5),
                                       'start', '09:00', 'end', '17:00'),
    'whatsapp', jsonb_build_object('enabled', true, 'phoneE164', '+971500000000',
                                   'messageTemplate', 'Hi! Can I book {date} at {time}?'),
    'booking', jsonb_build_object('slotMinutes', 60, 'bufferMinutes', 0, 'minNoticeHours', 2, 'horizonDays', 14),
    -- English by default with a link to Arabic (/c/demo-trainer?lang=ar).
    'locale', jsonb_build_object('language', 'both', 'digits', 'arab', 'clock', 'h24',
                                 'clientZones', jsonb_build_array('Europe/London', 'Asia/Riyadh', 'Africa/Cairo',
                                                                  'Asia/Kolkata', 'Asia/Karachi', 'Asia/Manila'))
  ));
end;
$$;
