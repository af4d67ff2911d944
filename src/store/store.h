// The storage seam. Callers hold a std::unique_ptr<Store> and never name a backend;
// Store::Open picks one from the URL ("sqlite:data/flowd.db", later "postgres://…").
//
// Thread safety: every method of every interface here may be called from any thread at once.
// Errors: kNotFound for ids that do not exist *in the given account* (another account's ids are
// indistinguishable from missing ones), kConflict for failed optimistic-concurrency checks and
// unique-key clashes, kInternal/kUnavailable for storage failures. Every mutating call is one
// atomic transaction: either all of it is visible afterwards, or none of it.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/app_store.h"
#include "store/association_store.h"
#include "store/change_listener.h"
#include "store/engine_store.h"
#include "store/form_store.h"
#include "store/list_store.h"
#include "store/marketing_email_store.h"
#include "store/object_store.h"
#include "store/owner_store.h"
#include "store/property_store.h"
#include "store/secret_store.h"

namespace flowd::store {

// ---------------------------------------------------------------- accounts

struct Account {
  int64_t id = 0;  // HubSpot's portal id
  std::string name;
  int64_t created_at_ms = 0;
  // IANA zone id (HubSpot's account time zone): time windows, delays to a time of day,
  // enrollment schedules and relative date filters are in this zone.
  std::string time_zone = "UTC";
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;
  virtual Result<Account> CreateAccount(std::string_view name, int64_t now_ms) = 0;
  virtual Result<Account> GetAccount(int64_t id) = 0;
  virtual Result<std::vector<Account>> ListAccounts() = 0;
  // Sets the account's time zone (the caller validates the id); kNotFound when no such account.
  // A change records, in the same transaction, the engine's pass that re-times the account's
  // flows (engine_store.h, kBackfillZone), so that a crash cannot lose it.
  virtual Status SetTimeZone(int64_t id, std::string_view time_zone, int64_t now_ms) = 0;
};

// ---------------------------------------------------------------- tokens

struct TokenRecord {
  int64_t id = 0;
  int64_t account_id = 0;
  std::string name;
  std::string token_hash;  // lower-case hex SHA-256 of the token; the token itself is never stored
  std::vector<std::string> scopes;
  int64_t rate_limit_ten_secondly = 0;  // requests per rolling 10 s; 0 = unlimited
  int64_t rate_limit_daily = 0;         // requests per UTC day; 0 = unlimited
  int64_t created_at_ms = 0;
  std::optional<int64_t> revoked_at_ms;
};

class TokenStore {
 public:
  virtual ~TokenStore() = default;
  // Assigns `id`; the other fields are taken as given. kConflict if the hash exists.
  virtual Result<TokenRecord> CreateToken(const TokenRecord& token) = 0;
  // Revoked tokens are returned too (with revoked_at_ms set).
  virtual Result<TokenRecord> FindTokenByHash(std::string_view token_hash) = 0;
  // All tokens, or one account's.
  virtual Result<std::vector<TokenRecord>> ListTokens(std::optional<int64_t> account_id) = 0;
  // kNotFound for an unknown id; revoking twice is not an error (first time kept).
  virtual Status RevokeToken(int64_t token_id, int64_t now_ms) = 0;
};

// ---------------------------------------------------------------- flows

// What the store keeps of a flow. `content_json` is a serialized JSON object holding every field
// of the API's ApiFlow except the server-assigned ones (id, revisionId, createdAt, updatedAt),
// which live in the columns below; the API layer splices them in.
struct FlowRecord {
  int64_t account_id = 0;
  int64_t id = 0;           // flowId
  int64_t workflow_id = 0;  // legacy v3 workflow id (int32 range), assigned at creation
  int64_t revision_id = 0;  // 1 at creation, +1 per update
  std::optional<std::string> uuid;
  std::string name;
  bool is_enabled = false;
  std::string flow_type;       // WORKFLOW | ACTION_SET | UNKNOWN
  std::string object_type_id;  // "0-1", "0-3", "2-…"
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  std::string content_json;
};

// Input of CreateFlow / UpdateFlow: everything but the ids, revision and timestamps.
struct FlowWrite {
  std::optional<std::string> uuid;  // unique per account when set (kConflict otherwise)
  std::string name;
  bool is_enabled = false;
  std::string flow_type;
  std::string object_type_id;
  std::string content_json;
  std::vector<std::string> email_content_ids;  // send-email actions' content ids
  // The engine's bookkeeping of a change of is_enabled commits with the flow (no crash can
  // separate them): enabling resumes the flow's jobs and, with `enroll_existing` (a LIST_BASED
  // flow), adds its "enroll existing records" pass (engine_backfills, kind ENABLE); disabling
  // pauses its jobs and drops its passes and date dues. A new flow counts as disabled before.
  bool enroll_existing = false;
};

struct FlowRevision {
  int64_t flow_id = 0;
  int64_t revision_id = 0;
  int64_t created_at_ms = 0;  // when this revision was written
  FlowRecord flow;            // the flow as it was at that revision
};

struct FlowPage {
  std::vector<FlowRecord> flows;
  std::optional<int64_t> next_after;  // set when more flows follow
};

struct EmailCampaignRef {
  int64_t flow_id = 0;
  int64_t email_campaign_id = 0;  // stable per (account, content id)
  std::string email_content_id;
  int64_t cursor = 0;  // opaque, strictly increasing in listing order
};

struct EmailCampaignPage {
  std::vector<EmailCampaignRef> items;
  std::optional<int64_t> next_after;   // cursor for the following page
  std::optional<int64_t> prev_before;  // cursor for the preceding page
};

class FlowStore {
 public:
  virtual ~FlowStore() = default;
  // Assigns id, workflow_id, revision 1, created/updated = now; stores revision 1.
  virtual Result<FlowRecord> CreateFlow(int64_t account_id, const FlowWrite& flow,
                                        int64_t now_ms) = 0;
  virtual Result<FlowRecord> GetFlow(int64_t account_id, int64_t flow_id) = 0;
  // Flows in id order, ids > after_id; at most `limit` (0 gives an empty page).
  virtual Result<FlowPage> ListFlows(int64_t account_id, std::optional<int64_t> after_id,
                                     size_t limit) = 0;
  // Found flows only, in the order of `flow_ids`; missing ids are left out, and an id asked for
  // twice is returned once, at its first position.
  virtual Result<std::vector<FlowRecord>> GetFlows(int64_t account_id,
                                                   const std::vector<int64_t>& flow_ids) = 0;
  // Every enabled flow of every account, in (account, id) order: the engine's trigger index.
  virtual Result<std::vector<FlowRecord>> EnabledFlows() = 0;
  // Compare-and-swap on the revision: kConflict (message names the current revision) when
  // `expected_revision` is not the current one; exactly one of concurrent updates with the same
  // expected revision succeeds. Stores the new revision immutably.
  virtual Result<FlowRecord> UpdateFlow(int64_t account_id, int64_t flow_id,
                                        int64_t expected_revision, const FlowWrite& flow,
                                        int64_t now_ms) = 0;
  // Deletes the flow and its revisions and email references.
  virtual Status DeleteFlow(int64_t account_id, int64_t flow_id) = 0;
  virtual Result<FlowRevision> GetRevision(int64_t account_id, int64_t flow_id,
                                           int64_t revision_id) = 0;
  // Legacy id mapping. kNotFound when unknown in the account.
  virtual Result<int64_t> FlowIdForWorkflowId(int64_t account_id, int64_t workflow_id) = 0;
  // Email references of the account's flows (all when flow_ids is empty), ordered by cursor.
  // `after`: items with cursor > after; `before`: the `limit` items just before `before` (still
  // in ascending order). next_after is set iff items follow the page, prev_before iff items
  // precede it. An update keeps the cursors of the references it keeps; a content id listed
  // twice in one flow is one reference.
  virtual Result<EmailCampaignPage> ListEmailCampaigns(int64_t account_id,
                                                       const std::vector<int64_t>& flow_ids,
                                                       std::optional<int64_t> after,
                                                       std::optional<int64_t> before,
                                                       size_t limit) = 0;
};

// ---------------------------------------------------------------- the store

// `url` with any password replaced by "***" (userinfo and a `password=` parameter), for logs.
std::string RedactedUrl(std::string_view url);

class Store {
 public:
  virtual ~Store() = default;

