-- Portable SQL: runs on PostgreSQL and on H2 (MODE=PostgreSQL or default mode).

CREATE TABLE models (
  name       VARCHAR(255) NOT NULL,
  created_at BIGINT       NOT NULL,
  CONSTRAINT pk_models PRIMARY KEY (name)
);

-- One row per registered version. metadata holds the full ModelVersion as JSON (what the API
-- returns); the other columns are copies of its fields for lookups.
-- published: whether a champion has been acknowledged on the compacted model.versions topic.
-- Challengers are never published and keep FALSE.
CREATE TABLE model_versions (
  model      VARCHAR(255) NOT NULL,
  version    INTEGER      NOT NULL,
  alias      VARCHAR(32)  NOT NULL,
  trigger_id VARCHAR(255),
  sha256     CHAR(64)     NOT NULL,
  created_at BIGINT       NOT NULL,
  published  BOOLEAN      NOT NULL DEFAULT FALSE,
  metadata   TEXT         NOT NULL,
  CONSTRAINT pk_model_versions PRIMARY KEY (model, version),
  CONSTRAINT fk_model_versions_model FOREIGN KEY (model) REFERENCES models (name),
  -- a trigger is trained into at most one version (NULLs are distinct: versions without trigger)
  CONSTRAINT uq_model_versions_trigger UNIQUE (model, trigger_id)
);

CREATE INDEX ix_model_versions_alias ON model_versions (model, alias, version);
CREATE INDEX ix_model_versions_published ON model_versions (published, alias);
