#include "engine/webhook.h"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <array>
#include <boost/json.hpp>
#include <boost/url.hpp>
#include <cctype>
#include <mutex>

#include "common/text.h"

namespace flowd::engine {
namespace {

namespace json = boost::json;

constexpr std::string_view kUserAgent = "flowd/0.1";

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  return a.size() == b.size() && AsciiLower(a) == AsciiLower(b);
}

// RFC 9110 token characters: what a header name may be made of.
bool IsHeaderName(std::string_view name) {
  if (name.empty()) return false;
  for (unsigned char c : name) {
    if (std::isalnum(c)) continue;
    if (std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) == std::string_view::npos) {
      return false;
    }
  }
  return true;
}

// A header value may not contain CR, LF, NUL or other control bytes (tab excepted): they would
// end the header or smuggle another one.
bool IsHeaderValue(std::string_view value) {
  for (unsigned char c : value) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) return false;
  }
  return true;
}

Error FieldError(std::string field, const std::string& message) {
  return Error::Invalid(message, {ErrorDetail{message, std::move(field), "INVALID", {}}});
}

Result<std::string> StringField(const json::object& obj, std::string_view key,
                                const std::string& path) {
  const json::value* v = obj.if_contains(key);
  if (v == nullptr || !v->is_string()) {
    return FieldError(path + std::string(key), std::string(key) + " must be a string");
  }
  return std::string(v->get_string());
}

Result<WebhookAuth> ParseAuth(const json::value& v) {
  if (!v.is_object()) return FieldError("authSettings", "authSettings must be an object");
  const json::object& obj = v.get_object();
  FLOWD_ASSIGN_OR_RETURN(std::string type, StringField(obj, "type", "authSettings."));
  if (type == "AUTH_KEY") {
    WebhookAuthKey key;
    FLOWD_ASSIGN_OR_RETURN(std::string location, StringField(obj, "location", "authSettings."));
    if (location == "HEADER") {
      key.location = WebhookAuthKey::Location::kHeader;
    } else if (location == "QUERY_PARAM") {
      key.location = WebhookAuthKey::Location::kQueryParam;
    } else {
      return FieldError("authSettings.location", "location must be HEADER or QUERY_PARAM");
    }
    FLOWD_ASSIGN_OR_RETURN(key.name, StringField(obj, "name", "authSettings."));
    FLOWD_ASSIGN_OR_RETURN(key.secret_name, StringField(obj, "secretName", "authSettings."));
    return WebhookAuth(std::move(key));
  }
  if (type == "SIGNATURE") {
    const json::value* app = obj.if_contains("appId");
    if (app == nullptr || !app->is_number()) {
      return FieldError("authSettings.appId", "appId must be an integer");
    }
    json::error_code ec;
    auto id = app->to_number<int64_t>(ec);
    if (ec) return FieldError("authSettings.appId", "appId must be an integer");
    return WebhookAuth(WebhookSignatureAuth{id});
  }
  return FieldError("authSettings.type", "authSettings.type must be AUTH_KEY or SIGNATURE");
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// The URI as HubSpot's receivers see it for the v3 signature: these escapes decoded, all others
// (%20, %26, %3D, …) left alone.
std::string SignedUri(std::string_view url) {
  constexpr std::string_view kDecoded = ":/?@!$'()*,;";
  std::string out;
  out.reserve(url.size());
  for (size_t i = 0; i < url.size(); ++i) {
    if (url[i] == '%' && i + 2 < url.size()) {
      int hi = HexValue(url[i + 1]);
      int lo = HexValue(url[i + 2]);
      if (hi >= 0 && lo >= 0) {
        char c = static_cast<char>(hi * 16 + lo);
        if (kDecoded.find(c) != std::string_view::npos) {
          out.push_back(c);
          i += 2;
          continue;
        }
      }
    }
    out.push_back(url[i]);
  }
  return out;
}

std::string Base64(const unsigned char* data, size_t n) {
  std::string out(4 * ((n + 2) / 3), '\0');
  int len =
      EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), data, static_cast<int>(n));
  out.resize(static_cast<size_t>(len));
  return out;
}

