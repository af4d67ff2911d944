// Custom workflow action definitions of an account's apps (HubSpot's /automation/v4/actions):
// validation of PublicActionDefinitionEgg / Patch bodies (every problem listed with its path),
// the stored canonical form, rendering as PublicActionDefinition / PublicActionRevision, and the
// functions kept inside a definition (one per functionType; each change is a revision).
//
// A flow uses a definition as a SINGLE_CONNECTION action with actionTypeId "1-<definitionId>"
// (AppActionTypeId). Errors: kInvalidArgument listing every problem, kNotFound for an unknown
// app, definition (or one archived, unless asked for), revision or function. Thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/status.h"
#include "store/app_store.h"

namespace flowd::flows {

inline constexpr size_t kMaxDefinitionFields = 100;     // inputFields, outputFields
inline constexpr size_t kMaxObjectTypes = 20;           // objectTypes
inline constexpr size_t kMaxRequestedProperties = 100;  // objectRequestOptions.properties
inline constexpr size_t kMaxActionUrlLength = 2048;
inline constexpr size_t kMaxFunctionSourceBytes = 64 * 1024;
inline constexpr size_t kMaxDefinitionBytes = 512 * 1024;  // the stored body
inline constexpr size_t kDefinitionPageDefault = 100;
inline constexpr size_t kDefinitionPageMax = 500;

// "1-<definitionId>" ⇄ the definition id.
std::string AppActionTypeId(int64_t definition_id);
std::optional<int64_t> DefinitionIdOfActionType(std::string_view action_type_id);

// The definition's stored body (without id/revisionId/archivedAt) and the server fields, as the
// API shows it: functions as identifiers ({functionType, id}) only.
boost::json::object RenderDefinition(const store::ActionDefinitionRecord& d);
boost::json::object RenderRevision(const store::ActionRevisionRecord& r);

// Validates an egg (create) body and returns its canonical stored form (unknown fields dropped).
Result<boost::json::object> DecodeDefinitionEgg(const boost::json::value& body);

class ActionDefinitionService {
 public:
  ActionDefinitionService(store::AppStore& apps, const Clock& clock) : apps_(apps), clock_(clock) {}

  Result<store::ActionDefinitionRecord> Create(int64_t account_id, int64_t app_id,
                                               const boost::json::value& body);
  Result<store::ActionDefinitionRecord> Get(int64_t account_id, int64_t app_id,
                                            int64_t definition_id, bool archived);
  Result<store::ActionDefinitionPage> List(int64_t account_id, int64_t app_id, bool archived,
                                           std::optional<int64_t> after, size_t limit);
  // Fields present in the body replace the stored ones (validated as on create).
  Result<store::ActionDefinitionRecord> Patch(int64_t account_id, int64_t app_id,
                                              int64_t definition_id,
                                              const boost::json::value& body);
  Status Archive(int64_t account_id, int64_t app_id, int64_t definition_id);

  // Functions. `function_id` nullopt: the function of that type whatever its id.
  Result<boost::json::array> ListFunctions(int64_t account_id, int64_t app_id,
                                           int64_t definition_id);
  Result<boost::json::object> GetFunction(int64_t account_id, int64_t app_id, int64_t definition_id,
                                          std::string_view type,
                                          const std::optional<std::string>& function_id);
  // Creates or replaces the type's function; returns {functionType, id}.
  Result<boost::json::object> PutFunction(int64_t account_id, int64_t app_id, int64_t definition_id,
                                          std::string_view type,
                                          const std::optional<std::string>& function_id,
                                          std::string_view source);
  Status DeleteFunction(int64_t account_id, int64_t app_id, int64_t definition_id,
                        std::string_view type, const std::optional<std::string>& function_id);

  Result<bool> RequiresObject(int64_t account_id, int64_t app_id, int64_t definition_id);
  Status SetRequiresObject(int64_t account_id, int64_t app_id, int64_t definition_id,
                           const boost::json::value& body);

  Result<store::ActionRevisionPage> Revisions(int64_t account_id, int64_t app_id,
                                              int64_t definition_id, std::optional<int64_t> after,
                                              size_t limit);
  Result<store::ActionRevisionRecord> Revision(int64_t account_id, int64_t app_id,
                                               int64_t definition_id, int64_t revision_id);

 private:
  Result<store::ActionDefinitionRecord> Live(int64_t account_id, int64_t app_id,
                                             int64_t definition_id);
  Result<store::ActionDefinitionRecord> Save(int64_t account_id, int64_t app_id,
                                             int64_t definition_id,
                                             const boost::json::object& body);

  store::AppStore& apps_;
  const Clock& clock_;
};

}  // namespace flowd::flows
