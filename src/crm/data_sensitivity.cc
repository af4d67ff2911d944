#include "crm/data_sensitivity.h"

#include <algorithm>

namespace flowd::crm {
namespace {

bool HoldsAny(const std::vector<std::string>& scopes, const std::vector<std::string>& wanted) {
  return std::any_of(wanted.begin(), wanted.end(), [&](const std::string& w) {
    return std::find(scopes.begin(), scopes.end(), w) != scopes.end();
  });
}

}  // namespace

Result<SensitiveReferences> DataSensitivity::Classify(int64_t account_id,
                                                      std::string_view object_type_id,
                                                      const std::set<std::string>& names) {
  SensitiveReferences out;
  if (names.empty()) return out;
  FLOWD_ASSIGN_OR_RETURN(auto props,
                         properties_.PropertiesOf(account_id, std::string(object_type_id)));
  for (const auto& name : names) {
    const store::PropertyRecord* p = props->Find(name);
    if (p == nullptr) continue;
    if (p->data_sensitivity == "sensitive") out.sensitive.push_back(name);
    if (p->data_sensitivity == "highly_sensitive") out.highly_sensitive.push_back(name);
  }
  return out;
}

Status DataSensitivity::CheckFlowWrite(int64_t account_id, std::string_view object_type_id,
                                       const std::set<std::string>& names,
                                       const std::vector<std::string>& scopes) {
  FLOWD_ASSIGN_OR_RETURN(SensitiveReferences refs, Classify(account_id, object_type_id, names));
  if (!refs.highly_sensitive.empty()) {
    std::vector<ErrorDetail> problems;
    for (const auto& n : refs.highly_sensitive) {
      problems.push_back(
          ErrorDetail{"Property " + n + " holds highly sensitive data, which workflows cannot use",
                      n,
                      "HIGHLY_SENSITIVE_PROPERTY",
                      {}});
    }
    return Error::InvalidList(std::move(problems));
  }
  if (refs.sensitive.empty()) return Status::Ok();
  FLOWD_ASSIGN_OR_RETURN(ObjectTypeInfo t, types_.Resolve(account_id, object_type_id));
  if (HoldsAny(scopes, t.sensitive_write_scopes)) return Status::Ok();
  return Error::MissingScopes(t.sensitive_write_scopes);
}

Status DataSensitivity::CheckStoredFlowWrite(int64_t account_id, std::string_view object_type_id,
                                             const std::set<std::string>& names,
                                             const std::vector<std::string>& scopes) {
  FLOWD_ASSIGN_OR_RETURN(SensitiveReferences refs, Classify(account_id, object_type_id, names));
  if (!refs.any()) return Status::Ok();
  FLOWD_ASSIGN_OR_RETURN(ObjectTypeInfo t, types_.Resolve(account_id, object_type_id));
  if (HoldsAny(scopes, t.sensitive_write_scopes)) return Status::Ok();
  return Error::MissingScopes(t.sensitive_write_scopes);
}

Result<bool> DataSensitivity::TypeHasSensitiveProperties(int64_t account_id,
                                                         std::string_view object_type_id) {
  FLOWD_ASSIGN_OR_RETURN(auto props,
                         properties_.PropertiesOf(account_id, std::string(object_type_id)));
  for (const auto& [name, p] : props->by_name) {
    if (p.data_sensitivity == "sensitive" || p.data_sensitivity == "highly_sensitive") return true;
  }
  return false;
}

Status DataSensitivity::CheckFlowRead(int64_t account_id, std::string_view object_type_id,
                                      const std::set<std::string>& names,
                                      const std::vector<std::string>& scopes) {
  FLOWD_ASSIGN_OR_RETURN(SensitiveReferences refs, Classify(account_id, object_type_id, names));
  if (!refs.any()) return Status::Ok();
  FLOWD_ASSIGN_OR_RETURN(ObjectTypeInfo t, types_.Resolve(account_id, object_type_id));
  if (HoldsAny(scopes, t.sensitive_read_scopes)) return Status::Ok();
  return Error::MissingScopes(t.sensitive_read_scopes);
}

}  // namespace flowd::crm