Result<std::string> BuildUrl(const WebhookActionSettings& settings, const WebhookInputs& inputs) {
  auto parsed = boost::urls::parse_uri(settings.url);
  if (!parsed) return FieldError("webhookUrl", "webhookUrl is not an absolute URL");
  boost::urls::url url(*parsed);
  url.normalize_scheme();
  if (url.scheme_id() != boost::urls::scheme::http &&
      url.scheme_id() != boost::urls::scheme::https) {
    return FieldError("webhookUrl", "webhookUrl must be an http or https URL");
  }
  if (url.encoded_host().empty()) return FieldError("webhookUrl", "webhookUrl has no host");
  if (url.has_userinfo()) {
    return FieldError("webhookUrl", "webhookUrl may not carry credentials; use authSettings");
  }
  url.normalize_authority();
  url.remove_fragment();  // never sent, so it must not be signed either
  if (url.encoded_path().empty()) url.set_encoded_path("/");
  for (const auto& [name, value] : inputs.query_params) {
    url.params().append({name, value});
  }
  if (const auto* key = std::get_if<WebhookAuthKey>(&settings.auth);
      key != nullptr && key->location == WebhookAuthKey::Location::kQueryParam) {
    if (key->name.empty()) return FieldError("authSettings.name", "the auth key name is empty");
    url.params().append({key->name, inputs.secret});
  }
  return std::string(url.buffer());
}

bool IsReservedHeader(std::string_view name) {
  for (std::string_view reserved :
       {"host", "content-length", "content-type", "transfer-encoding", "connection", "expect",
        "user-agent", "idempotency-key", "x-hubspot-signature-v3", "x-hubspot-request-timestamp"}) {
    if (EqualsIgnoreCase(name, reserved)) return true;
  }
  return false;
}

// splitmix64: a well-mixed 64-bit hash of the inputs for the jitter, so the schedule stays a pure
// function of its arguments.
uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

int MonthIndex(std::string_view name) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (size_t i = 0; i < kMonths.size(); ++i) {
    if (name == kMonths[i]) return static_cast<int>(i);
  }
  return -1;
}

std::optional<int> Digits(std::string_view s, size_t min_len, size_t max_len) {
  if (s.size() < min_len || s.size() > max_len) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  return v;
}

// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil).
int64_t DaysFromCivil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const unsigned yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

// The three HTTP-date forms of RFC 9110 §5.6.7, e.g. "Sun, 06 Nov 1994 08:49:37 GMT",
// "Sunday, 06-Nov-94 08:49:37 GMT", "Sun Nov  6 08:49:37 1994".
std::optional<int64_t> ParseHttpDate(std::string_view text) {
  std::vector<std::string_view> tokens;
  size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == ',' || text[i] == '-')) ++i;
    size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != ',' && text[i] != '-') ++i;
    if (i > start) tokens.push_back(text.substr(start, i - start));
  }
  std::optional<int> day, year;
  int month = -1;
  std::string_view clock;
  if (tokens.size() == 6 && tokens[5] == "GMT") {  // IMF-fixdate or RFC 850
    day = Digits(tokens[1], 1, 2);
    month = MonthIndex(tokens[2]);
    year = tokens[3].size() == 3 ? std::nullopt : Digits(tokens[3], 2, 4);
    if (year && tokens[3].size() == 2) *year += *year < 70 ? 2000 : 1900;  // RFC 850's yy
    clock = tokens[4];
  } else if (tokens.size() == 5) {  // asctime
    month = MonthIndex(tokens[1]);
    day = Digits(tokens[2], 1, 2);
    clock = tokens[3];
    year = Digits(tokens[4], 4, 4);
  } else {
    return std::nullopt;
  }
  if (!day || !year || month < 0 || clock.size() != 8 || clock[2] != ':' || clock[5] != ':') {
    return std::nullopt;
  }
  auto hh = Digits(clock.substr(0, 2), 2, 2);
  auto mm = Digits(clock.substr(3, 2), 2, 2);
  auto ss = Digits(clock.substr(6, 2), 2, 2);
  if (!hh || !mm || !ss || *hh > 23 || *mm > 59 || *ss > 60 || *day < 1 || *day > 31) {
    return std::nullopt;
  }
  int64_t days =
      DaysFromCivil(*year, static_cast<unsigned>(month + 1), static_cast<unsigned>(*day));
  return ((days * 24 + *hh) * 60 + *mm) * 60'000 + *ss * 1000LL;
}

}  // namespace

