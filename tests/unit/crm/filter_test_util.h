// An in-memory FilterContext and JSON helpers for the filter evaluator's tests.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "common/time_format.h"
#include "crm/filter/filter_eval.h"

namespace flowd::crm::filter::testing {

inline int64_t Ms(const std::string& iso) {
  auto ms = ParseIso8601Ms(iso);
  EXPECT_TRUE(ms.has_value()) << iso;
  return ms.value_or(0);
}

inline boost::json::value Json(const std::string& text) {
  boost::json::parse_options options;
  options.max_depth = 256;
  return boost::json::parse(text, {}, options);
}

class FakeContext : public FilterContext {
 public:
  struct Assoc {
    RecordRef from;
    RecordRef to;
    std::string category;
    int64_t type_id;
  };

  int64_t now = Ms("2024-03-15T12:00:00Z");  // a Friday
  std::string zone = "UTC";
  int fiscal_start = 1;
  std::map<std::string, std::shared_ptr<PropertySet>> props;
  std::map<std::pair<std::string, int64_t>, std::map<std::string, std::string>> records;
  std::map<std::tuple<std::string, int64_t, std::string>, std::vector<store::ValueVersion>> history;
  std::set<std::pair<std::string, std::pair<std::string, int64_t>>> members;
  std::map<std::string, std::string> list_types;
  std::vector<Assoc> assocs;
  std::vector<store::CrmEvent> events;
  int values_calls = 0;

  // ---- set-up helpers
  void AddProperty(const std::string& type, const std::string& name, const std::string& ptype,
                   const std::string& field_type = "text",
                   const std::vector<std::string>& options = {},
                   const std::string& sensitivity = "non_sensitive") {
    auto& set = props[type];
    if (!set) set = std::make_shared<PropertySet>();
    store::PropertyRecord p;
    p.object_type_id = type;
    p.name = name;
    p.type = ptype;
    p.field_type = field_type;
    p.data_sensitivity = sensitivity;
    for (const auto& o : options) p.options.push_back({o, o, "", -1, false});
    set->by_name[name] = p;
  }
  void AddRecord(const std::string& type, int64_t id) { records[{type, id}]; }
  // Sets a value now-ish (at `at_ms`), keeping history newest first.
  void Set(const std::string& type, int64_t id, const std::string& name, const std::string& value,
           int64_t at_ms = 0) {
    auto& values = records[{type, id}];
    if (value.empty()) {
      values.erase(name);
    } else {
      values[name] = value;
    }
    auto& h = history[{type, id, name}];
    h.insert(h.begin(), store::ValueVersion{value, at_ms ? at_ms : now - 1000, "API", ""});
  }
  void Associate(const RecordRef& a, const RecordRef& b, int64_t type_id,
                 const std::string& category = "HUBSPOT_DEFINED") {
    assocs.push_back({a, b, category, type_id});
  }
  void AddEvent(const std::string& type_id, int64_t object_id, int64_t at_ms,
                std::map<std::string, std::string> properties = {},
                const std::string& object_type = "0-1") {
    store::CrmEvent e;
    e.seq = static_cast<int64_t>(events.size()) + 1;
    e.event_type_id = type_id;
    e.object_type_id = object_type;
    e.object_id = object_id;
    e.occurred_at_ms = at_ms;
    e.properties = std::move(properties);
    events.push_back(std::move(e));
  }

