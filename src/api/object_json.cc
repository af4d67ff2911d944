#include "api/object_json.h"

#include <boost/json/monotonic_resource.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>

#include "common/text.h"
#include "common/time_format.h"

namespace flowd::api {

namespace json = boost::json;

namespace {

// A JSON value HubSpot accepts as a property value: strings, and numbers/booleans (converted to
// their text); null clears the value.
std::optional<std::string> ValueText(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string:
      return std::string(v.get_string());
    case json::kind::null:
      return std::string();
    case json::kind::bool_:
      return v.get_bool() ? "true" : "false";
    case json::kind::int64:
      return std::to_string(v.get_int64());
    case json::kind::uint64:
      return std::to_string(v.get_uint64());
    case json::kind::double_: {
      // Shortest text that reads back as the same double: 1500.5, not 1.5005E3.
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.get_double());
      if (ec != std::errc()) return std::nullopt;
      return std::string(buf, end);
    }
    default:
      return std::nullopt;
  }
}

json::object StandardError(const crm::ItemError& e) {
  json::array ids;
  for (const auto& id : e.ids) ids.emplace_back(id);
  json::object context{{"ids", std::move(ids)}};
  return json::object{
      {"status", "error"},
      {"category", e.error.code == ErrorCode::kNotFound ? "OBJECT_NOT_FOUND" : "VALIDATION_ERROR"},
      {"message", e.error.message},
      {"context", std::move(context)},
      {"errors", json::array()},
      {"links", json::object()}};
}

}  // namespace

void ParseProperties(const json::object& o, std::string_view in,
                     std::map<std::string, std::string>& out, std::vector<ErrorDetail>& problems,
                     bool required) {
  const json::value* props = o.if_contains("properties");
  if (props == nullptr) {
    if (required) {
      problems.push_back(
          {"properties is required", std::string(in) + "properties", "REQUIRED", {}});
    }
    return;
  }
  if (!props->is_object()) {
    problems.push_back({"properties must be an object of property name to value",
                        std::string(in) + "properties",
                        "INVALID_TYPE",
                        {}});
    return;
  }
  for (const auto& [k, v] : props->get_object()) {
    auto text = ValueText(v);
    if (!text) {
      problems.push_back({"The value of property " + std::string(k) + " must be a string",
                          std::string(in) + "properties." + std::string(k),
                          "INVALID_TYPE",
                          {}});
      continue;
    }
    out[std::string(k)] = std::move(*text);
  }
}

std::vector<std::string> SplitCsv(const std::vector<std::string>& params) {
  std::vector<std::string> out;
  for (const auto& p : params) {
    size_t i = 0;
    while (i <= p.size()) {
      size_t j = p.find(',', i);
      if (j == std::string::npos) j = p.size();
      if (j > i) out.push_back(p.substr(i, j - i));
      i = j + 1;
    }
  }
  return out;
}

Result<bool> BoolParam(const HttpRequest& r, std::string_view name) {
  const std::string* v = r.QueryParam(name);
  if (v == nullptr || v->empty() || *v == "false") return false;
  if (*v == "true") return true;
  std::string msg = std::string(name) + " must be true or false";
  return Error::Invalid(msg, {ErrorDetail{msg, std::string(name), "INVALID_BOOLEAN", {}}});
}

Result<crm::ReadOptions> ReadOptionsFromQuery(const HttpRequest& r) {
  crm::ReadOptions read;
  read.properties = SplitCsv(r.QueryParams("properties"));
  read.properties_with_history = SplitCsv(r.QueryParams("propertiesWithHistory"));
  FLOWD_ASSIGN_OR_RETURN(read.archived, BoolParam(r, "archived"));
  return read;
}