std::string_view HttpMethodName(HttpMethod method) {
  switch (method) {
    case HttpMethod::kGet:
      return "GET";
    case HttpMethod::kPost:
      return "POST";
    case HttpMethod::kPut:
      return "PUT";
    case HttpMethod::kPatch:
      return "PATCH";
    case HttpMethod::kDelete:
      return "DELETE";
  }
  return "POST";
}

std::optional<HttpMethod> ParseHttpMethod(std::string_view name) {
  for (HttpMethod m : {HttpMethod::kGet, HttpMethod::kPost, HttpMethod::kPut, HttpMethod::kPatch,
                       HttpMethod::kDelete}) {
    if (name == HttpMethodName(m)) return m;
  }
  return std::nullopt;
}

Result<WebhookActionSettings> ParseWebhookAction(const json::value& action) {
  if (!action.is_object()) return Error::Invalid("a WEBHOOK action must be an object");
  const json::object& obj = action.get_object();
  WebhookActionSettings settings;
  FLOWD_ASSIGN_OR_RETURN(settings.action_id, StringField(obj, "actionId", ""));
  FLOWD_ASSIGN_OR_RETURN(std::string method, StringField(obj, "method", ""));
  auto parsed = ParseHttpMethod(method);
  if (!parsed) {
    return FieldError("method",
                      "flowd sends webhooks with GET, POST, PUT, PATCH or DELETE, not " + method);
  }
  settings.method = *parsed;
  FLOWD_ASSIGN_OR_RETURN(settings.url, StringField(obj, "webhookUrl", ""));
  if (const json::value* params = obj.if_contains("queryParams"); params != nullptr) {
    if (!params->is_array()) return FieldError("queryParams", "queryParams must be an array");
    size_t i = 0;
    for (const json::value& p : params->get_array()) {
      std::string path = "queryParams[" + std::to_string(i++) + "].";
      if (!p.is_object()) return FieldError(path, "a query parameter must be an object");
      FLOWD_ASSIGN_OR_RETURN(std::string name, StringField(p.get_object(), "name", path));
      const json::value* value = p.get_object().if_contains("value");
      if (value == nullptr) return FieldError(path + "value", "value is required");
      settings.query_params.push_back({std::move(name), *value});
    }
  }
  if (const json::value* auth = obj.if_contains("authSettings");
      auth != nullptr && !auth->is_null()) {
    FLOWD_ASSIGN_OR_RETURN(settings.auth, ParseAuth(*auth));
  }
  return settings;
}

std::optional<std::string> WebhookRequest::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (EqualsIgnoreCase(n, name)) return v;
  }
  return std::nullopt;
}

std::string SignatureV3(std::string_view secret, std::string_view method, std::string_view url,
                        std::string_view body, int64_t timestamp_ms) {
  std::string source;
  source.append(method).append(SignedUri(url)).append(body).append(std::to_string(timestamp_ms));
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int mac_len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(source.data()), source.size(), mac.data(), &mac_len);
  return Base64(mac.data(), mac_len);
}

Result<WebhookRequest> BuildWebhookRequest(const WebhookActionSettings& settings,
                                           const WebhookInputs& inputs, const Clock& clock) {
  if (inputs.idempotency_key.empty() || !IsHeaderValue(inputs.idempotency_key)) {
    return Error::Invalid("a webhook needs a printable idempotency key");
  }
  WebhookRequest request;
  request.method = settings.method;
  FLOWD_ASSIGN_OR_RETURN(request.url, BuildUrl(settings, inputs));
  const bool has_body = settings.method == HttpMethod::kPost ||
                        settings.method == HttpMethod::kPut ||
                        settings.method == HttpMethod::kPatch;
  if (has_body) request.body = json::serialize(inputs.body);

  request.headers.emplace_back("User-Agent", std::string(kUserAgent));
  request.headers.emplace_back("Idempotency-Key", inputs.idempotency_key);
  if (has_body) request.headers.emplace_back("Content-Type", "application/json");
  if (const auto* key = std::get_if<WebhookAuthKey>(&settings.auth);
      key != nullptr && key->location == WebhookAuthKey::Location::kHeader) {
    if (!IsHeaderName(key->name)) {
      return FieldError("authSettings.name", "the auth key name is not a valid header name");
    }
    if (IsReservedHeader(key->name)) {
      return FieldError("authSettings.name", "the auth key cannot be sent as " + key->name +
                                                 ", a header flowd sets itself");
    }
    // The message names the secret, never its value.
    if (!IsHeaderValue(inputs.secret)) {
      return FieldError("authSettings.secretName",
                        "the value of secret " + key->secret_name + " cannot go in a header");
    }
    request.headers.emplace_back(key->name, inputs.secret);
  }
  if (std::holds_alternative<WebhookSignatureAuth>(settings.auth)) {
    const int64_t timestamp = clock.NowMs();
    request.headers.emplace_back("X-HubSpot-Signature-v3",
                                 SignatureV3(inputs.secret, HttpMethodName(settings.method),
                                             request.url, request.body, timestamp));
    request.headers.emplace_back("X-HubSpot-Request-Timestamp", std::to_string(timestamp));
  }
  return request;
}

