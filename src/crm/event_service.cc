#include "crm/event_service.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <optional>
#include <set>

#include "common/time_format.h"
#include "crm/owner_service.h"
#include "crm/property_value.h"

namespace flowd::crm {
namespace json = boost::json;

namespace {

constexpr const char* kContactType = "0-1";

bool ValidEventName(std::string_view name) {
  if (name.empty() || name.size() > kMaxEventNameLength) return false;
  return std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '-';
  });
}

// HubSpot's own event type ids: "<digits>-<digits>".
bool IsBuiltInEventType(std::string_view name) {
  size_t dash = name.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 == name.size()) return false;
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  return digits(name.substr(0, dash)) && digits(name.substr(dash + 1));
}

std::optional<std::string> StringField(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (!v || v->is_null() || !v->is_string()) return std::nullopt;
  return std::string(v->get_string());
}

// One validated input, before its contact is resolved.
struct Input {
  std::string in;  // "inputs[3]" or ""
  std::string event_name;
  std::optional<int64_t> object_id;
  std::optional<std::string> email;
  std::optional<std::string> utk;
  std::optional<std::string> uuid;
  int64_t occurred_at_ms = 0;
  std::map<std::string, std::string> properties;
};

std::string At(const std::string& prefix, std::string_view field) {
  return prefix.empty() ? std::string(field) : prefix + "." + std::string(field);
}

void Problem(std::vector<ErrorDetail>& out, std::string in, std::string message, std::string code) {
  out.push_back(ErrorDetail{std::move(message), std::move(in), std::move(code), {}});
}

std::optional<Input> ReadInput(const json::value& v, const std::string& prefix, int64_t now_ms,
                               std::vector<ErrorDetail>& problems) {
  const json::object* o = v.if_object();
  if (!o) {
    Problem(problems, prefix, "Each event must be a JSON object", "INVALID_TYPE");
    return std::nullopt;
  }
  const size_t before = problems.size();
  Input in;
  in.in = prefix;
  for (const char* key : {"eventName", "objectId", "email", "utk", "uuid", "occurredAt"}) {
    const json::value* f = o->if_contains(key);
    if (f && !f->is_null() && !f->is_string()) {
      Problem(problems, At(prefix, key), std::string(key) + " must be a string", "INVALID_TYPE");
    }
  }
  if (problems.size() != before) return std::nullopt;
  std::optional<std::string> name = StringField(*o, "eventName");
  if (!name) {
    Problem(problems, At(prefix, "eventName"), "Some required fields were not set: [eventName]",
            "REQUIRED_FIELD");
  } else if (!ValidEventName(*name)) {
    Problem(problems, At(prefix, "eventName"),
            "eventName must be 1 to 256 letters, digits, '_' or '-' (e.g. pe1234567_signup)",
            "INVALID_EVENT_NAME");
  } else if (IsBuiltInEventType(*name)) {
    Problem(problems, At(prefix, "eventName"),
            "eventName " + *name + " is one of HubSpot's own event types and cannot be sent",
            "INVALID_EVENT_NAME");
  } else {
    in.event_name = *name;
  }
  if (auto id = StringField(*o, "objectId")) {
    int64_t v = 0;
    auto [p, ec] = std::from_chars(id->data(), id->data() + id->size(), v);
    if (ec != std::errc() || p != id->data() + id->size() || v <= 0) {
      Problem(problems, At(prefix, "objectId"), "objectId must be a record id", "INVALID_ID");
    } else {
      in.object_id = v;
    }
  }
  if (auto email = StringField(*o, "email")) {
    in.email = NormalizeEmail(*email);
    if (!in.email) {
      Problem(problems, At(prefix, "email"),
              "'" + email->substr(0, 128) + "' is not an email address", "INVALID_EMAIL");
    }
  }
  in.utk = StringField(*o, "utk");
  if (in.utk && in.utk->empty()) in.utk.reset();
  // An invalid objectId or email was reported above; otherwise one of the three must name the
  // contact (null and "" name nothing).
  if (!in.object_id && !in.email && !in.utk && problems.size() == before) {
    Problem(problems, At(prefix, "objectId"),
            "An event needs objectId, email or utk to name its contact", "REQUIRED_FIELD");
  }
  in.uuid = StringField(*o, "uuid");
  if (in.uuid && in.uuid->size() > 128) {
    Problem(problems, At(prefix, "uuid"), "uuid is longer than 128 bytes", "VALUE_TOO_LONG");
  }
  in.occurred_at_ms = now_ms;
  if (auto at = StringField(*o, "occurredAt")) {
    std::optional<int64_t> ms = ParseIso8601Ms(*at);
    if (!ms) {
      Problem(problems, At(prefix, "occurredAt"),
              "occurredAt must be an ISO 8601 UTC date-time such as 2024-06-07T17:27:08.101Z",
              "INVALID_DATETIME");
    } else {
      in.occurred_at_ms = *ms;
    }
  }
  const json::value* props = o->if_contains("properties");
  if (!props || props->is_null()) {
    Problem(problems, At(prefix, "properties"), "Some required fields were not set: [properties]",
            "REQUIRED_FIELD");
  } else if (!props->is_object()) {
    Problem(problems, At(prefix, "properties"), "properties must be an object of strings",
            "INVALID_TYPE");
  } else if (props->get_object().size() > kMaxEventProperties) {
    Problem(problems, At(prefix, "properties"),
            "Too many properties: " + std::to_string(props->get_object().size()) + " (limit " +
                std::to_string(kMaxEventProperties) + ")",
            "LIMIT_EXCEEDED");
  } else {
    for (const auto& kv : props->get_object()) {
      const std::string at = At(prefix, "properties") + "." + std::string(kv.key());
      const json::value& pv = kv.value();
      std::string text;
      if (pv.is_string()) {
        text = pv.get_string();
      } else if (pv.is_number() || pv.is_bool()) {
        text = json::serialize(pv);  // numbers and booleans as their JSON text
      } else {
        Problem(problems, at, "Event property values must be strings", "INVALID_TYPE");
        continue;
      }
      // hs_uuid is where flowd keeps the occurrence's uuid.
      if (kv.key().empty() || kv.key().size() > 256 || kv.key() == "hs_uuid") {
        Problem(problems, at,
                "Event property names must be 1 to 256 bytes, and hs_uuid is reserved",
                "INVALID_PROPERTY_NAME");
        continue;
      }
      if (text.size() > kMaxPropertyValueBytes) {
        Problem(problems, at, "The value is longer than 65,536 bytes", "VALUE_TOO_LONG");
        continue;
      }
      in.properties[std::string(kv.key())] = std::move(text);
    }
  }
  if (problems.size() != before) return std::nullopt;
  return in;
}

}  // namespace

