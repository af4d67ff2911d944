#include "flows/action_targets.h"

#include <boost/json/array.hpp>
#include <string>
#include <vector>

#include "common/text.h"

namespace flowd::flows {

namespace json = boost::json;

namespace {

// A field's value as text: strings as they are, integers in decimal, "" otherwise.
std::string Text(const json::value* v) {
  if (!v) return "";
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return "";
}

template <typename T>
Result<std::optional<T>> Found(Result<T> r) {
  if (r.ok()) return std::optional<T>(std::move(r).value());
  if (r.error().code == ErrorCode::kNotFound) return std::optional<T>();
  return std::move(r).error();
}

struct Checker {
  int64_t account_id;
  const model::DecodedFlow& decoded;
  store::FlowStore& flows;
  store::OwnerStore* owners;
  crm::PropertyCatalog* properties;
  std::vector<ErrorDetail> problems;

  void Add(std::string message, std::string in, std::string code) {
    problems.push_back(ErrorDetail{std::move(message), std::move(in), std::move(code), {}});
  }

  Result<bool> IsLiveOwner(int64_t id) {
    FLOWD_ASSIGN_OR_RETURN(auto owner, Found(owners->GetOwner(account_id, id)));
    if (owner && !owner->archived_at_ms) return true;
    FLOWD_ASSIGN_OR_RETURN(owner, Found(owners->GetOwnerByUserId(account_id, id)));
    return owner && !owner->archived_at_ms;
  }

  Status RotateToOwner(const json::object& fields, const std::string& at) {
    if (owners) {
      if (const json::array* ids = fields.contains("user_ids") && fields.at("user_ids").is_array()
                                       ? &fields.at("user_ids").get_array()
                                       : nullptr) {
        for (size_t i = 0; i < ids->size(); ++i) {
          const std::string text = Text(&(*ids)[i]);
          auto id = ParseDecimalId(text);
          if (!id) continue;  // the shape check reported it
          FLOWD_ASSIGN_OR_RETURN(bool live, IsLiveOwner(*id));
          if (!live) {
            Add("User id " + text +
                    " is neither the id nor the user id of an owner of this "
                    "account (GET /crm/v3/owners)",
                at + ".user_ids[" + std::to_string(i) + "]", "UNKNOWN_OWNER");
          }
        }
      }
    }
    if (!properties) return Status::Ok();
    std::string name = Text(fields.if_contains("target_property"));
    if (name.empty()) name = "hubspot_owner_id";
    FLOWD_ASSIGN_OR_RETURN(auto props,
                           properties->PropertiesOf(account_id, decoded.object_type_id));
    const store::PropertyRecord* p = props ? props->Find(name) : nullptr;
    const std::string shown = name.substr(0, 100);
    if (!p) {
      Add("Property " + shown + " is not a property of object type " + decoded.object_type_id,
          at + ".target_property", "UNKNOWN_PROPERTY");
    } else if (p->read_only_value || p->calculated) {
      Add("Property " + shown + " is read-only: workflows cannot set it", at + ".target_property",
          "READ_ONLY_PROPERTY");
    }
    return Status::Ok();
  }

  Status EnrollInFlow(const json::object& fields, const std::string& at) {
    const std::string text = Text(fields.if_contains("flow_id"));
    auto id = ParseDecimalId(text);
    if (!id) return Status::Ok();  // unset (the required check) or not a number (the shape check)
    FLOWD_ASSIGN_OR_RETURN(auto target, Found(flows.GetFlow(account_id, *id)));
    if (!target) {
      Add("Flow " + text + " does not exist in this account", at + ".flow_id", "UNKNOWN_FLOW");
    } else if (target->object_type_id != decoded.object_type_id) {
      Add("Flow " + text + " enrolls records of object type " + target->object_type_id + ", not " +
              decoded.object_type_id,
          at + ".flow_id", "OBJECT_TYPE_MISMATCH");
    }
    return Status::Ok();
  }
};

}  // namespace

Status CheckActionTargets(int64_t account_id, const model::DecodedFlow& decoded,
                          store::FlowStore& flows, store::OwnerStore* owners,
                          crm::PropertyCatalog* properties) {
  if (!decoded.is_enabled) return Status::Ok();
  const json::value* actions = decoded.content.if_contains("actions");
  if (!actions || !actions->is_array()) return Status::Ok();
  Checker c{account_id, decoded, flows, owners, properties, {}};
  const json::array& list = actions->get_array();
  for (size_t i = 0; i < list.size(); ++i) {
    const json::object* a = list[i].if_object();
    const json::value* type_id = a ? a->if_contains("actionTypeId") : nullptr;
    const json::value* fields = a ? a->if_contains("fields") : nullptr;
    if (!type_id || !type_id->is_string() || !fields || !fields->is_object()) continue;
    const std::string at = "actions[" + std::to_string(i) + "].fields";
    if (type_id->get_string() == "0-11") FLOWD_TRY(c.RotateToOwner(fields->get_object(), at));
    if (type_id->get_string() == "0-15") FLOWD_TRY(c.EnrollInFlow(fields->get_object(), at));
  }
  if (c.problems.empty()) return Status::Ok();
  return Error::InvalidList(std::move(c.problems));
}

}  // namespace flowd::flows
