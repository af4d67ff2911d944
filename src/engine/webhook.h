// Outbound webhooks (the WEBHOOK action): building the request, sending it, classifying the
// answer and scheduling retries, following HubSpot's rules for workflow webhooks:
//   * connect within 3 s, answer within 30 s;
//   * 2xx delivered; 4xx fails for good, except 429, retried after Retry-After;
//   * 5xx, timeouts and network errors retried with exponential backoff (first retry one minute
//     after the failure, at most 8 hours apart) for up to 3 days after the first attempt.
//
// These are leaf components: the engine resolves the action's input values and secrets, keeps
// the attempt count and first-attempt time in its job row, and stores the run_at that
// NextAttempt returns. Nothing here sleeps or reads the time except through a Clock.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace flowd::engine {

// The methods flowd sends. The spec's enum also lists CONNECT, HEAD, OPTIONS and TRACE, which
// carry no payload a receiver can act on; flowd refuses them when building a request.
enum class HttpMethod { kGet, kPost, kPut, kPatch, kDelete };

std::string_view HttpMethodName(HttpMethod method);
// "GET", "POST", … (upper case, as the spec spells them). nullopt for anything else.
std::optional<HttpMethod> ParseHttpMethod(std::string_view name);

// ApiAuthKeyWebhookAuthSettings: the secret named `secret_name` sent as header or query `name`.
struct WebhookAuthKey {
  enum class Location { kHeader, kQueryParam };
  Location location = Location::kHeader;
  std::string name;
  std::string secret_name;
};

// ApiSignatureWebhookAuthSettings: the request is signed with the app's client secret
// (X-HubSpot-Signature-v3).
struct WebhookSignatureAuth {
  int64_t app_id = 0;
};

using WebhookAuth = std::variant<std::monostate, WebhookAuthKey, WebhookSignatureAuth>;

// One query parameter as the action stores it: the value is an unresolved InputValue JSON.
struct WebhookQueryParam {
  std::string name;
  boost::json::value value;
};

// The delivery-relevant part of an ApiWebhookAction.
struct WebhookActionSettings {
  std::string action_id;
  HttpMethod method = HttpMethod::kPost;
  std::string url;
  std::vector<WebhookQueryParam> query_params;
  WebhookAuth auth;
};

// Reads an ApiWebhookAction JSON object (as stored by the flows API). kInvalidArgument naming
// the field when something required is missing or of the wrong type, or the method is one flowd
// does not send.
Result<WebhookActionSettings> ParseWebhookAction(const boost::json::value& action);

// What the engine supplies for one attempt.
struct WebhookInputs {
  // The action's query parameters with their values resolved, in the action's order.
  std::vector<std::pair<std::string, std::string>> query_params;
  // AUTH_KEY: the secret's value. SIGNATURE: the app's client secret. Unused without auth.
  std::string secret;
  // The payload (for HubSpot: the enrolled record). Sent for POST, PUT and PATCH; GET and DELETE
  // carry no body.
  boost::json::value body;
  // "enrollmentId:actionId:executionIndex", sent as Idempotency-Key. Required.
  std::string idempotency_key;
};

// A fully built request. Holds secret values (auth header, query parameter, signature input):
// never log it.
struct WebhookRequest {
  HttpMethod method = HttpMethod::kPost;
  // Absolute http(s) URL with the query string as it goes on the wire.
  std::string url;
  // In sending order. Always: User-Agent, Idempotency-Key; Content-Type with a body; the auth
  // header or the two signature headers when configured.
  std::vector<std::pair<std::string, std::string>> headers;
  // Serialized JSON; empty for GET and DELETE.
  std::string body;

  // The value of header `name` (ASCII case-insensitive), or nullopt.
  std::optional<std::string> Header(std::string_view name) const;
};

// Builds the request for one attempt; the signature timestamp is `clock.NowMs()`.
// kInvalidArgument when the URL is not an absolute http(s) URL, a header name or value would be
// malformed (CR, LF, …), the auth header would replace one flowd sets, or the idempotency key is
// empty.
Result<WebhookRequest> BuildWebhookRequest(const WebhookActionSettings& settings,
                                           const WebhookInputs& inputs, const Clock& clock);

// HubSpot's v3 request signature: base64(HMAC-SHA256(secret, method + uri + body + timestamp)),
// where `uri` is the full request URL with the escapes %3A %2F %3F %40 %21 %24 %27 %28 %29 %2A
// %2C %3B decoded (receivers decode exactly these before comparing, per HubSpot's docs).
std::string SignatureV3(std::string_view secret, std::string_view method, std::string_view url,
                        std::string_view body, int64_t timestamp_ms);

