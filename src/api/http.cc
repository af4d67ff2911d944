#include "api/http.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>

namespace flowd::api {

std::string_view HttpRequest::Header(std::string_view lower_name) const {
  for (const auto& [name, value] : headers) {
    if (name == lower_name) return value;
  }
  return {};
}

const std::string* HttpRequest::QueryParam(std::string_view name) const {
  for (const auto& [key, value] : query) {
    if (key == name) return &value;
  }
  return nullptr;
}

std::vector<std::string> HttpRequest::QueryParams(std::string_view name) const {
  std::vector<std::string> out;
  for (const auto& [key, value] : query) {
    if (key == name) out.push_back(value);
  }
  return out;
}

HttpResponse HttpResponse::Json(int status, std::string body) {
  HttpResponse r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

HttpResponse HttpResponse::NoContent() {
  HttpResponse r;
  r.status = 204;
  r.content_type.clear();
  return r;
}

bool ParseRequestTarget(std::string_view target, std::string* path,
                        std::vector<std::pair<std::string, std::string>>* query) {
  // parse_origin_form validates every percent escape, so the decoding below cannot fail.
  auto parsed = boost::urls::parse_origin_form(target);
  if (!parsed) return false;
  const boost::urls::url_view& url = *parsed;
  path->clear();
  url.path(boost::urls::string_token::append_to(*path));
  query->clear();
  if (!url.has_query()) return true;
  // Query strings follow the form-encoding convention clients use ('+' is a space), as
  // HubSpot's own servers read them.
  boost::urls::encoding_opts opts;
  opts.space_as_plus = true;
  for (const auto& param : url.encoded_params()) {
    if (param.key.empty() && !param.has_value) continue;  // "a=1&&b=2"
    std::string key;
    std::string value;
    param.key.decode(opts, boost::urls::string_token::append_to(key));
    if (param.has_value) param.value.decode(opts, boost::urls::string_token::append_to(value));
    query->emplace_back(std::move(key), std::move(value));
  }
  return true;
}

std::string HubSpotErrorBody(std::string_view category, std::string_view message,
                             std::string_view correlation_id) {
  boost::json::object body;
  body["status"] = "error";
  body["message"] = message;
  body["correlationId"] = correlation_id;
  body["category"] = category;
  return boost::json::serialize(body);
}

}  // namespace flowd::api
