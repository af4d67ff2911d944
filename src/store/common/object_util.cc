#include "store/common/object_util.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <unordered_map>
#include <unordered_set>

#include "common/time_format.h"

namespace flowd::store::internal {

std::vector<PropertyWrite> LastWriteWins(const std::vector<PropertyWrite>& writes) {
  std::vector<PropertyWrite> out;
  std::unordered_map<std::string, size_t> at;
  for (const PropertyWrite& w : writes) {
    if (IsMaintainedProperty(w.name)) continue;
    auto [it, inserted] = at.emplace(w.name, out.size());
    if (inserted) {
      out.push_back(w);
    } else {
      out[it->second].value = w.value;
    }
  }
  return out;
}

bool IsMaintainedProperty(const std::string& name) {
  return name == "hs_object_id" || name == "createdate" || name == "lastmodifieddate";
}

void AddMaintainedProperties(ObjectRecord& record) {
  record.properties["hs_object_id"] = std::to_string(record.id);
  record.properties["createdate"] = FormatIso8601Ms(record.created_at_ms);
  record.properties["lastmodifieddate"] = FormatIso8601Ms(record.updated_at_ms);
}

namespace {

// `s` as a JSON string, escaped as boost::json::serialize does (quote, backslash, control
// characters; other bytes as they are).
void AppendJsonString(std::string& out, const std::string& s) {
  static constexpr char kHex[] = "0123456789abcdef";
  out += '"';
  for (unsigned char ch : s) {
    switch (ch) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (ch < 0x20) {
          out += "\\u00";
          out += kHex[ch >> 4];
          out += kHex[ch & 0xf];
        } else {
          out += static_cast<char>(ch);
        }
    }
  }
  out += '"';
}

}  // namespace

namespace {

// Written directly: one per created record, and a boost::json::object allocates per member.
// `entries` yields (name, value) pairs through `pair`.
template <typename Entries, typename Pair>
std::string EncodeProperties(const Entries& entries, Pair pair) {
  size_t size = 2;
  for (const auto& e : entries) {
    auto [k, v] = pair(e);
    size += k.size() + v.size() + 6;
  }
  std::string out;
  out.reserve(size);
  out += '{';
  for (const auto& e : entries) {
    auto [k, v] = pair(e);
    if (out.size() > 1) out += ',';
    AppendJsonString(out, k);
    out += ':';
    AppendJsonString(out, v);
  }
  out += '}';
  return out;
}

}  // namespace

std::string EventPropertiesJson(const std::map<std::string, std::string>& properties) {
  return EncodeProperties(properties, [](const auto& e) {
    return std::pair<const std::string&, const std::string&>(e.first, e.second);
  });
}

std::string EventPropertiesJson(std::span<const PropertyWrite> writes) {
  return EncodeProperties(writes, [](const PropertyWrite& w) {
    return std::pair<const std::string&, const std::string&>(w.name, w.value);
  });
}

std::map<std::string, std::string> ParseEventProperties(const std::string& json) {
  std::map<std::string, std::string> out;
  boost::system::error_code ec;
  boost::json::value v = boost::json::parse(json, ec);
  if (ec || !v.is_object()) return out;
  for (const auto& [k, val] : v.as_object()) {
    if (val.is_string()) out.emplace(std::string(k), std::string(val.as_string()));
  }
  return out;
}

std::string JsonStringArray(std::span<const std::string> values) {
  boost::json::array a;
  for (const auto& v : values) a.emplace_back(v);
  return boost::json::serialize(a);
}

std::map<std::string, std::string> ChangeEventProperties(const std::string& name,
                                                         const std::string& value,
                                                         const std::string& previous) {
  return {{"hs_name", name}, {"hs_value", value}, {"hs_previous_value", previous}};
}

Error ObjectNotFound(const std::string& object_type_id, int64_t id) {
  return Error::NotFound("Object not found. objectId are usually numeric. (" + object_type_id +
                         " " + std::to_string(id) + ")");
}

Error UniqueValueTaken(const std::string& property, const std::string& value, int64_t holder_id) {
  Error e = Error::Conflict("A record with " + property + " '" + value.substr(0, 200) +
                            "' already exists. Existing ID: " + std::to_string(holder_id));
  e.context["existingObjectId"] = {std::to_string(holder_id)};
  e.context["property"] = {property};
  return e;
}

std::vector<ObjectRecord> InRequestedOrder(std::vector<ObjectRecord> found,
                                           const std::vector<int64_t>& ids) {
  std::unordered_map<int64_t, size_t> at;
  for (size_t i = 0; i < found.size(); ++i) at.emplace(found[i].id, i);
  std::vector<ObjectRecord> out;
  std::unordered_set<int64_t> seen;
  for (int64_t id : ids) {
    auto it = at.find(id);
    if (it == at.end() || !seen.insert(id).second) continue;
    out.push_back(std::move(found[it->second]));
  }
  return out;
}

}  // namespace flowd::store::internal