Result<std::vector<store::CrmEvent>> EventService::Send(int64_t account_id,
                                                        const json::value& body) {
  return Record(account_id, {&body}, "", false);
}

Result<std::vector<store::CrmEvent>> EventService::SendBatch(int64_t account_id,
                                                             const json::value& body) {
  const json::object* o = body.if_object();
  const json::value* inputs = o ? o->if_contains("inputs") : nullptr;
  if (!inputs || !inputs->is_array()) {
    return Error::Invalid(
        "inputs is required and must be an array",
        {{"inputs is required and must be an array", "inputs", "REQUIRED_FIELD", {}}});
  }
  const json::array& arr = inputs->get_array();
  if (arr.empty() || arr.size() > kMaxEventBatch) {
    std::string msg = "A batch holds 1 to " + std::to_string(kMaxEventBatch) + " events, got " +
                      std::to_string(arr.size());
    return Error::Invalid(msg, {{msg, "inputs", "LIMIT_EXCEEDED", {}}});
  }
  std::vector<const json::value*> items;
  items.reserve(arr.size());
  for (const auto& v : arr) items.push_back(&v);
  return Record(account_id, items, "inputs", true);
}

Result<std::vector<store::CrmEvent>> EventService::Record(
    int64_t account_id, const std::vector<const json::value*>& inputs, const std::string& prefix,
    bool batch) {
  const int64_t now = clock_.NowMs();
  std::vector<ErrorDetail> problems;
  std::vector<Input> valid;
  for (size_t i = 0; i < inputs.size(); ++i) {
    std::string at = batch ? prefix + "[" + std::to_string(i) + "]" : prefix;
    if (auto in = ReadInput(*inputs[i], at, now, problems)) valid.push_back(std::move(*in));
  }
  // Resolve every contact (objectId, else email, else utk).
  std::vector<store::CrmEvent> events;
  std::set<std::tuple<int64_t, std::string, std::string>> uuids_in_request;
  for (const Input& in : valid) {
    std::optional<int64_t> contact;
    std::string field;
    if (in.object_id) {
      field = "objectId";
      FLOWD_ASSIGN_OR_RETURN(auto found,
                             objects_.GetObjects(account_id, kContactType, {*in.object_id}, false));
      if (!found.empty()) contact = *in.object_id;
    } else {
      field = in.email ? "email" : "utk";
      const std::string property = in.email ? "email" : "hubspotutk";
      FLOWD_ASSIGN_OR_RETURN(auto ids, objects_.FindByValues(account_id, kContactType, property,
                                                             {in.email ? *in.email : *in.utk}, 1));
      if (!ids.empty()) contact = ids.front();
    }
    if (!contact) {
      Problem(problems, At(in.in, field), "No contact matches this " + field, "OBJECT_NOT_FOUND");
      continue;
    }
    if (in.uuid) {
      // The first occurrence of a uuid wins, within the request and against recorded events.
      if (!uuids_in_request.insert({*contact, in.event_name, *in.uuid}).second) continue;
      FLOWD_ASSIGN_OR_RETURN(
          auto recorded, objects_.ObjectEvents(account_id, kContactType, *contact, in.event_name));
      bool seen = std::any_of(recorded.begin(), recorded.end(), [&](const store::CrmEvent& e) {
        auto it = e.properties.find("hs_uuid");
        return it != e.properties.end() && it->second == *in.uuid;
      });
      if (seen) continue;
    }
    store::CrmEvent e;
    e.account_id = account_id;
    e.event_type_id = in.event_name;
    e.object_type_id = kContactType;
    e.object_id = *contact;
    e.occurred_at_ms = in.occurred_at_ms;
    e.properties = in.properties;
    if (in.uuid) e.properties["hs_uuid"] = *in.uuid;
    events.push_back(std::move(e));
  }
  if (!problems.empty()) {
    std::string msg = problems.size() == 1
                          ? problems[0].message
                          : std::to_string(problems.size()) + " problems in the events";
    return Error::Invalid(std::move(msg), std::move(problems));
  }
  if (events.empty()) return events;
  return objects_.AppendEvents(events);
}

}  // namespace flowd::crm
