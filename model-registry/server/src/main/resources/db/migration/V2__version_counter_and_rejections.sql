-- Portable SQL: runs on PostgreSQL and on H2 (MODE=PostgreSQL or default mode).

-- The last version number issued per model. Numbers come from here, not from MAX(version) + 1,
-- so a number once issued is never issued again, whatever happens to the rows.
ALTER TABLE models ADD COLUMN last_version INTEGER DEFAULT 0 NOT NULL;
UPDATE models SET last_version = (SELECT COALESCE(MAX(v.version), 0) FROM model_versions v WHERE v.model = models.name);

-- A server reported that it could not serve this version (the first report is kept).
-- A rejected champion is no longer the champion: GET .../champion answers the newest one that is not.
ALTER TABLE model_versions ADD COLUMN rejection_reason TEXT;
ALTER TABLE model_versions ADD COLUMN rejected_at BIGINT;

CREATE INDEX ix_model_versions_sha256 ON model_versions (sha256);
