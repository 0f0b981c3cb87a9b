-- Canonical schema of the ivp store (DuckDB). Plain SQL, portable to a larger engine.
-- Every data row carries the dataset key (source_id, dataset) it came from, so a reload replaces exactly
-- the rows of that dataset.

CREATE TABLE IF NOT EXISTS sources (
    source_id    VARCHAR NOT NULL,   -- adapter id: 'cbs', 'bevolking', 'geo', 'politie-overlast', ...
    dataset      VARCHAR NOT NULL,   -- e.g. '47018NED', or the file name for file sources
    title        VARCHAR NOT NULL,
    publisher    VARCHAR NOT NULL,   -- e.g. 'CBS / Politie'
    licence      VARCHAR NOT NULL,   -- e.g. 'CC BY 4.0'
    origin       VARCHAR NOT NULL,   -- path or URL it was read from
    vintage      VARCHAR,            -- the publisher's version/modification date, if known
    period       VARCHAR,            -- e.g. '2012-2025'
    retrieved_at TIMESTAMP NOT NULL, -- when the bytes were fetched
    loaded_at    TIMESTAMP NOT NULL,
    file_hash    VARCHAR NOT NULL,   -- sha256 over the raw input
    row_count    BIGINT NOT NULL,    -- rows written to the data tables
    notes        VARCHAR,
    PRIMARY KEY (source_id, dataset)
);

-- Append-only: every load and replacement, for the provenance appendix and audits.
CREATE TABLE IF NOT EXISTS source_history (
    source_id    VARCHAR NOT NULL,
    dataset      VARCHAR NOT NULL,
    action       VARCHAR NOT NULL,   -- 'geladen' | 'vervangen' | 'ongewijzigd'
    vintage      VARCHAR,
    previous_vintage VARCHAR,
    file_hash    VARCHAR NOT NULL,
    previous_hash VARCHAR,
    row_count    BIGINT NOT NULL,
    recorded_at  TIMESTAMP NOT NULL
);