json::object RenderObject(const crm::ObjectView& v, json::storage_ptr sp) {
  json::object props(v.properties.size(), sp);
  for (const auto& [k, val] : v.properties) props.emplace(k, val);
  json::object o({{"id", std::to_string(v.record.id)},
                  {"properties", std::move(props)},
                  {"createdAt", FormatIso8601Ms(v.record.created_at_ms)},
                  {"updatedAt", FormatIso8601Ms(v.record.updated_at_ms)},
                  {"archived", v.record.archived_at_ms.has_value()}},
                 sp);
  if (v.record.archived_at_ms) o["archivedAt"] = FormatIso8601Ms(*v.record.archived_at_ms);
  if (!v.history.empty()) {
    json::object hist(sp);
    for (const auto& [name, versions] : v.history) {
      json::array arr(sp);
      for (const auto& ver : versions) {
        json::object e({{"value", ver.value},
                        {"timestamp", FormatIso8601Ms(ver.timestamp_ms)},
                        {"sourceType", ver.source_type}},
                       sp);
        if (!ver.source_id.empty()) e["sourceId"] = ver.source_id;
        arr.push_back(std::move(e));
      }
      hist[name] = std::move(arr);
    }
    o["propertiesWithHistory"] = std::move(hist);
  }
  return o;
}

HttpResponse BatchResponse(const crm::BatchResult& r, int64_t started_ms, int ok_status,
                           bool upsert) {
  json::storage_ptr sp = json::make_shared_resource<json::monotonic_resource>();
  json::array results(sp);
  results.reserve(r.results.size());
  for (size_t i = 0; i < r.results.size(); ++i) {
    json::object o = RenderObject(r.results[i], sp);
    if (upsert) o["new"] = r.is_new.at(i);
    results.push_back(std::move(o));
  }
  json::object body({{"status", "COMPLETE"},
                     {"results", std::move(results)},
                     {"startedAt", FormatIso8601Ms(started_ms)},
                     {"completedAt", FormatIso8601Ms(SystemClock::Instance().NowMs())}},
                    sp);
  if (!r.errors.empty()) {
    json::array errors(sp);
    for (const auto& e : r.errors) errors.push_back(StandardError(e));
    body["numErrors"] = static_cast<int64_t>(r.errors.size());
    body["errors"] = std::move(errors);
  }
  return HttpResponse::Json(r.errors.empty() ? ok_status : 207, json::serialize(body));
}

Result<const json::array*> BatchInputs(const json::value& body) {
  const json::object* o = body.if_object();
  const json::value* inputs = o ? o->if_contains("inputs") : nullptr;
  if (inputs == nullptr || !inputs->is_array()) {
    return Error::InvalidList(
        {{"inputs is required and must be an array", "inputs", "REQUIRED", {}}});
  }
  const size_t n = inputs->get_array().size();
  if (n > crm::ObjectService::kMaxBatch) {
    return Error::InvalidList(
        {{"A batch may hold at most " + std::to_string(crm::ObjectService::kMaxBatch) +
              " inputs, got " + std::to_string(n),
          "inputs",
          "TOO_MANY_INPUTS",
          {}}});
  }
  return &inputs->get_array();
}

std::string InputPath(size_t i) { return "inputs[" + std::to_string(i) + "]."; }

std::vector<std::string> StringArray(const json::object& o, std::string_view key, std::string in,
                                     std::vector<ErrorDetail>& problems) {
  std::vector<std::string> out;
  const json::value* v = o.if_contains(key);
  if (v == nullptr || v->is_null()) return out;
  if (!v->is_array()) {
    problems.push_back({std::string(key) + " must be an array of strings", in, "INVALID_TYPE", {}});
    return out;
  }
  for (const auto& e : v->get_array()) {
    if (!e.is_string()) {
      problems.push_back(
          {std::string(key) + " must be an array of strings", in, "INVALID_TYPE", {}});
      return {};
    }
    out.emplace_back(e.get_string());
  }
  return out;
}

std::optional<std::string> StringField(const json::object& o, std::string_view key) {
  const json::value* v = o.if_contains(key);
  if (v == nullptr) return std::nullopt;
  if (v->is_string()) return std::string(v->get_string());
  if (v->is_int64()) return std::to_string(v->get_int64());
  if (v->is_uint64()) return std::to_string(v->get_uint64());
  return std::nullopt;
}

