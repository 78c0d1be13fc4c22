-- The schema of SQLite migrations 0001–0015 on PostgreSQL, in one step: no PostgreSQL store
-- exists below version 15, and from 0016 on every schema step ships here under the same number
-- as in storage/migrations/ (tests/storage/test_migrations_pg.py holds both sets to that).
-- Conventions (docs: the issue-15 design, §3): ids bigint; flags integer 0/1 (the SQL that reads
-- them is shared with SQLite, and the site writes 0/1); times TEXT in ISO 8601 UTC with
-- milliseconds (what newsdesk binds, compares and sorts as text on both engines); JSON as text.
-- What SQLite reads as insertion order (rowid) is an identity column `seq` here.

-- Now as newsdesk writes times: "2026-12-01T05:00:54.000Z" (statement time, like SQLite's 'now').
CREATE FUNCTION newsdesk_now() RETURNS text LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT to_char(statement_timestamp() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')
$$;

-- The Arabic folding of storage.search.fold_arabic (and SQLite's articles_search_text view):
-- hamza/wasla alefs → ا, alef maksura → ي; harakat/tanwin U+064B–U+0652, tatweel, superscript
-- alef dropped (translate() drops characters of `from` that have no counterpart in `to`).
CREATE FUNCTION newsdesk_fold(t text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT translate(t,
        U&'\0622\0623\0625\0671\0649\064B\064C\064D\064E\064F\0650\0651\0652\0640\0670',
        U&'\0627\0627\0627\0627\064A')
$$;

-- What the index reads: folded, and the URL/e-mail punctuation PostgreSQL's parser keeps inside
-- one token ("user@example.com", "x.org/a") made a separator, as FTS5's unicode61 treats it.
CREATE FUNCTION newsdesk_search_text(t text) RETURNS text
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT translate(newsdesk_fold(t), '@./:_+#&=?%~', '            ')
$$;

-- The one text form of a time newsdesk writes, compares and sorts (ISO 8601 UTC, milliseconds).
CREATE FUNCTION newsdesk_is_time(t text) RETURNS boolean
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT t ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$'
$$;

-- One time value read exactly as SQLite's migration-0012 triggers read it (their CASE, and
-- SQLite's own date parser behind strftime), so both engines store the same text for the same
-- input: ISO 8601 with a space, T or t, a Z/UTC/GMT/UT suffix or an offset +HH:MM/+HHMM/+HH
-- (±14:59 at most); epoch seconds (9–11 digits, optional fraction) or milliseconds (12–14
-- digits); a date that does not exist (2026-02-31) is not accepted. NULL when it cannot be read.
-- Like SQLite, a time with no offset (or Z, or +00:00) keeps its fields as written ("24:30"
-- stays, seconds round to milliseconds and stop at 59.999); one with an offset is computed.
-- Digits are written [0-9], never \d, which may match other scripts' digits in some locales.
CREATE FUNCTION newsdesk_norm_time(raw text) RETURNS text
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    t text := btrim(raw, ' ');  -- SQLite's trim(): spaces only
    z text;
    o text;
    p text[];
    y integer;
    mo integer;
    d integer;
    days integer;
    h integer := 0;
    mi integer := 0;
    s numeric := 0;
    tz integer := 0;
    ms bigint;
    at timestamp;
BEGIN
    IF t IS NULL OR newsdesk_is_time(t) THEN
        RETURN t;
    END IF;
    -- Epoch seconds or milliseconds; a fraction rounds to the millisecond, half up.
    IF t ~ '^[0-9]{9,11}$' THEN
        ms := t::bigint * 1000;
    ELSIF t ~ '^[0-9]{12,14}$' THEN
        ms := t::bigint;
    ELSIF t ~ '^[0-9]{9,11}\.[0-9]+$' THEN
        ms := round(t::numeric * 1000);
    END IF;
    IF ms IS NOT NULL THEN
        -- Whole days plus the rest in milliseconds: interval arithmetic stays exact.
        at := timestamp '1970-01-01' + make_interval(days => (ms / 86400000)::integer)
              + (ms % 86400000) * interval '1 millisecond';
        RETURN to_char(at, 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"');
    END IF;
    -- 0012's suffix and offset rewrites, in its order.
    IF upper(t) ~ '[0-9 ](UTC|GMT)$' THEN
        z := rtrim(left(t, -3), ' ') || 'Z';
    ELSIF upper(t) ~ '[0-9 ]UT$' THEN
        z := rtrim(left(t, -2), ' ') || 'Z';
    ELSIF substr(t, 11, 1) = 't' THEN
        z := substr(t, 1, 10) || 'T' || substr(t, 12);
    ELSE
        z := t;
    END IF;
    IF z ~ '[0-9 ][+-][0-9]{4}$' THEN
        o := left(z, -2) || ':' || right(z, 2);
    ELSIF z ~ '[0-9]:[0-9]{2}.*[0-9][+-][0-9]{2}$' THEN
        o := z || ':00';
    ELSE
        o := z;
    END IF;
    -- SQLite's grammar: YYYY-MM-DD, any run of white space and T, then optionally HH:MM[:SS[.f]],
    -- white space, Z/z or ±HH:MM, white space.
    p := regexp_match(o,
        '^([0-9]{4})-([0-9]{2})-([0-9]{2})[ \t\n\v\f\rT]*'
        '(?:([0-9]{2}):([0-9]{2})(?::([0-9]{2})(\.[0-9]+)?)?[ \t\n\v\f\r]*'
        '(?:[Zz]|([+-])([0-9]{2}):([0-9]{2}))?[ \t\n\v\f\r]*)?$');
    IF p IS NULL THEN
        RETURN NULL;
    END IF;
    y := p[1]::integer;
    mo := p[2]::integer;
    d := p[3]::integer;
    -- The days of the month in the proleptic Gregorian calendar, as SQLite's date() counts them.
    days := CASE WHEN mo = 2 AND y % 4 = 0 AND (y % 100 <> 0 OR y % 400 = 0) THEN 29
                 WHEN mo = 2 THEN 28 WHEN mo IN (4, 6, 9, 11) THEN 30 ELSE 31 END;
    IF mo NOT BETWEEN 1 AND 12 OR d NOT BETWEEN 1 AND days THEN
        RETURN NULL;
    END IF;
    IF p[4] IS NOT NULL THEN
        h := p[4]::integer;
        mi := p[5]::integer;
        s := coalesce(p[6]::numeric, 0) + coalesce(('0' || p[7])::numeric, 0);
        IF h > 24 OR mi > 59 OR coalesce(p[6]::integer, 0) > 59 THEN
            RETURN NULL;
        END IF;
        IF p[8] IS NOT NULL THEN
            IF p[9]::integer > 14 OR p[10]::integer > 59 THEN
                RETURN NULL;
            END IF;
            tz := (p[9]::integer * 60 + p[10]::integer) * CASE p[8] WHEN '-' THEN -1 ELSE 1 END;
        END IF;
    END IF;
    -- The instant, for SQLite's range (years 0000–9999; PostgreSQL counts year 0 as 1 BC).
    ms := h * 3600000::bigint + mi * 60000 + floor(s * 1000 + 0.5)::bigint - tz * 60000;
    at := make_date(CASE WHEN y = 0 THEN -1 ELSE y END, mo, d)::timestamp
          + make_interval(days => (ms / 86400000)::integer)
          + (ms % 86400000) * interval '1 millisecond';
    IF at >= timestamp '10000-01-01' THEN
        RETURN NULL;
    END IF;
    IF tz = 0 THEN
        RETURN p[1] || '-' || p[2] || '-' || p[3] || 'T' || to_char(h, 'FM00') || ':'
            || to_char(mi, 'FM00') || ':' || to_char(round(least(s, 59.999), 3), 'FM00.000')
            || 'Z';
    END IF;
    -- SQLite prints the astronomical year with %04d: 0000 for 1 BC, -001 for 2 BC.
    y := extract(year FROM at)::integer;
    y := CASE WHEN y < 0 THEN y + 1 ELSE y END;
    RETURN CASE WHEN y < 0 THEN '-' || lpad((-y)::text, 3, '0') ELSE lpad(y::text, 4, '0') END
        || to_char(at, '-MM-DD"T"HH24:MI:SS.MS"Z"');
END
$$;

-- The public table. The site may write rows directly; every bookkeeping column has a default.
CREATE TABLE articles (
    id           bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    guid         text    NOT NULL UNIQUE,
    url          text,
    title        text    NOT NULL,
    category     text,
    byline       text,
    published_at text    NOT NULL DEFAULT newsdesk_now(),
    summary      text,
    body         text,
    image_url    text,
    language     text,
    source       text,
    is_breaking  integer NOT NULL DEFAULT 0 CHECK (is_breaking IN (0, 1)),
    created_at   text    NOT NULL DEFAULT newsdesk_now(),
    updated_at   text    NOT NULL DEFAULT newsdesk_now(),
    retracted_at text,
    date_only    integer NOT NULL DEFAULT 0,
    hold_reason  text,
    -- What /search reads: the folded text, title weighs most (A), then summary (B), body (D).
    search_vector tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('simple', newsdesk_search_text(coalesce(title, ''))), 'A')
        || setweight(to_tsvector('simple', newsdesk_search_text(coalesce(summary, ''))), 'B')
        || setweight(to_tsvector('simple', newsdesk_search_text(coalesce(body, ''))), 'D')
    ) STORED
);
CREATE INDEX articles_published_at ON articles (published_at);
CREATE INDEX articles_category_published ON articles (category, published_at);
CREATE INDEX articles_search ON articles USING gin (search_vector);

CREATE TABLE article_problems (
    article_id  bigint PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    reason      text,
    reported_at text
);

-- Times normalised at the door, and a content edit that left updated_at alone bumps it: the
-- meaning of SQLite's 0012 triggers, as BEFORE triggers that change NEW directly. An UPDATE is
-- looked at only when SQLite's trigger would fire (a time not in newsdesk's form, or a CMS
-- edit), and a row whose times stay unreadable is flagged then, as there.
-- One deliberate difference: on SQLite, an INSERT whose published_at had to be normalised also
-- sets updated_at to now (0012's insert trigger updates the row, which fires its update
-- trigger, which sees published_at "edited"); here an INSERT keeps the site's updated_at.
CREATE FUNCTION articles_times() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    edited boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.published_at := coalesce(newsdesk_norm_time(NEW.published_at), NEW.published_at);
        NEW.created_at := coalesce(newsdesk_norm_time(NEW.created_at), NEW.created_at);
        NEW.updated_at := coalesce(newsdesk_norm_time(NEW.updated_at), NEW.updated_at);
        RETURN NEW;
    END IF;
    -- Compared as written, before any normalising, as SQLite's WHEN compares them.
    edited := NEW.updated_at = OLD.updated_at AND (
        NEW.title IS DISTINCT FROM OLD.title OR NEW.summary IS DISTINCT FROM OLD.summary
        OR NEW.body IS DISTINCT FROM OLD.body OR NEW.image_url IS DISTINCT FROM OLD.image_url
        OR NEW.category IS DISTINCT FROM OLD.category OR NEW.byline IS DISTINCT FROM OLD.byline
        OR NEW.url IS DISTINCT FROM OLD.url
        OR NEW.published_at IS DISTINCT FROM OLD.published_at);
    IF edited OR NOT newsdesk_is_time(NEW.published_at) OR NOT newsdesk_is_time(NEW.updated_at)
    THEN
        NEW.published_at := coalesce(newsdesk_norm_time(NEW.published_at), NEW.published_at);
        NEW.updated_at := CASE WHEN edited THEN newsdesk_now()
            ELSE coalesce(newsdesk_norm_time(NEW.updated_at), NEW.updated_at) END;
        IF NOT (newsdesk_is_time(NEW.published_at) AND newsdesk_is_time(NEW.created_at)
                AND newsdesk_is_time(NEW.updated_at)) THEN
            INSERT INTO article_problems (article_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
        END IF;
    END IF;
    RETURN NEW;
END
$$;
CREATE TRIGGER articles_times BEFORE INSERT OR UPDATE ON articles
    FOR EACH ROW EXECUTE FUNCTION articles_times();

-- What SQL could not read is kept as written and flagged (the publisher repairs it in Python,
-- storage/article_problems.py). After the insert, so the flag's foreign key finds the row.
CREATE FUNCTION articles_flag_times() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO article_problems (article_id) VALUES (NEW.id) ON CONFLICT DO NOTHING;
    RETURN NULL;
END
$$;
CREATE TRIGGER articles_flag_times AFTER INSERT ON articles FOR EACH ROW
    WHEN (NOT (newsdesk_is_time(NEW.published_at) AND newsdesk_is_time(NEW.created_at)
               AND newsdesk_is_time(NEW.updated_at)))
    EXECUTE FUNCTION articles_flag_times();

CREATE TABLE instance_lease (
    name         text PRIMARY KEY,
    holder       text    NOT NULL,
    hostname     text    NOT NULL,
    pid          integer NOT NULL,
    acquired_at  text    NOT NULL,
    heartbeat_at text    NOT NULL
);

-- `seq`: the insertion order SQLite's queries read as rowid ("the first channel's record").
CREATE TABLE deliveries (
    article_id      bigint  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    channel         text    NOT NULL DEFAULT '',
    state           text    NOT NULL CHECK (
        state IN ('pending', 'sending', 'posted', 'failed', 'skipped', 'uncertain')
    ),
    chat_id         text,
    message_id      bigint,
    posted_at       text,
    has_photo       integer NOT NULL DEFAULT 0,
    content_hash    text,
    attempts        integer NOT NULL DEFAULT 0,
    next_attempt_at text,
    last_error      text,
    skip_reason     text,
    updated_at      text    NOT NULL,
    reported_at     text,
    corrections     integer NOT NULL DEFAULT 0,
    corrected_at    text,
    seq             bigint  GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (article_id, channel)
);
CREATE INDEX deliveries_state ON deliveries (state, next_attempt_at);
CREATE INDEX deliveries_channel ON deliveries (channel, state, next_attempt_at);
CREATE INDEX deliveries_posted ON deliveries (posted_at) WHERE posted_at IS NOT NULL;

CREATE TABLE source_state (
    name                 text PRIMARY KEY,
    etag                 text,
    last_modified        text,
    content_sha256       text,
    entry_count          integer NOT NULL DEFAULT 0,
    last_fetch_at        text,
    last_success_at      text,
    failing_since        text,
    consecutive_failures integer NOT NULL DEFAULT 0,
    next_attempt_at      text,
    last_error           text,
    first_fetch_done     integer NOT NULL DEFAULT 0 CHECK (first_fetch_done IN (0, 1)),
    alerted              integer NOT NULL DEFAULT 0 CHECK (alerted IN (0, 1))
);

CREATE TABLE bot_state (
    key        text PRIMARY KEY,
    value      text NOT NULL,
    updated_at text NOT NULL
);

CREATE TABLE users (
    id            bigint PRIMARY KEY,
    language      text,
    language_code text,
    alerts_opt_in integer NOT NULL DEFAULT 0 CHECK (alerts_opt_in IN (0, 1)),
    active        integer NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    first_seen    text    NOT NULL,
    last_seen     text    NOT NULL,
    started_at    text
);
CREATE INDEX users_alert_recipients ON users (id) WHERE alerts_opt_in = 1 AND active = 1;

-- The cascade covers the site's deletes too (no SQLite-style trigger needed: PostgreSQL
-- always enforces foreign keys).
CREATE TABLE favorites (
    user_id        bigint  NOT NULL,
    article_id     bigint  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    saved_at       text    NOT NULL,
    saved          integer NOT NULL DEFAULT 1 CHECK (saved IN (0, 1)),
    first_saved_at text,
    PRIMARY KEY (user_id, article_id)
);
CREATE INDEX favorites_by_user_time ON favorites (user_id, saved_at DESC) WHERE saved = 1;
CREATE INDEX favorites_by_article ON favorites (article_id, saved, first_saved_at);

CREATE TABLE audit_log (
    id       bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    at       text   NOT NULL,
    actor_id bigint NOT NULL,
    actor    text   NOT NULL,
    action   text   NOT NULL,
    target   text   NOT NULL DEFAULT '',
    result   text   NOT NULL
);

CREATE TABLE held_commands (
    id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    actor_id      bigint NOT NULL,
    command       text   NOT NULL,
    args          text   NOT NULL,
    photo_file_id text,
    sent_at       text   NOT NULL,
    held_at       text   NOT NULL,
    state         text   NOT NULL DEFAULT 'held' CHECK (state IN ('held', 'run', 'dropped'))
);

CREATE TABLE breaking_previews (
    id            bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    actor_id      bigint NOT NULL,
    text          text,
    photo_file_id text,
    article_id    bigint REFERENCES articles (id) ON DELETE SET NULL,
    fingerprint   text   NOT NULL,
    created_at    text   NOT NULL,
    state         text   NOT NULL DEFAULT 'open' CHECK (
        state IN ('open', 'publishing', 'published', 'failed', 'cancelled')
    ),
    decided_at    text,
    message_id    bigint,
    channels      text
);
CREATE INDEX breaking_previews_recent ON breaking_previews (fingerprint, decided_at)
    WHERE state = 'published';

CREATE TABLE breaking_posts (
    article_id    bigint  NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    channel       text    NOT NULL DEFAULT '',
    chat_id       text    NOT NULL,
    message_id    bigint  NOT NULL,
    photo_file_id text,
    posted_at     text    NOT NULL,
    pinned        integer NOT NULL DEFAULT 0 CHECK (pinned IN (0, 1)),
    unpin_at      text,
    seq           bigint  GENERATED ALWAYS AS IDENTITY,
    PRIMARY KEY (article_id, channel)
);
CREATE INDEX breaking_posts_unpin ON breaking_posts (unpin_at) WHERE pinned = 1;

CREATE TABLE superseded_posts (
    article_id bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    chat_id    text   NOT NULL,
    message_id bigint NOT NULL,
    channel    text   NOT NULL DEFAULT '',
    PRIMARY KEY (chat_id, message_id)
);
CREATE INDEX superseded_posts_article ON superseded_posts (article_id);

CREATE TABLE alerts (
    id          bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY,
    article_id  bigint NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    post_url    text,
    created_at  text   NOT NULL,
    finished_at text
);

CREATE TABLE alert_recipients (
    alert_id   bigint NOT NULL REFERENCES alerts (id) ON DELETE CASCADE,
    user_id    bigint NOT NULL,
    language   text,
    state      text   NOT NULL DEFAULT 'pending' CHECK (
        state IN ('pending', 'sending', 'sent', 'failed', 'blocked', 'uncertain')
    ),
    error      text,
    updated_at text,
    PRIMARY KEY (alert_id, user_id)
);
CREATE INDEX alert_recipients_pending ON alert_recipients (alert_id, state);

CREATE TABLE post_reactions (
    channel    text    NOT NULL,
    message_id bigint  NOT NULL,
    total      integer NOT NULL CHECK (total >= 0),
    counts     text    NOT NULL,
    counted_at text    NOT NULL,
    PRIMARY KEY (channel, message_id)
);

CREATE TABLE insight_sends (
    kind       text   NOT NULL CHECK (kind IN ('digest', 'weekly')),
    target     text   NOT NULL,
    period     text   NOT NULL,
    state      text   NOT NULL CHECK (state IN ('sending', 'sent', 'skipped', 'uncertain')),
    message_id bigint,
    detail     text,
    updated_at text   NOT NULL,
    PRIMARY KEY (kind, target, period)
);

-- The reader's words as one tsquery: each term a phrase of its tokens (as FTS5's quoted
-- strings are), all terms (AND) or any (OR). Never parses user text as tsquery syntax.
CREATE FUNCTION newsdesk_tsquery(terms text[], any_term boolean) RETURNS tsquery
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $$
DECLARE
    result tsquery;
    term text;
    part tsquery;
BEGIN
    FOREACH term IN ARRAY terms LOOP
        part := phraseto_tsquery('simple', newsdesk_fold(term));
        CONTINUE WHEN numnode(part) = 0;
        result := CASE WHEN result IS NULL THEN part
                       WHEN any_term THEN result || part ELSE result && part END;
    END LOOP;
    RETURN result;
END
$$;
