// `fields` of SINGLE_CONNECTION actions. The spec types them as a free map, so flowd checks only
// the built-in action types of its catalogue: required fields (for enabled flows; drafts may be
// incomplete) and the obvious shape of fields that are present. App/custom action types
// ("1-179507819") pass unchecked.
#include <algorithm>
#include <boost/json/array.hpp>
#include <string>
#include <vector>

#include "model/action_catalog.h"
#include "model/flow_checks.h"

namespace flowd::model::internal {
namespace json = boost::json;
using schema::Context;

namespace {

// Units a delay may be expressed in (java.time.ChronoUnit names, as ApiTimeDelay.timeUnit).
const std::vector<std::string>& TimeUnits() {
  static const std::vector<std::string>* units = new std::vector<std::string>{
      "NANOS", "MICROS", "MILLIS", "SECONDS", "MINUTES", "HOURS",     "HALF_DAYS",
      "DAYS",  "WEEKS",  "MONTHS", "YEARS",   "DECADES", "CENTURIES", "MILLENNIA"};
  return *units;
}

bool IsDecimal(std::string_view s, bool allow_sign) {
  if (allow_sign && !s.empty() && (s[0] == '-' || s[0] == '+')) s.remove_prefix(1);
  if (s.empty() || s.size() > 18) return false;
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsObjectTypeId(std::string_view s) {
  size_t dash = s.find('-');
  if (dash == std::string_view::npos) return false;
  return IsDecimal(s.substr(0, dash), false) && IsDecimal(s.substr(dash + 1), false);
}

// A decimal whole number written as a JSON string or a JSON integer.
bool IsWholeNumber(const json::value& v, bool allow_negative) {
  if (v.is_string()) return IsDecimal(v.get_string(), allow_negative);
  if (v.is_uint64()) return true;
  if (v.is_int64()) return allow_negative || v.get_int64() >= 0;
  return false;
}

bool IsBoolish(const json::value& v) {
  return v.is_bool() || (v.is_string() && (v.get_string() == "true" || v.get_string() == "false"));
}

// Absent, null, "" and [] count as "not filled in" (an editor's draft).
bool IsUnset(const json::value* v) {
  return !v || v->is_null() || (v->is_string() && v->get_string().empty()) ||
         (v->is_array() && v->get_array().empty());
}

std::string Describe(const ActionType& t) {
  return "action type " + t.action_type_id + " (" + t.name + ")";
}

void CheckTimeOfDay(const json::value& v, const std::string& path, Context& ctx) {
  const json::object* o = v.if_object();
  if (!o) {
    ctx.Add(path,
            "Expected an object {hour, minute} but got " + std::string(schema::JsonKindName(v)),
            schema::kCodeType);
    return;
  }
  struct Part {
    const char* name;
    int64_t max;
  };
  for (Part p : {Part{"hour", 23}, Part{"minute", 59}}) {
    const json::value* x = o->if_contains(p.name);
    std::string sub = path + "." + p.name;
    if (!x) {
      ctx.Add(sub, std::string("Some required fields were not set: [") + p.name + "]",
              schema::kCodeRequired);
    } else if (!x->is_int64() || x->get_int64() < 0 || x->get_int64() > p.max) {
      ctx.Add(sub, "Expected an integer in [0, " + std::to_string(p.max) + "]", schema::kCodeRange);
    }
  }
}

// Shape of a present field. Field-specific rules first, then by CRM type.
void CheckShape(const ActionType& t, const ActionInputField& f, const json::value& v,
                const std::string& path, Context& ctx) {
  auto bad = [&](const std::string& expected) {
    ctx.Add(path, "Expected " + expected + " but got " + std::string(schema::JsonKindName(v)),
            schema::kCodeType);
  };
  const std::string& id = t.action_type_id;
  if (f.name == "user_ids") {
    if (!v.is_array()) return bad("an array of user ids");
    for (const json::value& u : v.get_array()) {
      if (!IsWholeNumber(u, false)) {
        ctx.Add(path, "Every user id must be a decimal number (string or integer)",
                schema::kCodeValue);
        return;
      }
    }
    return;
  }
  if (f.name == "time_of_day") return CheckTimeOfDay(v, path, ctx);
  if (f.name == "time_unit") {
    if (!v.is_string()) return bad("a string");
    const auto& units = TimeUnits();
    if (std::find(units.begin(), units.end(), v.get_string()) == units.end()) {
      ErrorContext ec;
      ec["allowedValues"] = units;
      ctx.Add(path, "Invalid time unit \"" + std::string(v.get_string()).substr(0, 32) + "\"",
              schema::kCodeEnum, std::move(ec));
    }
    return;
  }
  if (f.name == "date") {
    if (!v.is_object() && !v.is_string() && !v.is_number()) return bad("an input value object");
    return;
  }
  if (f.name == "object_type_id") {
    if (!v.is_string() || !IsObjectTypeId(v.get_string())) {
      ctx.Add(path, "Expected an object type id such as \"0-3\"", schema::kCodeValue);
    }
    return;
  }
  if (f.name == "associations" || f.name == "properties") {
    if (!v.is_array()) return bad("an array");
    if (f.name == "properties") {
      for (size_t i = 0; i < v.get_array().size(); ++i) {
        const json::value& p = v.get_array()[i];
        const json::value* tp =
            p.is_object() ? p.get_object().if_contains("targetProperty") : nullptr;
        if (!tp || !tp->is_string() || tp->get_string().empty()) {
          ctx.Add(path + "[" + std::to_string(i) + "].targetProperty",
                  "Some required fields were not set: [targetProperty]", schema::kCodeRequired);
        } else {
          ctx.properties().insert(std::string(tp->get_string()));
        }
      }
    }
    return;
  }
  if (f.name == "association") {
    if (!v.is_object()) return bad("an object");
    return;
  }
  if (f.crm_type == "number") {
    bool allow_negative = id == "0-35" && f.name == "delta";
    if (!IsWholeNumber(v, allow_negative)) {
      ctx.Add(path,
              allow_negative ? "Expected a whole number (string or integer)"
                             : "Expected a non-negative whole number (string or integer)",
              schema::kCodeValue);
    }
    return;
  }
  if (f.crm_type == "enumeration") {
    if (!v.is_string()) return bad("a string");
    if (std::find(f.options.begin(), f.options.end(), v.get_string()) == f.options.end()) {
      ErrorContext ec;
      ec["allowedValues"] = f.options;
      std::string allowed;
      for (const auto& o : f.options) allowed += (allowed.empty() ? "" : ", ") + o;
      ctx.Add(path,
              "Invalid value \"" + std::string(v.get_string()).substr(0, 32) +
                  "\"; expected one of [" + allowed + "]",
              schema::kCodeEnum, std::move(ec));
    }
    return;
  }
  if (f.crm_type == "bool") {
    if (!IsBoolish(v)) bad("a boolean (or \"true\"/\"false\")");
    return;
  }
  if (f.crm_type == "string") {
    if (!v.is_string()) bad("a string");
    return;
  }
  // json: anything.
}

// Input values inside `fields` ({"type": "OBJECT_PROPERTY", "propertyName": ...}) name properties.
void CollectProperties(const json::value& v, Context& ctx, int depth) {
  if (depth > 32) return;
  if (const json::object* o = v.if_object()) {
    const json::value* type = o->if_contains("type");
    if (type && type->is_string()) {
      const char* key = type->get_string() == "OBJECT_PROPERTY"          ? "propertyName"
                        : type->get_string() == "APPEND_OBJECT_PROPERTY" ? "appendPropertyName"
                                                                         : nullptr;
      const json::value* name = key ? o->if_contains(key) : nullptr;
      if (name && name->is_string() && !name->get_string().empty()) {
        ctx.properties().insert(std::string(name->get_string()));
      }
    }
    for (const auto& kv : *o) CollectProperties(kv.value(), ctx, depth + 1);
  } else if (const json::array* a = v.if_array()) {
    for (const json::value& x : *a) CollectProperties(x, ctx, depth + 1);
  }
}

}  // namespace

void CheckActionFields(const json::object& content, const FlowFacts& facts, Context& ctx,
                       std::vector<std::string>& email_content_ids) {
  const json::value* actions_v = content.if_contains("actions");
  if (!actions_v || !actions_v->is_array()) return;
  const json::array& actions = actions_v->get_array();
  for (size_t i = 0; i < actions.size(); ++i) {
    const json::object* a = actions[i].if_object();
    if (!a) continue;
    const json::value* type = a->if_contains("type");
    if (!type || !type->is_string() || type->get_string() != "SINGLE_CONNECTION") continue;
    std::string base = "actions[" + std::to_string(i) + "]";
    const json::value* fields_v = a->if_contains("fields");
    const json::object* fields = fields_v ? fields_v->if_object() : nullptr;
    if (fields) CollectProperties(*fields_v, ctx, 0);
    const json::value* type_id = a->if_contains("actionTypeId");
    if (!type_id || !type_id->is_string()) continue;
    const ActionType* t = FindBuiltinActionType(type_id->get_string());
    if (!t) continue;  // app or custom action: its fields are its own business

    if (!t->object_type_ids.empty() && !facts.object_type_id.empty() &&
        std::find(t->object_type_ids.begin(), t->object_type_ids.end(), facts.object_type_id) ==
            t->object_type_ids.end()) {
      ctx.Add(base + ".actionTypeId",
              "The " + Describe(*t) + " is not available for object type \"" +
                  facts.object_type_id + "\"",
              schema::kCodeValue);
    }
    if (!fields) continue;  // the walker reported it
    for (const ActionInputField& f : t->fields) {
      const json::value* v = fields->if_contains(f.name);
      std::string path = base + ".fields." + f.name;
      if (IsUnset(v)) {
        if (f.required && facts.is_enabled) {
          ctx.Add(path,
                  "Some required fields were not set: [" + f.name + "] (" + Describe(*t) +
                      "); an incomplete flow can be saved only while disabled",
                  schema::kCodeIncomplete);
        }
        continue;
      }
      CheckShape(*t, f, *v, path, ctx);
    }
    if (t->action_type_id == "0-11") {
      const json::value* p = fields->if_contains("target_property");
      if (p && p->is_string() && !p->get_string().empty()) {
        ctx.properties().insert(std::string(p->get_string()));
      }
    }
    if (t->action_type_id == "0-5") {
      const json::value* p = fields->if_contains("property_name");
      if (p && p->is_string() && !p->get_string().empty()) {
        ctx.properties().insert(std::string(p->get_string()));
      }
    }
    if (t->action_type_id == "0-4") {
      const json::value* c = fields->if_contains("content_id");
      std::string id;
      if (c && c->is_string() && IsDecimal(c->get_string(), false)) id = c->get_string();
      if (c && c->is_int64() && c->get_int64() >= 0) id = std::to_string(c->get_int64());
      if (c && c->is_uint64()) id = std::to_string(c->get_uint64());
      if (!id.empty() && std::find(email_content_ids.begin(), email_content_ids.end(), id) ==
                             email_content_ids.end()) {
        email_content_ids.push_back(std::move(id));
      }
    }
  }
}

}  // namespace flowd::model::internal