  // ---- FilterContext
  int64_t NowMs() override { return now; }
  std::string TimeZoneId() override { return zone; }
  int FiscalYearStartMonth() override { return fiscal_start; }
  Result<std::shared_ptr<const PropertySet>> Properties(const std::string& type) override {
    auto it = props.find(type);
    if (it == props.end()) return std::make_shared<const PropertySet>();
    return std::shared_ptr<const PropertySet>(it->second);
  }
  Result<std::optional<std::map<std::string, std::string>>> Values(const RecordRef& r) override {
    ++values_calls;
    auto it = records.find({r.object_type_id, r.id});
    if (it == records.end()) return std::optional<std::map<std::string, std::string>>();
    return std::optional<std::map<std::string, std::string>>(it->second);
  }
  Result<std::vector<store::ValueVersion>> History(const RecordRef& r,
                                                   const std::string& name) override {
    auto it = history.find({r.object_type_id, r.id, name});
    if (it == history.end()) return std::vector<store::ValueVersion>{};
    return it->second;
  }
  Result<bool> IsMember(const std::string& list_id, const RecordRef& r) override {
    return members.count({list_id, {r.object_type_id, r.id}}) > 0;
  }
  Result<std::optional<std::string>> ListObjectType(const std::string& list_id) override {
    auto it = list_types.find(list_id);
    if (it == list_types.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  Result<std::vector<int64_t>> Associated(const RecordRef& from, const std::string& to_type,
                                          const std::string& category, int64_t type_id) override {
    std::set<int64_t> ids;
    for (const auto& a : assocs) {
      auto match = [&](const RecordRef& x, const RecordRef& y) {
        return x.object_type_id == from.object_type_id && x.id == from.id &&
               y.object_type_id == to_type && (category.empty() || a.category == category) &&
               (type_id <= 0 || a.type_id == type_id);
      };
      if (match(a.from, a.to)) ids.insert(a.to.id);
    }
    return std::vector<int64_t>(ids.begin(), ids.end());
  }
  Result<std::vector<store::CrmEvent>> Events(const RecordRef& r,
                                              const std::string& type_id) override {
    std::vector<store::CrmEvent> out;
    for (const auto& e : events) {
      if (e.object_type_id == r.object_type_id && e.object_id == r.id &&
          (type_id.empty() || e.event_type_id == type_id)) {
        out.push_back(e);
      }
    }
    return out;
  }
};

// The conventional list shape: OR ( AND ( filters… ) ).
inline std::string Root(const std::string& filters_json) {
  return R"({"filterBranchType":"OR","filterBranchOperator":"OR","filters":[],"filterBranches":[
    {"filterBranchType":"AND","filterBranchOperator":"AND","filterBranches":[],"filters":[)" +
         filters_json + "]}]}";
}

inline std::string PropertyFilter(const std::string& property, const std::string& operation) {
  return R"({"filterType":"PROPERTY","property":")" + property + R"(","operation":)" + operation +
         "}";
}

// Evaluates `branch_json` for record (type, id); fails the test when evaluation errs.
inline bool Eval(FakeContext& ctx, const std::string& branch_json, int64_t id = 1,
                 const std::string& type = "0-1") {
  auto r = Evaluate(Json(branch_json), RecordRef{type, id}, ctx);
  EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message) << "\n" << branch_json;
  return r.ok() && r.value();
}

// Validation errors of `branch_json` for contacts (empty when valid).
inline std::vector<ErrorDetail> Problems(FakeContext& ctx, const std::string& branch_json,
                                         const std::string& type = "0-1") {
  auto props = ctx.Properties(type);
  auto other = [&ctx](const std::string& t) { return ctx.Properties(t); };
  Status s = ValidateFilterBranch(Json(branch_json), type, *props.value(), other);
  if (s.ok()) return {};
  EXPECT_EQ(s.error().code, ErrorCode::kInvalidArgument);
  return s.error().details;
}

// Standard contact properties used across the tests.
inline void AddContactProperties(FakeContext& ctx) {
  ctx.AddProperty("0-1", "firstname", "string");
  ctx.AddProperty("0-1", "nickname", "string");
  ctx.AddProperty("0-1", "email", "string");
  ctx.AddProperty("0-1", "phone", "phone_number", "phonenumber");
  ctx.AddProperty("0-1", "age", "number", "number");
  ctx.AddProperty("0-1", "vip", "bool", "booleancheckbox", {"true", "false"});
  ctx.AddProperty("0-1", "stage", "enumeration", "select", {"lead", "customer", "evangelist"});
  ctx.AddProperty("0-1", "tags", "enumeration", "checkbox", {"a", "b", "c"});
  ctx.AddProperty("0-1", "birthday", "date", "date");
  ctx.AddProperty("0-1", "lastseen", "datetime", "date");
  ctx.AddProperty("0-1", "other_date", "datetime", "date");
  ctx.AddProperty("0-1", "secret", "string", "text", {}, "highly_sensitive");
  ctx.AddProperty("0-2", "name", "string");
  ctx.AddProperty("0-2", "employees", "number", "number");
  ctx.AddProperty("0-3", "dealname", "string");
  ctx.AddProperty("0-3", "amount", "number", "number");
}

}  // namespace flowd::crm::filter::testing