std::vector<crm::NewRecordAssociation> ParseNewAssociations(const json::object& o,
                                                            const std::string& in,
                                                            std::vector<ErrorDetail>& problems) {
  std::vector<crm::NewRecordAssociation> out;
  const json::value* a = o.if_contains("associations");
  if (a == nullptr || a->is_null()) return out;
  if (!a->is_array()) {
    problems.push_back({"associations must be an array", in + "associations", "INVALID_TYPE", {}});
    return out;
  }
  const auto& arr = a->get_array();
  for (size_t i = 0; i < arr.size(); ++i) {
    const std::string at = in + "associations[" + std::to_string(i) + "]";
    const json::object* item = arr[i].if_object();
    const json::object* to =
        item ? item->if_contains("to") ? (*item).at("to").if_object() : nullptr : nullptr;
    auto to_id = to ? StringField(*to, "id") : std::nullopt;
    int64_t id = 0;
    if (to_id) {
      auto [p, ec] = std::from_chars(to_id->data(), to_id->data() + to_id->size(), id);
      if (ec != std::errc() || p != to_id->data() + to_id->size() || id <= 0) to_id.reset();
    }
    if (!to_id) {
      problems.push_back(
          {"to.id is required and must be a record id", at + ".to.id", "REQUIRED", {}});
      continue;
    }
    crm::NewRecordAssociation assoc;
    assoc.to_id = id;
    const json::value* types = item->if_contains("types");
    if (types == nullptr || !types->is_array()) {
      problems.push_back({"types is required and must be an array", at + ".types", "REQUIRED", {}});
      continue;
    }
    for (size_t j = 0; j < types->get_array().size(); ++j) {
      const std::string tin = at + ".types[" + std::to_string(j) + "]";
      const json::object* t = types->get_array()[j].if_object();
      auto category = t ? StringField(*t, "associationCategory") : std::nullopt;
      const json::value* type_id = t ? t->if_contains("associationTypeId") : nullptr;
      if (!category || type_id == nullptr || !type_id->is_int64()) {
        problems.push_back({"each type needs associationCategory and an integer associationTypeId",
                            tin,
                            "REQUIRED",
                            {}});
        continue;
      }
      assoc.types.push_back(crm::AssociationTypeRef{*category, type_id->get_int64()});
    }
    out.push_back(std::move(assoc));
  }
  return out;
}

Result<std::vector<crm::ObjectUpdateInput>> UpdateInputs(const json::array& inputs) {
  std::vector<crm::ObjectUpdateInput> out(inputs.size());
  std::vector<ErrorDetail> problems;
  for (size_t i = 0; i < inputs.size(); ++i) {
    const json::object* o = inputs[i].if_object();
    if (o == nullptr) {
      problems.push_back(
          {"each input must be an object", "inputs[" + std::to_string(i) + "]", "", {}});
      continue;
    }
    auto id = StringField(*o, "id");
    if (!id || id->empty()) {
      problems.push_back(
          {"id is required and must be a string", InputPath(i) + "id", "REQUIRED", {}});
    } else {
      out[i].ref.id = *id;
    }
    if (const json::value* p = o->if_contains("idProperty"); p && !p->is_null()) {
      if (!p->is_string()) {
        problems.push_back({"idProperty must be a string", InputPath(i) + "idProperty", "", {}});
      } else {
        out[i].ref.id_property = std::string(p->get_string());
      }
    }
    ParseProperties(*o, InputPath(i), out[i].properties, problems, true);
  }
  if (!problems.empty()) return Error::InvalidList(std::move(problems));
  return out;
}

