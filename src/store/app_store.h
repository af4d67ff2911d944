// Developer apps and their custom workflow action definitions (HubSpot's
// /automation/v4/actions/{appId}). An app belongs to one account and holds a client secret that
// signs SIGNATURE webhooks and app action requests (X-HubSpot-Signature-v3). The secret is kept
// as given (HMAC needs it; not encrypted at rest, like store/secret_store.h), returned only by
// GetAppSecret and never listed or logged.
//
// A definition's body is the canonical PublicActionDefinition JSON without the server fields
// (id, revisionId, archivedAt), which live in columns. Every create and update writes an
// immutable revision row in the same transaction (revision ids 1, 2, … per definition).
// Every query filters on the account: an app or definition of another account is not found.
// Thread safety and errors as in store.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace flowd::store {

inline constexpr size_t kMaxAppNameLength = 200;
inline constexpr size_t kMaxAppsPerAccount = 100;
inline constexpr size_t kMaxDefinitionsPerApp = 1000;

struct AppRecord {
  int64_t app_id = 0;
  int64_t account_id = 0;
  std::string name;
  int64_t created_at_ms = 0;
};

struct ActionDefinitionRecord {
  int64_t id = 0;
  int64_t account_id = 0;
  int64_t app_id = 0;
  int64_t revision_id = 0;
  bool requires_object = true;
  std::optional<int64_t> archived_at_ms;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  std::string body_json;
};

struct ActionDefinitionPage {
  std::vector<ActionDefinitionRecord> definitions;
  std::optional<int64_t> next_after;  // the last id returned, when more may follow
};

struct ActionRevisionRecord {
  int64_t definition_id = 0;
  int64_t revision_id = 0;
  int64_t created_at_ms = 0;
  std::string body_json;
};

struct ActionRevisionPage {
  std::vector<ActionRevisionRecord> revisions;
  std::optional<int64_t> next_after;
};

class AppStore {
 public:
  virtual ~AppStore() = default;

  // kNotFound for an unknown account; kInvalidArgument for an empty or too long name or when the
  // account has kMaxAppsPerAccount apps.
  virtual Result<AppRecord> CreateApp(int64_t account_id, std::string_view name,
                                      std::string_view client_secret, int64_t now_ms) = 0;
  virtual Result<std::vector<AppRecord>> ListApps(int64_t account_id) = 0;
  // kNotFound when the account has no such app.
  virtual Result<AppRecord> GetApp(int64_t account_id, int64_t app_id) = 0;
  // The client secret; nullopt when the account has no such app.
  virtual Result<std::optional<std::string>> GetAppSecret(int64_t account_id, int64_t app_id) = 0;
  // Deletes the app and its definitions and revisions. kNotFound when unknown.
  virtual Status DeleteApp(int64_t account_id, int64_t app_id) = 0;

  // Revision 1. kNotFound for an unknown app; kInvalidArgument past kMaxDefinitionsPerApp.
  virtual Result<ActionDefinitionRecord> CreateDefinition(int64_t account_id, int64_t app_id,
                                                          std::string_view body_json,
                                                          int64_t now_ms) = 0;
  // Archived ones too (the caller decides). kNotFound when unknown in that app.
  virtual Result<ActionDefinitionRecord> GetDefinition(int64_t account_id, int64_t app_id,
                                                       int64_t definition_id) = 0;
  // By id alone within the account (flows name definitions without their app).
  virtual Result<ActionDefinitionRecord> FindDefinition(int64_t account_id,
                                                        int64_t definition_id) = 0;
  // In id order after `after`; archived ones only when `archived`, else live ones only.
  virtual Result<ActionDefinitionPage> ListDefinitions(int64_t account_id, int64_t app_id,
                                                       bool archived, std::optional<int64_t> after,
                                                       size_t limit) = 0;
  // Replaces the body and writes revision + 1. kNotFound when unknown or archived.
  virtual Result<ActionDefinitionRecord> UpdateDefinition(int64_t account_id, int64_t app_id,
                                                          int64_t definition_id,
                                                          std::string_view body_json,
                                                          int64_t now_ms) = 0;
  // Sets requiresObject (no revision: it is not part of the definition body).
  virtual Status SetRequiresObject(int64_t account_id, int64_t app_id, int64_t definition_id,
                                   bool requires_object) = 0;
  // kNotFound when unknown or already archived.
  virtual Status ArchiveDefinition(int64_t account_id, int64_t app_id, int64_t definition_id,
                                   int64_t now_ms) = 0;
  virtual Result<ActionRevisionPage> ListRevisions(int64_t account_id, int64_t app_id,
                                                   int64_t definition_id,
                                                   std::optional<int64_t> after, size_t limit) = 0;
  virtual Result<ActionRevisionRecord> GetRevision(int64_t account_id, int64_t app_id,
                                                   int64_t definition_id, int64_t revision_id) = 0;
};

}  // namespace flowd::store
