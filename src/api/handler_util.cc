#include <charconv>

#include "api/handler_context.h"
#include "common/json.h"

namespace flowd::api {

std::string HandlerContext::BaseUrl() const {
  // Behind a TLS-terminating proxy the links must say https (X-Forwarded-Proto).
  std::string_view proto = request.Header("x-forwarded-proto");
  std::string_view host = request.Header("host");
  std::string out = proto == "https" ? "https://" : "http://";
  out += host.empty() ? std::string_view("localhost") : host;
  return out;
}

Error MissingScopes(const std::vector<std::string>& scopes) { return Error::MissingScopes(scopes); }

Status RequireAnyScope(const HandlerContext& c, const std::vector<std::string>& scopes) {
  for (const auto& s : scopes) {
    if (c.principal.HasScope(s)) return Status::Ok();
  }
  return MissingScopes(scopes);
}

Result<boost::json::value> ParseBody(const HttpRequest& request) {
  if (request.body.empty()) {
    return Error::Invalid("Invalid input JSON: the request body is empty",
                          {ErrorDetail{"A JSON request body is required", "body", "", {}}});
  }
  return ParseJsonStrict(request.body);
}

Result<int64_t> ParseIdParam(std::string_view text, std::string_view where) {
  auto id = flows::ParseId(text);
  if (!id) {
    std::string shown(text.substr(0, 64));
    return Error::Invalid(
        std::string(where) + " must be a decimal id, got '" + shown + "'",
        {ErrorDetail{"Not a valid id: '" + shown + "'", std::string(where), "INVALID_ID", {}}});
  }
  return *id;
}

Result<size_t> ParseLimit(const HttpRequest& request, size_t def, size_t max) {
  const std::string* text = request.QueryParam("limit");
  if (!text) return def;
  size_t v = 0;
  auto [p, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || p != text->data() + text->size() || v < 1 || v > max) {
    std::string msg = "limit must be an integer between 1 and " + std::to_string(max);
    return Error::Invalid(msg, {ErrorDetail{msg, "limit", "INVALID_LIMIT", {}}});
  }
  return v;
}

}  // namespace flowd::api
