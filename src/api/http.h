// flowd's own HTTP request/response types: handlers never see Boost.Beast.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace flowd::api {

struct HttpRequest {
  std::string method;  // "GET", "POST", … (upper case, as received)
  std::string target;  // raw request target ("/automation/v4/flows?limit=10")
  std::string path;    // percent-decoded path without the query ("/automation/v4/flows")
  std::vector<std::pair<std::string, std::string>> query;    // decoded, in order, repeats kept
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string remote_address;
  std::string correlation_id;  // assigned by the server before the handler runs

  // First header with this (lower-case) name, or "" when absent.
  std::string_view Header(std::string_view lower_name) const;
  // First query parameter with this name, or nullptr.
  const std::string* QueryParam(std::string_view name) const;
  // Every value of a repeated query parameter (`?flowId=1&flowId=2`).
  std::vector<std::string> QueryParams(std::string_view name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json;charset=utf-8";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  static HttpResponse Json(int status, std::string body);
  static HttpResponse NoContent();
};

// Called on a server thread for every complete request; must not throw (the server catches and
// answers 500 anyway). `x-hubspot-correlation-id` is added by the server.
using Handler = std::function<HttpResponse(const HttpRequest&)>;

// HubSpot's error body {"status":"error","message","correlationId","category"} as JSON text:
// what the server sends for the errors it detects itself unless an ErrorRenderer is given.
std::string HubSpotErrorBody(std::string_view category, std::string_view message,
                             std::string_view correlation_id);

// Renders the body for errors the server itself detects (malformed request, body too large,
// timeouts): status, category, message, correlation id → JSON text. Empty = HubSpotErrorBody.
using ErrorRenderer =
    std::function<std::string(int status, std::string_view category, std::string_view message,
                              std::string_view correlation_id)>;

// Splits an origin-form request target ("/a%20b?x=1&x=2") into the percent-decoded path and the
// decoded query pairs (in order, repeats kept, '+' read as a space). False when the target is not
// origin-form or its escapes are malformed — the server answers 400.
bool ParseRequestTarget(std::string_view target, std::string* path,
                        std::vector<std::pair<std::string, std::string>>* query);

}  // namespace flowd::api