std::optional<int64_t> ParseRetryAfter(std::string_view value, int64_t now_ms) {
  std::string_view v = TrimAscii(value);
  if (v.empty()) return std::nullopt;
  if (std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    // More than ten digits of seconds is centuries: saturate rather than overflow.
    if (v.size() > 10) return now_ms + 9'999'999'999LL * 1000;
    return now_ms + std::stoll(std::string(v)) * 1000;
  }
  return ParseHttpDate(v);
}

DeliveryOutcome ClassifyWebhookResponse(const WebhookResponse& response, int64_t now_ms) {
  using Transport = WebhookResponse::Transport;
  switch (response.transport) {
    case Transport::kTimeout:
      return {DeliveryStatus::kRetry, std::nullopt, "timeout"};
    case Transport::kConnectFailed:
      return {DeliveryStatus::kRetry, std::nullopt, "could not connect"};
    case Transport::kNetworkError:
      return {DeliveryStatus::kRetry, std::nullopt, "network error"};
    case Transport::kInvalidRequest:
      return {DeliveryStatus::kFailed, std::nullopt, "invalid request"};
    case Transport::kCompleted:
      break;
  }
  const int s = response.status;
  std::string reason = "HTTP " + std::to_string(s);
  if (s >= 200 && s <= 299) return {DeliveryStatus::kDelivered, std::nullopt, reason};
  if (s == 429) {
    return {DeliveryStatus::kRetry, ParseRetryAfter(response.retry_after, now_ms), reason};
  }
  if (s >= 500 && s <= 599) return {DeliveryStatus::kRetry, std::nullopt, reason};
  if (s >= 300 && s <= 399) reason += " (redirects are not followed)";
  return {DeliveryStatus::kFailed, std::nullopt, reason};
}

std::optional<int64_t> NextAttempt(int64_t first_attempt_ms, int attempt_no,
                                   const DeliveryOutcome& outcome, int64_t now_ms,
                                   const RetryPolicy& policy, uint64_t jitter_seed) {
  if (outcome.status != DeliveryStatus::kRetry) return std::nullopt;
  const int64_t deadline = first_attempt_ms + policy.give_up_after_ms;
  if (now_ms >= deadline) return std::nullopt;
  if (outcome.not_before_ms) {
    const int64_t run_at = std::max(*outcome.not_before_ms, now_ms + policy.min_retry_after_ms);
    if (run_at > deadline) return std::nullopt;
    return run_at;
  }
  // first_delay · 2^(attempt_no − 1), computed without overflow, capped.
  int64_t delay = std::max<int64_t>(policy.first_delay_ms, 1);
  for (int i = 1; i < attempt_no && delay < policy.max_delay_ms; ++i) delay *= 2;
  delay = std::min(delay, policy.max_delay_ms);
  const uint64_t h = Mix(jitter_seed ^ Mix(static_cast<uint64_t>(first_attempt_ms) ^
                                           (static_cast<uint64_t>(attempt_no) << 48)));
  const double unit = static_cast<double>(h >> 11) / static_cast<double>(1ULL << 53);  // [0, 1)
  delay -= static_cast<int64_t>(static_cast<double>(delay) * policy.jitter * unit);
  return std::min(now_ms + delay, deadline);
}