  // "sqlite:PATH" (PATH relative to the working directory; parent directory created),
  // "sqlite::memory:" for tests, or "postgres://user:pass@host:port/db[?…&schema=NAME]"
  // (also postgresql://; `schema=` is flowd's own parameter: every table lives in that schema).
  // kInvalidArgument for an unknown scheme, kUnavailable when the database cannot be reached.
  // Does not migrate. Error messages never contain the password.
  static Result<std::unique_ptr<Store>> Open(std::string_view url);

  // Applies every numbered migration not yet applied, each in its own transaction. Idempotent.
  virtual Status Migrate() = 0;
  // The highest migration applied (0 for an empty database).
  virtual Result<int> SchemaVersion() = 0;

  virtual AccountStore& accounts() = 0;
  virtual TokenStore& tokens() = 0;
  virtual FlowStore& flows() = 0;
  virtual AssociationStore& associations() = 0;
  virtual ObjectStore& objects() = 0;
  virtual PropertyStore& properties() = 0;
  virtual OwnerStore& owners() = 0;
  virtual FormStore& forms() = 0;
  virtual MarketingEmailStore& marketing_emails() = 0;
  virtual ListStore& lists() = 0;
  virtual SecretStore& secrets() = 0;
  virtual AppStore& apps() = 0;
  virtual EngineStore& engine() = 0;

  // Tells `listener` (null: nobody) about committed changes the engine waits for (see
  // change_listener.h); on PostgreSQL also about other processes' commits. The listener must
  // outlive the store or be unset before it is destroyed.
  virtual void SetChangeListener(ChangeListener* listener) = 0;
};

}  // namespace flowd::store