// What came back from one attempt.
struct WebhookResponse {
  enum class Transport {
    kCompleted,       // an HTTP status arrived (`status` is set)
    kTimeout,         // no connection within the connect timeout, or no answer in time
    kConnectFailed,   // refused, unreachable, or the name did not resolve
    kNetworkError,    // the connection broke mid-exchange
    kInvalidRequest,  // the client could not even start (malformed URL, unsupported scheme)
  };
  Transport transport = Transport::kCompleted;
  int status = 0;
  // The Retry-After header as received ("120" or an HTTP date); empty when absent.
  std::string retry_after;
  // The response body, at most the client's limit.
  std::string body;
  bool body_truncated = false;
  // Why a transport failure happened (libcurl's message; never contains secret values).
  std::string error;
};

// Sends webhook requests. Implementations are thread-safe: any thread may call Send, and calls
// may run concurrently.
class WebhookClient {
 public:
  virtual ~WebhookClient() = default;
  // One attempt, no retries. Every failure is reported in the response, never as an exception.
  virtual WebhookResponse Send(const WebhookRequest& request) = 0;
};

struct CurlWebhookOptions {
  int64_t connect_timeout_ms = 3'000;
  int64_t total_timeout_ms = 30'000;
  // Bytes of response body kept; a longer body ends the transfer (the status still counts).
  size_t max_response_bytes = 1 << 20;
};

// A libcurl client. Redirects are not followed: a 3xx is reported as such (and classified as a
// permanent failure), so a receiver cannot bounce a signed request, or a secret in a header, to
// another host. Only http and https are spoken.
std::unique_ptr<WebhookClient> NewCurlWebhookClient(const CurlWebhookOptions& options = {});

enum class DeliveryStatus { kDelivered, kRetry, kFailed };

struct DeliveryOutcome {
  DeliveryStatus status = DeliveryStatus::kFailed;
  // For 429 with a usable Retry-After: the earliest time (epoch ms) of the next attempt.
  std::optional<int64_t> not_before_ms;
  // A short human-readable reason for the enrollment's history ("HTTP 503", "timeout").
  std::string reason;
};

// HubSpot's rules: 2xx delivered; 429 retried (after Retry-After when it is delta-seconds or an
// HTTP date, relative to `now_ms`); 3xx (redirects are not followed) and other 4xx failed; 5xx,
// timeouts, connection and network errors retried; an invalid request failed.
DeliveryOutcome ClassifyWebhookResponse(const WebhookResponse& response, int64_t now_ms);

// Parses a Retry-After value (RFC 9110: delta-seconds, or an IMF-fixdate / RFC 850 / asctime
// HTTP date) into an absolute epoch-ms time. nullopt when malformed.
std::optional<int64_t> ParseRetryAfter(std::string_view value, int64_t now_ms);

struct RetryPolicy {
  int64_t first_delay_ms = 60'000;              // the first retry, one minute after failing
  int64_t max_delay_ms = 8 * 3'600'000LL;       // HubSpot's largest gap between tries
  int64_t give_up_after_ms = 72 * 3'600'000LL;  // measured from the first attempt
  // Each backoff delay is shortened by a pseudo-random fraction in [0, jitter) so receivers that
  // failed together are not retried together (the first retry comes 48–60 s after the failure).
  double jitter = 0.2;
  // A Retry-After shorter than this (0, or a date in the past) waits this long instead.
  int64_t min_retry_after_ms = 1'000;
};

// When to try again after attempt number `attempt_no` (1 = the first attempt) ended with
// `outcome` at `now_ms`: an absolute epoch-ms run_at, or nullopt when the delivery is finished
// (delivered, failed for good, or out of time). Never later than first_attempt_ms +
// give_up_after_ms: a backoff retry that would fall later is moved to that instant (one last
// try), none is scheduled once it has passed, and a Retry-After beyond it ends the delivery (it
// cannot be honoured in time). A Retry-After is honoured as given even when shorter or longer
// than the backoff (but at least min_retry_after_ms from now). Pure: the jitter is derived from
// `jitter_seed`, `attempt_no` and `first_attempt_ms` (pass e.g. a hash of the idempotency key as
// the seed).
std::optional<int64_t> NextAttempt(int64_t first_attempt_ms, int attempt_no,
                                   const DeliveryOutcome& outcome, int64_t now_ms,
                                   const RetryPolicy& policy = {}, uint64_t jitter_seed = 0);

}  // namespace flowd::engine