namespace {

// curl_global_init is reference-counted and thread-safe in libcurl ≥ 7.84; once per process
// here (the mailer has its own once) keeps start-up cost out of every attempt.
void CurlGlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Transfer {
  size_t max_body = 0;
  WebhookResponse* response = nullptr;
};

size_t OnBody(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  std::string& body = t->response->body;
  const size_t room = t->max_body - std::min(t->max_body, body.size());
  if (len > room) {
    body.append(data, room);
    t->response->body_truncated = true;
    return 0;  // ends the transfer: nothing past the limit is read
  }
  body.append(data, len);
  return len;
}

size_t OnHeader(char* data, size_t size, size_t n, void* user) {
  auto* t = static_cast<Transfer*>(user);
  const size_t len = size * n;
  std::string_view line(data, len);
  if (line.starts_with("HTTP/")) t->response->retry_after.clear();  // a new (final) response
  constexpr std::string_view kRetryAfter = "retry-after:";
  if (line.size() > kRetryAfter.size() &&
      AsciiLower(line.substr(0, kRetryAfter.size())) == kRetryAfter) {
    t->response->retry_after = std::string(TrimAscii(line.substr(kRetryAfter.size())));
  }
  return len;
}

WebhookResponse::Transport TransportOf(CURLcode code) {
  using Transport = WebhookResponse::Transport;
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      return Transport::kTimeout;
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      return Transport::kConnectFailed;
    case CURLE_URL_MALFORMAT:
    case CURLE_UNSUPPORTED_PROTOCOL:
      return Transport::kInvalidRequest;
    default:
      return Transport::kNetworkError;
  }
}

class CurlSlist {
 public:
  CurlSlist() = default;
  CurlSlist(const CurlSlist&) = delete;
  CurlSlist& operator=(const CurlSlist&) = delete;
  ~CurlSlist() { curl_slist_free_all(list_); }
  void Append(const std::string& s) { list_ = curl_slist_append(list_, s.c_str()); }
  curl_slist* get() const { return list_; }

 private:
  curl_slist* list_ = nullptr;
};

class CurlWebhookClient final : public WebhookClient {
 public:
  explicit CurlWebhookClient(const CurlWebhookOptions& options) : options_(options) {
    CurlGlobalInit();
  }

  // One easy handle per attempt: no state is shared between threads.
  WebhookResponse Send(const WebhookRequest& request) override {
    WebhookResponse response;
    CURL* curl = curl_easy_init();
    if (curl == nullptr) {
      response.transport = WebhookResponse::Transport::kNetworkError;
      response.error = "curl_easy_init failed";
      return response;
    }
    Transfer transfer{options_.max_response_bytes, &response};
    CurlSlist headers;
    for (const auto& [name, value] : request.headers) headers.Append(name + ": " + value);
    headers.Append("Expect:");  // no 100-continue round trip before the body
    char error[CURL_ERROR_SIZE] = {};

    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(curl, CURLOPT_PATH_AS_IS, 1L);  // the path goes out exactly as signed
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout_ms));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout_ms));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
    switch (request.method) {
      case HttpMethod::kGet:
        curl_easy_setopt(curl, CURLOPT_HTTPGET, 1L);
        break;
      case HttpMethod::kDelete:
        curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, "DELETE");
        break;
      case HttpMethod::kPost:
      case HttpMethod::kPut:
      case HttpMethod::kPatch:
        curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
        curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                         static_cast<curl_off_t>(request.body.size()));
        if (request.method != HttpMethod::kPost) {
          curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, HttpMethodName(request.method).data());
        }
        break;
    }

    const CURLcode code = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(curl);

    response.status = static_cast<int>(status);
    if (code == CURLE_OK || (code == CURLE_WRITE_ERROR && response.body_truncated)) {
      response.transport = WebhookResponse::Transport::kCompleted;
    } else {
      response.transport = TransportOf(code);
      response.error = error[0] != '\0' ? error : curl_easy_strerror(code);
    }
    return response;
  }

 private:
  CurlWebhookOptions options_;
};

}  // namespace

std::unique_ptr<WebhookClient> NewCurlWebhookClient(const CurlWebhookOptions& options) {
  return std::make_unique<CurlWebhookClient>(options);
}

}  // namespace flowd::engine
