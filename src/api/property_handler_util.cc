#include "api/property_handler_util.h"

#include <boost/json/array.hpp>

#include "api/errors.h"

namespace flowd::api {

namespace json = boost::json;

bool HasAnyScope(const HandlerContext& c, const std::vector<std::string>& scopes) {
  for (const auto& s : scopes) {
    if (c.principal.HasScope(s)) return true;
  }
  return false;
}

Result<bool> BoolParam(const HttpRequest& request, std::string_view name, bool def) {
  const std::string* text = request.QueryParam(name);
  if (!text) return def;
  std::string lower;
  for (char ch : *text) lower += static_cast<char>(ch >= 'A' && ch <= 'Z' ? ch - 'A' + 'a' : ch);
  if (lower == "true") return true;
  if (lower == "false") return false;
  std::string msg = std::string(name) + " must be true or false, got '" + text->substr(0, 64) + "'";
  return Error::Invalid(msg, {ErrorDetail{msg, std::string(name), "INVALID_TYPE", {}}});
}

Result<std::optional<std::string>> SensitivityParam(const HttpRequest& request) {
  const std::string* text = request.QueryParam("dataSensitivity");
  if (!text) return std::optional<std::string>();
  if (*text == "non_sensitive" || *text == "sensitive" || *text == "highly_sensitive") {
    return std::optional<std::string>(*text);
  }
  std::string msg = "dataSensitivity must be one of non_sensitive, sensitive or highly_sensitive";
  return Error::Invalid(msg, {ErrorDetail{msg, "dataSensitivity", "INVALID_ENUM_VALUE", {}}});
}

std::vector<std::string> ListParam(const HttpRequest& request, std::string_view name) {
  std::vector<std::string> out;
  for (const std::string& value : request.QueryParams(name)) {
    size_t start = 0;
    while (start <= value.size()) {
      size_t comma = value.find(',', start);
      if (comma == std::string::npos) comma = value.size();
      if (comma > start) out.push_back(value.substr(start, comma - start));
      start = comma + 1;
    }
  }
  return out;
}

json::object StandardError(const Error& error) {
  json::object context;
  for (const auto& [key, values] : error.context) {
    json::array a;
    for (const auto& v : values) a.emplace_back(v);
    context[key] = std::move(a);
  }
  json::array details;
  for (const auto& d : error.details) {
    json::object o{{"message", d.message}};
    if (!d.in.empty()) o["in"] = d.in;
    if (!d.code.empty()) o["code"] = d.code;
    details.push_back(std::move(o));
  }
  return json::object{{"status", "error"},
                      {"category", CategoryFor(error.code)},
                      {"message", error.message},
                      {"context", std::move(context)},
                      {"errors", std::move(details)},
                      {"links", json::object()}};
}

}  // namespace flowd::api
