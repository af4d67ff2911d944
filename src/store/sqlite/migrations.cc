#include "store/sqlite/migrations.h"

namespace flowd::store::sqlite {

// Id ranges. AUTOINCREMENT (not plain rowid) so that an id is never reused after a delete, which
// also keeps the flow_emails cursors strictly increasing. Sequences are seeded so ids look like
// HubSpot's: portal ids have 7 digits, flow ids 9 (e.g. 585051946).
//   accounts         1000001, 1000002, …
//   flows            500000001, …
//   workflow ids     flow id − 490000000: 10000001, … (int32, so flow ids stop at 2637483647)
//   email campaigns  200000001, …
//   tokens           1, 2, …
// The workflow id (HubSpot's legacy v3 id) is a function of the flow id, declared as a generated
// column: it needs no sequence and no index of its own (a lookup by workflow id is a primary-key
// lookup of the flow id), it is distinct from every flow id, and each create writes two fewer
// pages. kWorkflowIdOffset in flow_store.cc must match.
const std::vector<Migration>& Migrations() {
  static const std::vector<Migration> kMigrations = {
      {1, R"sql(
CREATE TABLE accounts (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  name          TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL
);
INSERT INTO sqlite_sequence (name, seq) VALUES ('accounts', 1000000);

CREATE TABLE tokens (
  id                      INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id              INTEGER NOT NULL REFERENCES accounts (id),
  name                    TEXT    NOT NULL,
  token_hash              TEXT    NOT NULL UNIQUE,
  scopes                  TEXT    NOT NULL,  -- space-joined
  rate_limit_ten_secondly INTEGER NOT NULL DEFAULT 0,
  rate_limit_daily        INTEGER NOT NULL DEFAULT 0,
  created_at_ms           INTEGER NOT NULL,
  revoked_at_ms           INTEGER
);
CREATE INDEX tokens_by_account ON tokens (account_id);

-- Flow ids are global (unique across accounts), but every query also filters by account_id.
CREATE TABLE flows (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id     INTEGER NOT NULL,
  workflow_id    INTEGER GENERATED ALWAYS AS (id - 490000000) VIRTUAL,
  revision_id    INTEGER NOT NULL,
  uuid           TEXT,
  name           TEXT    NOT NULL,
  is_enabled     INTEGER NOT NULL,
  flow_type      TEXT    NOT NULL,
  object_type_id TEXT    NOT NULL,
  created_at_ms  INTEGER NOT NULL,
  updated_at_ms  INTEGER NOT NULL,
  content_json   TEXT    NOT NULL,
  UNIQUE (account_id, uuid)  -- NULL uuids never clash
);
INSERT INTO sqlite_sequence (name, seq) VALUES ('flows', 500000000);
-- ListFlows: account_id range in id (rowid) order.
CREATE INDEX flows_by_account ON flows (account_id);

-- Immutable snapshots, one per revision. created_at_ms is when the revision was written (the
-- flow's updatedAt at that revision); flow_created_at_ms is the flow's createdAt.
CREATE TABLE flow_revisions (
  flow_id            INTEGER NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
  revision_id        INTEGER NOT NULL,
  account_id         INTEGER NOT NULL,
  created_at_ms      INTEGER NOT NULL,
  workflow_id        INTEGER GENERATED ALWAYS AS (flow_id - 490000000) VIRTUAL,
  uuid               TEXT,
  name               TEXT    NOT NULL,
  is_enabled         INTEGER NOT NULL,
  flow_type          TEXT    NOT NULL,
  object_type_id     TEXT    NOT NULL,
  flow_created_at_ms INTEGER NOT NULL,
  content_json       TEXT    NOT NULL,
  PRIMARY KEY (flow_id, revision_id)
);
CREATE TRIGGER flow_revisions_immutable BEFORE UPDATE ON flow_revisions
BEGIN
  SELECT RAISE(ABORT, 'flow revisions are immutable');
END;

-- Campaign ids are stable per (account, content id) and outlive the flows that reference them.
CREATE TABLE email_campaigns (
  id         INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id INTEGER NOT NULL,
  content_id TEXT    NOT NULL,
  UNIQUE (account_id, content_id)
);
INSERT INTO sqlite_sequence (name, seq) VALUES ('email_campaigns', 200000000);

-- One row per (flow, email content id); the rowid is the listing cursor.
CREATE TABLE flow_emails (
  id                INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id        INTEGER NOT NULL,
  flow_id           INTEGER NOT NULL REFERENCES flows (id) ON DELETE CASCADE,
  email_content_id  TEXT    NOT NULL,
  email_campaign_id INTEGER NOT NULL REFERENCES email_campaigns (id),
  UNIQUE (flow_id, email_content_id)
);
CREATE INDEX flow_emails_by_account ON flow_emails (account_id);
)sql"},
      {2, R"sql(
-- CRM records. Ids are global (every query also filters by account_id) and start at 11 digits,
-- like HubSpot's recent ones. hs_object_id, createdate and lastmodifieddate are not stored as
-- values: they are rendered from these columns.
CREATE TABLE crm_objects (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id     INTEGER NOT NULL,
  object_type_id TEXT    NOT NULL,
  created_at_ms  INTEGER NOT NULL,
  updated_at_ms  INTEGER NOT NULL,
  archived_at_ms INTEGER
);
INSERT INTO sqlite_sequence (name, seq) VALUES ('crm_objects', 10000000000);
CREATE INDEX crm_objects_by_type ON crm_objects (account_id, object_type_id, id);

-- Current values (non-empty only). `version` counts the property's changes on this record and
-- keys its history.
CREATE TABLE crm_values (
  object_id      INTEGER NOT NULL,
  name           TEXT    NOT NULL,
  value          TEXT    NOT NULL,
  version        INTEGER NOT NULL,
  account_id     INTEGER NOT NULL,
  object_type_id TEXT    NOT NULL,
  PRIMARY KEY (object_id, name)
) WITHOUT ROWID;
CREATE INDEX crm_values_by_value ON crm_values (account_id, object_type_id, name, value);

-- Every version of every value ("" = cleared), newest = highest version.
CREATE TABLE crm_value_history (
  object_id    INTEGER NOT NULL,
  name         TEXT    NOT NULL,
  version      INTEGER NOT NULL,
  value        TEXT    NOT NULL,
  timestamp_ms INTEGER NOT NULL,
  source_type  TEXT    NOT NULL,
  source_id    TEXT    NOT NULL,
  PRIMARY KEY (object_id, name, version)
) WITHOUT ROWID;

-- Claims on unique values (contacts' email, hasUniqueValue properties) by live records.
CREATE TABLE crm_unique_values (
  account_id     INTEGER NOT NULL,
  object_type_id TEXT    NOT NULL,
  name           TEXT    NOT NULL,
  value          TEXT    NOT NULL,
  object_id      INTEGER NOT NULL,
  PRIMARY KEY (account_id, object_type_id, name, value)
) WITHOUT ROWID;

-- Associations, both directions stored (see association_store.h).
CREATE TABLE crm_associations (
  account_id    INTEGER NOT NULL,
  from_type     TEXT    NOT NULL,
  from_id       INTEGER NOT NULL,
  to_type       TEXT    NOT NULL,
  to_id         INTEGER NOT NULL,
  category      TEXT    NOT NULL,
  type_id       INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL,
  PRIMARY KEY (account_id, from_type, from_id, to_type, to_id, category, type_id)
) WITHOUT ROWID;

-- The CRM event log: the engine's feed (seq order) and the record's event history.
CREATE TABLE crm_events (
  seq             INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id      INTEGER NOT NULL,
  event_type_id   TEXT    NOT NULL,
  object_type_id  TEXT    NOT NULL,
  object_id       INTEGER NOT NULL,
  occurred_at_ms  INTEGER NOT NULL,
  properties_json TEXT    NOT NULL
);
CREATE INDEX crm_events_by_object ON crm_events (object_id, event_type_id, seq);
)sql"},
      {3, R"sql(
-- CRM property definitions (stored ones: the standard types' built-in properties come from code,
-- crm/default_properties.cc). The definition is one JSON text (store/common/property_codec.h);
-- what queries look at is in columns. Archived rows keep their name: it cannot be reused.
CREATE TABLE crm_properties (
  account_id      INTEGER NOT NULL,
  object_type_id  TEXT    NOT NULL,
  name            TEXT    NOT NULL,
  group_name      TEXT    NOT NULL,
  created_at_ms   INTEGER NOT NULL,
  updated_at_ms   INTEGER NOT NULL,
  archived_at_ms  INTEGER,
  definition_json TEXT    NOT NULL,
  PRIMARY KEY (account_id, object_type_id, name)
) WITHOUT ROWID;

CREATE TABLE crm_property_groups (
  account_id      INTEGER NOT NULL,
  object_type_id  TEXT    NOT NULL,
  name            TEXT    NOT NULL,
  label           TEXT    NOT NULL,
  display_order   INTEGER NOT NULL,
  hubspot_defined INTEGER NOT NULL,
  created_at_ms   INTEGER NOT NULL,
  updated_at_ms   INTEGER NOT NULL,
  PRIMARY KEY (account_id, object_type_id, name)
) WITHOUT ROWID;

-- Custom object schemas: object type id "2-" || id, ids global (2-100001, …) and never reused.
-- name_key is the lower-cased name: names are unique per account, case-insensitively, until an
-- archived schema is purged.
CREATE TABLE crm_schemas (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id      INTEGER NOT NULL,
  name            TEXT    NOT NULL,
  name_key        TEXT    NOT NULL,
  created_at_ms   INTEGER NOT NULL,
  updated_at_ms   INTEGER NOT NULL,
  archived_at_ms  INTEGER,
  definition_json TEXT    NOT NULL,
  UNIQUE (account_id, name_key)
);
INSERT INTO sqlite_sequence (name, seq) VALUES ('crm_schemas', 100000);

-- Association types defined with custom schemas. id (from -> to) is odd, inverse_id = id + 1
-- (to -> from): the sequence is advanced by two per row (property_store.cc).
CREATE TABLE crm_schema_associations (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  inverse_id     INTEGER NOT NULL,
  account_id     INTEGER NOT NULL,
  from_type      TEXT    NOT NULL,
  to_type        TEXT    NOT NULL,
  name           TEXT    NOT NULL,
  created_at_ms  INTEGER NOT NULL,
  updated_at_ms  INTEGER NOT NULL
);
INSERT INTO sqlite_sequence (name, seq) VALUES ('crm_schema_associations', 100000);
CREATE INDEX crm_schema_associations_from ON crm_schema_associations (account_id, from_type);
CREATE INDEX crm_schema_associations_to ON crm_schema_associations (account_id, to_type);
)sql"},
      {4, R"sql(
-- Association labels (USER_DEFINED types), one row per direction; both directions share the
-- name. Type ids are per account (see association_store.h); the sequence row of an account is
-- its allocation lock.
CREATE TABLE crm_association_labels (
  account_id      INTEGER NOT NULL,
  type_id         INTEGER NOT NULL,
  from_type       TEXT    NOT NULL,
  to_type         TEXT    NOT NULL,
  inverse_type_id INTEGER NOT NULL,
  name            TEXT    NOT NULL,
  label           TEXT    NOT NULL,
  created_at_ms   INTEGER NOT NULL,
  PRIMARY KEY (account_id, type_id)
) WITHOUT ROWID;
CREATE INDEX crm_association_labels_by_pair ON crm_association_labels (account_id, from_type, to_type);

CREATE TABLE crm_association_type_seq (
  account_id   INTEGER PRIMARY KEY,
  last_type_id INTEGER NOT NULL
);
)sql"},
      {5, R"sql(
-- Owners (/crm/v3/owners). Owner ids are int32 (HubSpot's path parameter is); the user id is a
-- function of the id, like flows' workflow id, so it needs no sequence or index of its own and
-- is distinct from every owner id. Emails are unique among an account's live owners.
CREATE TABLE owners (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id     INTEGER NOT NULL,
  user_id        INTEGER GENERATED ALWAYS AS (id - 90000000) VIRTUAL,
  email          TEXT    NOT NULL,
  first_name     TEXT    NOT NULL,
  last_name      TEXT    NOT NULL,
  type           TEXT    NOT NULL,
  teams_json     TEXT    NOT NULL,
  created_at_ms  INTEGER NOT NULL,
  updated_at_ms  INTEGER NOT NULL,
  archived_at_ms INTEGER
);
INSERT INTO sqlite_sequence (name, seq) VALUES ('owners', 100000000);
CREATE INDEX owners_by_account ON owners (account_id, id);
CREATE UNIQUE INDEX owners_live_email ON owners (account_id, email) WHERE archived_at_ms IS NULL;

-- Form definitions (/marketing/v3/forms): the guid is the public id, seq the listing cursor.
CREATE TABLE forms (
  seq            INTEGER PRIMARY KEY AUTOINCREMENT,
  id             TEXT    NOT NULL UNIQUE,
  account_id     INTEGER NOT NULL,
  name           TEXT    NOT NULL,
  form_type      TEXT    NOT NULL,
  content_json   TEXT    NOT NULL,
  created_at_ms  INTEGER NOT NULL,
  updated_at_ms  INTEGER NOT NULL,
  archived_at_ms INTEGER
);
CREATE INDEX forms_by_account ON forms (account_id, seq);

-- Marketing emails (/marketing/v3/emails); the id is the content id flows send.
CREATE TABLE marketing_emails (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id     INTEGER NOT NULL,
  name           TEXT    NOT NULL,
  content_json   TEXT    NOT NULL,
  created_at_ms  INTEGER NOT NULL,
  updated_at_ms  INTEGER NOT NULL,
  archived_at_ms INTEGER
);
INSERT INTO sqlite_sequence (name, seq) VALUES ('marketing_emails', 100000000000);
CREATE INDEX marketing_emails_by_account ON marketing_emails (account_id, id);
)sql"},
      {6, R"sql(
-- CRM lists (/crm/v3/lists). Ids are global (every query also filters by account_id); deleted
-- lists keep their row (restorable) and free their name: names are unique per account among
-- live lists, case-insensitively (name_key is the lower-cased name).
CREATE TABLE crm_lists (
  id                      INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id              INTEGER NOT NULL,
  name                    TEXT    NOT NULL,
  name_key                TEXT    NOT NULL,
  object_type_id          TEXT    NOT NULL,
  processing_type         TEXT    NOT NULL,
  processing_status       TEXT    NOT NULL,
  list_version            INTEGER NOT NULL,
  filter_json             TEXT,
  custom_properties_json  TEXT    NOT NULL,
  folder_id               INTEGER NOT NULL,
  size                    INTEGER NOT NULL DEFAULT 0,
  created_at_ms           INTEGER NOT NULL,
  updated_at_ms           INTEGER NOT NULL,
  filters_updated_at_ms   INTEGER,
  deleted_at_ms           INTEGER,
  last_added_at_ms        INTEGER,
  last_removed_at_ms      INTEGER,
  created_by_id           TEXT    NOT NULL,
  updated_by_id           TEXT    NOT NULL,
  backfill_after          INTEGER,
  last_full_evaluation_ms INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX crm_lists_by_account ON crm_lists (account_id, id);
CREATE UNIQUE INDEX crm_lists_live_names ON crm_lists (account_id, name_key)
  WHERE deleted_at_ms IS NULL;
CREATE INDEX crm_lists_dynamic ON crm_lists (processing_type, id) WHERE deleted_at_ms IS NULL;
CREATE INDEX crm_lists_backfilling ON crm_lists (id) WHERE backfill_after IS NOT NULL;

-- Members: the record ids of each list, with the time they joined.
CREATE TABLE crm_list_members (
  list_id     INTEGER NOT NULL,
  object_id   INTEGER NOT NULL,
  account_id  INTEGER NOT NULL,
  added_at_ms INTEGER NOT NULL,
  PRIMARY KEY (list_id, object_id)
) WITHOUT ROWID;
CREATE INDEX crm_list_members_by_object ON crm_list_members (account_id, object_id);
CREATE INDEX crm_list_members_by_join ON crm_list_members (list_id, added_at_ms, object_id);

-- List folders; folder 0 is every account's root and has no row.
CREATE TABLE crm_list_folders (
  id                     INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id             INTEGER NOT NULL,
  name                   TEXT    NOT NULL,
  parent_id              INTEGER NOT NULL,
  created_at_ms          INTEGER NOT NULL,
  updated_at_ms          INTEGER NOT NULL,
  updated_contents_at_ms INTEGER NOT NULL
);
CREATE INDEX crm_list_folders_by_account ON crm_list_folders (account_id, parent_id);

-- How far the dynamic-list processor has read the CRM event log (one row).
CREATE TABLE crm_list_cursor (
  id            INTEGER PRIMARY KEY CHECK (id = 1),
  processed_seq INTEGER NOT NULL
);
INSERT INTO crm_list_cursor (id, processed_seq) VALUES (1, 0);
)sql"},
      {7, R"sql(
-- CRM storage for write throughput (docs/architecture.md, "CRM storage"). The old value index
-- held an entry for every value, so each free-text value of a new record (a name, a phone
-- number) landed on a random index page: ~5 random pages dirtied per contact, written to the WAL
-- at commit and again at checkpoint. Now:
-- * crm_values_by_name (type, name, lookup, object_id, value) grows at the end of each property's
--   run (ids increase), covers HAS_PROPERTY and a scan of one property's values;
-- * crm_values_lookup indexes by value only the lookup properties (lookup = 1: unique values,
--   identifiers, enumerations, booleans); existing rows stay indexed.
ALTER TABLE crm_values ADD COLUMN lookup INTEGER NOT NULL DEFAULT 1;
DROP INDEX crm_values_by_value;
CREATE INDEX crm_values_by_name ON crm_values (account_id, object_type_id, name, lookup, object_id, value);
CREATE INDEX crm_values_lookup ON crm_values (account_id, object_type_id, name, value) WHERE lookup = 1;
-- Uniqueness is checked through crm_values_lookup under the single writer: the claims table
-- repeated those entries.
DROP TABLE crm_unique_values;
-- Who created the record: the time and source of the values the create wrote, which get no
-- history row until they are superseded.
ALTER TABLE crm_objects ADD COLUMN created_source_type TEXT NOT NULL DEFAULT 'API';
ALTER TABLE crm_objects ADD COLUMN created_source_id TEXT NOT NULL DEFAULT '';
)sql"},
      {8, R"sql(
-- Secrets (`flowd secret set`): values custom-code actions read as environment variables.
CREATE TABLE secrets (
  account_id    INTEGER NOT NULL,
  name          TEXT    NOT NULL,
  value         TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL,
  PRIMARY KEY (account_id, name)
) WITHOUT ROWID;
)sql"},
      {9, R"sql(
-- The engine's state (docs/architecture.md, "Engine storage").
CREATE TABLE engine_enrollments (
  id             INTEGER PRIMARY KEY,
  account_id     INTEGER NOT NULL,
  flow_id        INTEGER NOT NULL,
  revision_id    INTEGER NOT NULL,
  object_type_id TEXT    NOT NULL,
  object_id      INTEGER NOT NULL,
  status         TEXT    NOT NULL,
  source         TEXT    NOT NULL,
  reason         TEXT    NOT NULL,
  enrolled_at_ms INTEGER NOT NULL,
  updated_at_ms  INTEGER NOT NULL,
  ended_at_ms    INTEGER,
  data_json      TEXT    NOT NULL,
  executions     INTEGER NOT NULL
);
CREATE INDEX engine_enrollments_by_flow ON engine_enrollments (account_id, flow_id, id);
CREATE INDEX engine_enrollments_by_flow_object ON engine_enrollments (account_id, flow_id, object_id);
-- At most one ACTIVE enrollment of a record in a flow.
CREATE UNIQUE INDEX engine_enrollments_active ON engine_enrollments (account_id, flow_id, object_id)
  WHERE status = 'ACTIVE';
CREATE INDEX engine_enrollments_by_object ON engine_enrollments (account_id, object_type_id, object_id);
-- Performance counts: range counts per bucket.
CREATE INDEX engine_enrollments_by_enrolled_at ON engine_enrollments (account_id, flow_id, enrolled_at_ms);
CREATE INDEX engine_enrollments_by_ended_at ON engine_enrollments (account_id, flow_id, status, ended_at_ms);

-- The queue: one job per ACTIVE enrollment. due_at_ms = MAX(run_at_ms, lease_until_ms), the time
-- it can next be claimed, so that claims and the scheduler's next wake-up are range reads of one
-- partial index however many jobs wait.
CREATE TABLE engine_jobs (
  id              INTEGER PRIMARY KEY,
  account_id      INTEGER NOT NULL,
  enrollment_id   INTEGER NOT NULL UNIQUE,
  flow_id         INTEGER NOT NULL,
  action_id       TEXT    NOT NULL,
  execution_index INTEGER NOT NULL,
  run_at_ms       INTEGER NOT NULL,
  attempt         INTEGER NOT NULL,
  paused          INTEGER NOT NULL,
  lease_owner     TEXT    NOT NULL,
  lease_until_ms  INTEGER NOT NULL,
  due_at_ms       INTEGER NOT NULL
);
CREATE INDEX engine_jobs_due ON engine_jobs (due_at_ms) WHERE paused = 0;
CREATE INDEX engine_jobs_by_flow ON engine_jobs (account_id, flow_id);

-- Every committed action execution.
CREATE TABLE engine_steps (
  id              INTEGER PRIMARY KEY,
  account_id      INTEGER NOT NULL,
  flow_id         INTEGER NOT NULL,
  enrollment_id   INTEGER NOT NULL,
  execution_index INTEGER NOT NULL,
  attempt         INTEGER NOT NULL,
  action_id       TEXT    NOT NULL,
  action_type_id  TEXT    NOT NULL,
  started_at_ms   INTEGER NOT NULL,
  finished_at_ms  INTEGER NOT NULL,
  outcome         TEXT    NOT NULL,
  detail_json     TEXT    NOT NULL
);
CREATE INDEX engine_steps_by_enrollment ON engine_steps (enrollment_id, execution_index, attempt);
CREATE INDEX engine_steps_by_flow ON engine_steps (account_id, flow_id, finished_at_ms);

-- Delivery attempts of external effects.
CREATE TABLE engine_deliveries (
  id              INTEGER PRIMARY KEY,
  account_id      INTEGER NOT NULL,
  enrollment_id   INTEGER NOT NULL,
  idempotency_key TEXT    NOT NULL,
  kind            TEXT    NOT NULL,
  attempt         INTEGER NOT NULL,
  at_ms           INTEGER NOT NULL,
  outcome         TEXT    NOT NULL,
  detail          TEXT    NOT NULL
);
CREATE INDEX engine_deliveries_by_enrollment ON engine_deliveries (account_id, enrollment_id);

-- Emails and notifications, recorded once per idempotency key.
CREATE TABLE engine_messages (
  id              INTEGER PRIMARY KEY,
  account_id      INTEGER NOT NULL,
  enrollment_id   INTEGER NOT NULL,
  idempotency_key TEXT    NOT NULL,
  channel         TEXT    NOT NULL,
  to_addr         TEXT    NOT NULL,
  from_addr       TEXT    NOT NULL,
  subject         TEXT    NOT NULL,
  body            TEXT    NOT NULL,
  delivery        TEXT    NOT NULL,
  created_at_ms   INTEGER NOT NULL,
  UNIQUE (account_id, idempotency_key)
);
CREATE INDEX engine_messages_by_channel ON engine_messages (account_id, channel, id);

-- How far the trigger consumer has read the CRM event log (one row).
CREATE TABLE engine_event_position (
  id  INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL
);
INSERT INTO engine_event_position (id, seq) VALUES (1, 0);
)sql"},
      {10, R"sql(
-- Pending passes over a flow's records (enroll existing records, schedule occurrences), so that
-- a restart resumes them: the cursor moves in the transaction of its page's enrollments.
-- AUTOINCREMENT: an id is never reused, so a page of a dropped pass never matches a new one.
CREATE TABLE engine_backfills (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id    INTEGER NOT NULL,
  flow_id       INTEGER NOT NULL,
  kind          TEXT    NOT NULL,
  occurrence_ms INTEGER NOT NULL,
  after_id      INTEGER,
  created_at_ms INTEGER NOT NULL,
  updated_at_ms INTEGER NOT NULL
);
CREATE INDEX engine_backfills_by_flow ON engine_backfills (account_id, flow_id);
CREATE INDEX engine_backfills_due ON engine_backfills (occurrence_ms);
)sql"},
      // The jobs under a lease (claimed and not yet committed: few), so that releasing them at
      // start-up (RecoverLeases) reads them and not every pending job.
      {11, R"sql(
CREATE INDEX engine_jobs_leased ON engine_jobs (lease_until_ms) WHERE lease_until_ms > 0;
)sql"},
      // Developer apps (client secrets for signatures) and their custom action definitions,
      // with an immutable revision per change (store/app_store.h).
      {12, R"sql(
CREATE TABLE apps (
  app_id        INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id    INTEGER NOT NULL,
  name          TEXT    NOT NULL,
  client_secret TEXT    NOT NULL,
  created_at_ms INTEGER NOT NULL
);
INSERT INTO sqlite_sequence (name, seq) VALUES ('apps', 3000000);
CREATE INDEX apps_by_account ON apps (account_id);

CREATE TABLE app_action_definitions (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  account_id      INTEGER NOT NULL,
  app_id          INTEGER NOT NULL,
  revision_id     INTEGER NOT NULL,
  requires_object INTEGER NOT NULL DEFAULT 1,
  archived_at_ms  INTEGER,
  created_at_ms   INTEGER NOT NULL,
  updated_at_ms   INTEGER NOT NULL,
  body_json       TEXT    NOT NULL
);
INSERT INTO sqlite_sequence (name, seq) VALUES ('app_action_definitions', 100000);
CREATE INDEX app_action_definitions_by_app ON app_action_definitions (account_id, app_id, id);

CREATE TABLE app_action_revisions (
  definition_id INTEGER NOT NULL,
  revision_id   INTEGER NOT NULL,
  created_at_ms INTEGER NOT NULL,
  body_json     TEXT    NOT NULL,
  PRIMARY KEY (definition_id, revision_id)
) WITHOUT ROWID;
)sql"},
      // Date-based enrollment (PROPERTY_BASED enrollmentSchedule): each record's next due time
      // per flow, scanned by due time like the job queue's timers.
      {13, R"sql(
CREATE TABLE engine_date_dues (
  account_id     INTEGER NOT NULL,
  flow_id        INTEGER NOT NULL,
  object_type_id TEXT    NOT NULL,
  object_id      INTEGER NOT NULL,
  due_at_ms      INTEGER NOT NULL,
  PRIMARY KEY (account_id, flow_id, object_type_id, object_id)
) WITHOUT ROWID;
CREATE INDEX engine_date_dues_due ON engine_date_dues (due_at_ms);
CREATE INDEX engine_date_dues_by_object ON engine_date_dues (account_id, object_type_id, object_id);
)sql"},
      // Rotate record to owner (0-11): each rotation's next slot, moved in the transaction of
      // the step that takes it.
      {14, R"sql(
CREATE TABLE engine_rotations (
  account_id INTEGER NOT NULL,
  flow_id    INTEGER NOT NULL,
  action_id  TEXT    NOT NULL,
  next_slot  INTEGER NOT NULL,
  PRIMARY KEY (account_id, flow_id, action_id)
) WITHOUT ROWID;
)sql"},
      // The account's time zone (IANA id), HubSpot's account setting.
      {15, R"sql(
ALTER TABLE accounts ADD COLUMN time_zone TEXT NOT NULL DEFAULT 'UTC';
)sql"},
  };
  return kMigrations;
}

}  // namespace flowd::store::sqlite