CREATE TABLE IF NOT EXISTS regions (
    code       VARCHAR NOT NULL,     -- 'NL00', 'GM0505', 'WK050501', 'BU05050100'
    level      VARCHAR NOT NULL,     -- 'land' | 'gemeente' | 'wijk' | 'buurt' | 'grid'
    name       VARCHAR NOT NULL,
    parent     VARCHAR,              -- code of the enclosing region
    gemeente   VARCHAR,              -- code of the municipality, for every level below
    valid_from INTEGER,              -- first year of the division this code belongs to
    valid_to   INTEGER,
    geometry   VARCHAR,              -- GeoJSON geometry (WGS84), repaired; NULL when unknown
    source_id  VARCHAR NOT NULL,
    dataset    VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS population (
    region    VARCHAR NOT NULL,
    year      INTEGER NOT NULL,
    value     DOUBLE NOT NULL,       -- inhabitants (CBS rounds buurt figures to multiples of 5)
    source_id VARCHAR NOT NULL,
    dataset   VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS categories (
    scheme    VARCHAR NOT NULL,      -- 'cbs-misdrijf' | 'politie-overlast' | 'politie-incident' ...
    code      VARCHAR NOT NULL,      -- stripped code: '1.1.1', 'E33'
    title     VARCHAR NOT NULL,
    parent    VARCHAR,               -- '1.1' for '1.1.1'; NULL for the total '0.0.0'
    is_total  BOOLEAN NOT NULL,      -- true for 0.0.0 and other aggregates: never add to their parts
    source_id VARCHAR NOT NULL,
    dataset   VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS observations (
    measure   VARCHAR NOT NULL,      -- 'geregistreerde_misdrijven' | 'overlast_registraties' | ...
    scheme    VARCHAR NOT NULL,      -- category scheme of `category`
    category  VARCHAR NOT NULL,      -- stripped code: '1.1.1'
    region    VARCHAR NOT NULL,      -- stripped code: 'GM0505'
    grain     VARCHAR NOT NULL,      -- 'jaar' | 'maand'
    year      INTEGER NOT NULL,
    month     INTEGER,               -- 1..12 for grain 'maand'
    value     DOUBLE,                -- NULL when the publisher suppressed it
    status    VARCHAR NOT NULL,      -- 'definitief' | 'voorlopig'
    source_id VARCHAR NOT NULL,
    dataset   VARCHAR NOT NULL
);

CREATE TABLE IF NOT EXISTS incidents (
    incident_id VARCHAR NOT NULL,
    scheme      VARCHAR NOT NULL,
    category    VARCHAR NOT NULL,    -- e.g. police incident code 'A72'
    category_label VARCHAR,
    begin_at    TIMESTAMP,           -- start of the interval in which it happened
    end_at      TIMESTAMP,           -- end of that interval (equal to begin when known exactly)
    reported_at TIMESTAMP,           -- when it came to notice
    x_rd        DOUBLE,              -- EPSG:28992
    y_rd        DOUBLE,
    lon         DOUBLE,              -- WGS84
    lat         DOUBLE,
    gemeente_name VARCHAR,
    wijk_name   VARCHAR,
    buurt_name  VARCHAR,
    region      VARCHAR,             -- most detailed CBS code known, if any
    source_id   VARCHAR NOT NULL,
    dataset     VARCHAR NOT NULL
);

-- Municipal registers as series (``ivp ingest reeks``): one row per indicator x region x period. An
-- indicator's name, theme and unit are repeated on each of its rows (the adapter checks they agree).
CREATE TABLE IF NOT EXISTS indicators (
    indicator    VARCHAR NOT NULL,   -- the file's id, a slug: 'veilig-thuis-meldingen'
    name         VARCHAR NOT NULL,
    theme        VARCHAR NOT NULL,   -- a theme id of the taxonomy: 'kwetsbare_personen'
    unit         VARCHAR NOT NULL,   -- 'aantal' | 'percentage' | 'rapportcijfer' | 'euro' | 'per_1000'
    region       VARCHAR NOT NULL,   -- CBS code: 'GM0505', 'WK050501', 'BU05050100'
    grain        VARCHAR NOT NULL,   -- 'jaar' | 'kwartaal' | 'maand' | 'periode' (a date range)
    period       VARCHAR NOT NULL,   -- canonical: '2023', '2023-K2', '2023-05', '2023-01-01/2023-06-30'
    period_start DATE NOT NULL,
    period_end   DATE NOT NULL,      -- inclusive
    value        DOUBLE NOT NULL,
    lower        DOUBLE,             -- the source's 95% interval, when it gives one
    upper        DOUBLE,
    n            DOUBLE,             -- sample size (surveys), when given
    source       VARCHAR NOT NULL,   -- the file's 'bron': who keeps the register
    licence      VARCHAR,
    definition   VARCHAR,
    status       VARCHAR NOT NULL,   -- 'definitief' | 'voorlopig'
    source_id    VARCHAR NOT NULL,
    dataset      VARCHAR NOT NULL
);

-- One row per region code, merged over the datasets that describe it (names and hierarchy from CBS
-- tables, geometry from boundary files, older divisions beside the current one). Per code the name comes
-- from the newest division (undated counts as newest), a CBS table before a boundary file; the geometry
-- from the newest division that has one: the same rule as ivp.store.areas.
CREATE OR REPLACE VIEW region_current AS
WITH ranked AS (
    SELECT *,
           row_number() OVER (PARTITION BY code ORDER BY valid_from IS NOT NULL, valid_from DESC,
                              source_id <> 'cbs', dataset) AS name_rank,
           row_number() OVER (PARTITION BY code ORDER BY geometry IS NULL, valid_from IS NOT NULL,
                              valid_from DESC, source_id <> 'cbs', dataset) AS geometry_rank
    FROM regions
)
SELECT n.code, n.level, n.name, n.parent, n.gemeente, g.geometry
FROM ranked n
LEFT JOIN ranked g ON g.code = n.code AND g.geometry_rank = 1
WHERE n.name_rank = 1;
