// Query-parameter and route helpers shared by the CRM and marketing handlers. Internal to api/.
#pragma once

#include <charconv>
#include <optional>
#include <string>
#include <string_view>

#include "api/handler_context.h"
#include "api/route.h"

namespace flowd::api {

// `name` as a boolean ("true"/"false", any case); `def` when absent; 400 otherwise.
inline Result<bool> ParseBoolQuery(const HttpRequest& request, std::string_view name, bool def) {
  const std::string* text = request.QueryParam(name);
  if (!text) return def;
  std::string lower;
  for (char c : *text) lower += (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  if (lower == "true") return true;
  if (lower == "false") return false;
  std::string msg = std::string(name) + " must be true or false";
  return Error::Invalid(msg, {ErrorDetail{msg, std::string(name), "INVALID_BOOLEAN", {}}});
}

// The `after` cursor of flowd's pages: a decimal number; 400 otherwise.
inline Result<std::optional<int64_t>> ParseAfterQuery(const HttpRequest& request) {
  const std::string* text = request.QueryParam("after");
  if (!text || text->empty()) return std::optional<int64_t>();
  int64_t v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || p != text->data() + text->size() || v < 0) {
    std::string msg = "after must be a paging cursor returned by a previous page";
    return Error::Invalid(msg, {ErrorDetail{msg, "after", "INVALID_CURSOR", {}}});
  }
  return std::optional<int64_t>(v);
}

// HubSpot's `paging.next` object: {"after": cursor, "link": url of the next page}.
inline boost::json::object NextPaging(const HandlerContext& c, std::string_view path, int64_t after,
                                      size_t limit) {
  std::string cursor = std::to_string(after);
  return boost::json::object{
      {"next", boost::json::object{{"after", cursor},
                                   {"link", c.BaseUrl() + std::string(path) + "?after=" + cursor +
                                                "&limit=" + std::to_string(limit)}}}};
}

// An authenticated route needing one of `scopes`.
inline Route MakeRoute(std::string method, std::string pattern, HandlerFn handler,
                       std::vector<std::string> scopes) {
  Route r;
  r.method = std::move(method);
  r.pattern = std::move(pattern);
  r.handler = handler;
  r.scopes = std::move(scopes);
  return r;
}

}  // namespace flowd::api
