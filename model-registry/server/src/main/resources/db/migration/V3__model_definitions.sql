-- Portable SQL: runs on PostgreSQL and on H2 (MODE=PostgreSQL or default mode).

-- A model's definition (classes, features, constraints, policy, drift settings) as JSON, as
-- PUT /api/models/{model}/definition stored it; NULL for a model registered without one.
ALTER TABLE models ADD COLUMN definition TEXT;
ALTER TABLE models ADD COLUMN defined_at BIGINT;