Result<crm::SearchRequest> ParseSearchRequest(const json::object& o) {
  crm::SearchRequest req;
  std::vector<ErrorDetail> problems;
  if (const json::value* groups = o.if_contains("filterGroups"); groups && !groups->is_null()) {
    if (!groups->is_array()) {
      problems.push_back({"filterGroups must be an array", "filterGroups", "INVALID_TYPE", {}});
    } else {
      for (size_t g = 0; g < groups->get_array().size(); ++g) {
        const std::string gin = "filterGroups[" + std::to_string(g) + "]";
        const json::object* go = groups->get_array()[g].if_object();
        const json::value* filters = go ? go->if_contains("filters") : nullptr;
        if (filters == nullptr || !filters->is_array()) {
          problems.push_back(
              {"filters is required and must be an array", gin + ".filters", "REQUIRED", {}});
          continue;
        }
        std::vector<crm::SearchFilter> group;
        for (size_t i = 0; i < filters->get_array().size(); ++i) {
          const std::string fin = gin + ".filters[" + std::to_string(i) + "]";
          const json::object* fo = filters->get_array()[i].if_object();
          if (fo == nullptr) {
            problems.push_back({"each filter must be an object", fin, "INVALID_TYPE", {}});
            continue;
          }
          crm::SearchFilter f;
          auto name = StringField(*fo, "propertyName");
          auto op = StringField(*fo, "operator");
          if (!name)
            problems.push_back({"propertyName is required", fin + ".propertyName", "REQUIRED", {}});
          if (!op) problems.push_back({"operator is required", fin + ".operator", "REQUIRED", {}});
          if (!name || !op) continue;
          f.property = *name;
          f.op = *op;
          if (const json::value* v = fo->if_contains("value"); v && !v->is_null()) {
            f.value = ValueText(*v);
            if (!f.value)
              problems.push_back({"value must be a string", fin + ".value", "INVALID_TYPE", {}});
          }
          if (const json::value* v = fo->if_contains("highValue"); v && !v->is_null()) {
            f.high_value = ValueText(*v);
            if (!f.high_value)
              problems.push_back(
                  {"highValue must be a string", fin + ".highValue", "INVALID_TYPE", {}});
          }
          if (const json::value* v = fo->if_contains("values"); v && v->is_array()) {
            for (const auto& e : v->get_array()) {
              auto text = ValueText(e);
              if (text) f.values.push_back(*text);
            }
          }
          group.push_back(std::move(f));
        }
        req.groups.push_back(std::move(group));
      }
    }
  }
  if (const json::value* sorts = o.if_contains("sorts"); sorts && sorts->is_array()) {
    for (const auto& s : sorts->get_array()) {
      crm::SearchSort sort;
      if (s.is_string()) {
        std::string text(s.get_string());
        sort.descending = !text.empty() && text[0] == '-';
        sort.property = sort.descending ? text.substr(1) : text;
      } else if (const json::object* so = s.if_object()) {
        sort.property = StringField(*so, "propertyName").value_or("");
        sort.descending = StringField(*so, "direction").value_or("ASCENDING") == "DESCENDING";
      }
      if (sort.property.empty()) {
        problems.push_back({"each sort must name a property", "sorts", "INVALID_TYPE", {}});
        continue;
      }
      req.sorts.push_back(std::move(sort));
    }
  }
  req.properties = StringArray(o, "properties", "properties", problems);
  req.query = StringField(o, "query").value_or("");
  if (const json::value* l = o.if_contains("limit"); l && !l->is_null()) {
    if (l->is_int64() || l->is_uint64()) {
      int64_t v = l->is_int64()
                      ? l->get_int64()
                      : static_cast<int64_t>(std::min<uint64_t>(l->get_uint64(), 1u << 30));
      req.limit = v < 0 ? 0 : static_cast<size_t>(v);
    } else {
      problems.push_back({"limit must be an integer", "limit", "INVALID_TYPE", {}});
    }
  }
  if (auto a = StringField(o, "after"); a && !a->empty()) {
    auto v = ParseDecimalId(*a, /*allow_zero=*/true);
    if (!v) {
      problems.push_back({"after must be a paging cursor returned by a previous search",
                          "after",
                          "INVALID_AFTER",
                          {}});
    } else {
      req.after = *v;
    }
  }
  if (!problems.empty()) return Error::InvalidList(std::move(problems));
  return req;
}

}  // namespace flowd::api
