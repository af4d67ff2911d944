#include "engine/webhook.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <boost/json.hpp>
#include <set>

#include "loopback_http.h"

namespace flowd::engine {
namespace {

namespace json = boost::json;
using testing::LoopbackHttpServer;
using testing::ScriptedResponse;

constexpr int64_t kStart = 1'764'670'000'000;  // 2025-12-02, an arbitrary fixed instant
constexpr int64_t kHour = 3'600'000;
constexpr int64_t kThreeDays = 72 * kHour;

// Computed here independently of webhook.cc: base64(HMAC-SHA256(secret, source)).
std::string HmacBase64(const std::string& secret, const std::string& source) {
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(source.data()), source.size(), mac, &len);
  std::string out(4 * ((static_cast<size_t>(len) + 2) / 3), '\0');
  EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()), mac, static_cast<int>(len));
  return out;
}

// What a receiver does per HubSpot's docs: decode exactly these escapes in the URI.
std::string ReceiverUri(std::string uri) {
  const std::pair<const char*, const char*> table[] = {
      {"%3A", ":"}, {"%2F", "/"}, {"%3F", "?"}, {"%40", "@"}, {"%21", "!"}, {"%24", "$"},
      {"%27", "'"}, {"%28", "("}, {"%29", ")"}, {"%2A", "*"}, {"%2C", ","}, {"%3B", ";"}};
  for (const auto& [from, to] : table) {
    for (size_t pos; (pos = uri.find(from)) != std::string::npos;) uri.replace(pos, 3, to);
  }
  return uri;
}

WebhookActionSettings Settings(std::string url, HttpMethod method = HttpMethod::kPost) {
  WebhookActionSettings s;
  s.action_id = "11";
  s.method = method;
  s.url = std::move(url);
  return s;
}

WebhookInputs Inputs() {
  WebhookInputs in;
  in.idempotency_key = "901:11:0";
  in.body = json::object{{"objectId", 901}, {"properties", json::object{{"email", "a@b.c"}}}};
  return in;
}

TEST(ParseWebhookAction, ReadsTheReferenceExample) {
  auto action = json::parse(R"({ "type": "WEBHOOK", "actionId": "11", "method": "POST",
    "webhookUrl": "https://example.com/hook",
    "queryParams": [ { "name": "id", "value": { "type": "OBJECT_PROPERTY", "propertyName": "hs_object_id" } } ],
    "authSettings": { "type": "AUTH_KEY", "location": "HEADER", "name": "X-Api-Key", "secretName": "MY_SECRET" } })");
  auto settings = ParseWebhookAction(action);
  ASSERT_TRUE(settings.ok()) << settings.error().message;
  EXPECT_EQ(settings->action_id, "11");
  EXPECT_EQ(settings->method, HttpMethod::kPost);
  EXPECT_EQ(settings->url, "https://example.com/hook");
  ASSERT_EQ(settings->query_params.size(), 1u);
  EXPECT_EQ(settings->query_params[0].name, "id");
  EXPECT_EQ(settings->query_params[0].value.at("propertyName"), "hs_object_id");
  const auto* key = std::get_if<WebhookAuthKey>(&settings->auth);
  ASSERT_NE(key, nullptr);
  EXPECT_EQ(key->location, WebhookAuthKey::Location::kHeader);
  EXPECT_EQ(key->name, "X-Api-Key");
  EXPECT_EQ(key->secret_name, "MY_SECRET");
}

TEST(ParseWebhookAction, ReadsSignatureAuthAndRefusesWhatFlowdDoesNotSend) {
  auto ok =
      ParseWebhookAction(json::parse(R"({"actionId":"2","method":"GET","webhookUrl":"https://x.io",
    "queryParams":[],"authSettings":{"type":"SIGNATURE","appId":123}})"));
  ASSERT_TRUE(ok.ok());
  ASSERT_TRUE(std::holds_alternative<WebhookSignatureAuth>(ok->auth));
  EXPECT_EQ(std::get<WebhookSignatureAuth>(ok->auth).app_id, 123);

  auto trace = ParseWebhookAction(json::parse(
      R"({"actionId":"2","method":"TRACE","webhookUrl":"https://x.io","queryParams":[]})"));
  ASSERT_FALSE(trace.ok());
  EXPECT_EQ(trace.error().details.at(0).in, "method");
  auto no_url =
      ParseWebhookAction(json::parse(R"({"actionId":"2","method":"GET","queryParams":[]})"));
  ASSERT_FALSE(no_url.ok());
  EXPECT_EQ(no_url.error().details.at(0).in, "webhookUrl");
  auto bad_location = ParseWebhookAction(json::parse(R"({"actionId":"2","method":"GET",
    "webhookUrl":"https://x.io","authSettings":{"type":"AUTH_KEY","location":"BODY","name":"k","secretName":"s"}})"));
  EXPECT_FALSE(bad_location.ok());
}

TEST(BuildWebhookRequest, AppendsEncodedQueryParamsAndSetsTheFixedHeaders) {
  FakeClock clock(kStart);
  auto settings = Settings("https://Example.COM/hook?static=abc#frag");
  auto inputs = Inputs();
  inputs.query_params = {{"id", "901"}, {"q", "a b&c=d"}};
  auto req = BuildWebhookRequest(settings, inputs, clock);
  ASSERT_TRUE(req.ok()) << req.error().message;
  EXPECT_EQ(req->url, "https://example.com/hook?static=abc&id=901&q=a%20b%26c=d");
  EXPECT_EQ(req->Header("idempotency-key"), "901:11:0");
  EXPECT_EQ(req->Header("User-Agent"), "flowd/0.1");
  EXPECT_EQ(req->Header("Content-Type"), "application/json");
  EXPECT_EQ(json::parse(req->body), inputs.body);
  EXPECT_FALSE(req->Header("X-HubSpot-Signature-v3").has_value());
}

TEST(BuildWebhookRequest, GetAndDeleteCarryNoBody) {
  FakeClock clock(kStart);
  for (HttpMethod m : {HttpMethod::kGet, HttpMethod::kDelete}) {
    auto req = BuildWebhookRequest(Settings("http://h.io/x", m), Inputs(), clock);
    ASSERT_TRUE(req.ok());
    EXPECT_TRUE(req->body.empty());
    EXPECT_FALSE(req->Header("Content-Type").has_value());
  }
}

TEST(BuildWebhookRequest, AuthKeyGoesInTheNamedHeaderOrQueryParam) {
  FakeClock clock(kStart);
  auto settings = Settings("https://h.io/x");
  settings.auth = WebhookAuthKey{WebhookAuthKey::Location::kHeader, "X-Api-Key", "MY_SECRET"};
  auto inputs = Inputs();
  inputs.secret = "s3cr3t";
  auto req = BuildWebhookRequest(settings, inputs, clock);
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->Header("x-api-key"), "s3cr3t");
  EXPECT_EQ(req->url, "https://h.io/x");

  settings.auth = WebhookAuthKey{WebhookAuthKey::Location::kQueryParam, "api_key", "MY_SECRET"};
  req = BuildWebhookRequest(settings, inputs, clock);
  ASSERT_TRUE(req.ok());
  EXPECT_EQ(req->url, "https://h.io/x?api_key=s3cr3t");
  EXPECT_FALSE(req->Header("api_key").has_value());
}

TEST(BuildWebhookRequest, RefusesInjectionReservedHeadersAndBadUrls) {
  FakeClock clock(kStart);
  auto settings = Settings("https://h.io/x");
  auto inputs = Inputs();
  settings.auth = WebhookAuthKey{WebhookAuthKey::Location::kHeader, "X-Api-Key", "MY_SECRET"};
  inputs.secret = "top\r\nX-Evil: 1";
  auto injected = BuildWebhookRequest(settings, inputs, clock);
  ASSERT_FALSE(injected.ok());
  EXPECT_EQ(injected.error().message.find("top"), std::string::npos) << "never echo a secret";
  EXPECT_NE(injected.error().message.find("MY_SECRET"), std::string::npos);

  inputs.secret = "fine";
  settings.auth = WebhookAuthKey{WebhookAuthKey::Location::kHeader, "Idempotency-Key", "S"};
  EXPECT_FALSE(BuildWebhookRequest(settings, inputs, clock).ok());
  settings.auth = WebhookAuthKey{WebhookAuthKey::Location::kHeader, "Bad Name", "S"};
  EXPECT_FALSE(BuildWebhookRequest(settings, inputs, clock).ok());

  settings.auth = {};
  for (const char* url : {"ftp://h.io/x", "/relative", "http://", "https://user:pw@h.io/"}) {
    settings.url = url;
    EXPECT_FALSE(BuildWebhookRequest(settings, inputs, clock).ok()) << url;
  }
  settings.url = "https://h.io/x";
  inputs.idempotency_key = "";
  EXPECT_FALSE(BuildWebhookRequest(settings, inputs, clock).ok());
}

TEST(SignatureV3, MatchesAnIndependentHmacOverTheDecodedUri) {
  const std::string body = R"({"example_field":"example_value"})";
  EXPECT_EQ(SignatureV3("yyyy", "POST", "https://www.example.com/webhook_uri", body, 1700000000000),
            HmacBase64("yyyy", "POSThttps://www.example.com/webhook_uri" + body + "1700000000000"));
  // %3A and %40 are decoded before signing, %20 and %26 are not.
  EXPECT_EQ(SignatureV3("k", "GET", "https://h.io/x?a=1%3A2%40b&c=d%20e%26", "", 5),
            HmacBase64("k", "GEThttps://h.io/x?a=1:2@b&c=d%20e%265"));
}

TEST(CurlWebhookClient, DeliversASignedRequestTheReceiverCanVerify) {
  LoopbackHttpServer server;
  FakeClock clock(kStart);
  auto settings = Settings(server.Url("/hooks/in?src=flowd"));
  settings.auth = WebhookSignatureAuth{42};
  auto inputs = Inputs();
  inputs.secret = "client-secret";
  inputs.query_params = {{"email", "ada@example.com"}, {"ratio", "1:2 (x)"}};
  auto req = BuildWebhookRequest(settings, inputs, clock);
  ASSERT_TRUE(req.ok()) << req.error().message;

  auto client = NewCurlWebhookClient();
  WebhookResponse resp = client->Send(*req);
  EXPECT_EQ(resp.transport, WebhookResponse::Transport::kCompleted) << resp.error;
  EXPECT_EQ(resp.status, 200);
  EXPECT_EQ(ClassifyWebhookResponse(resp, clock.NowMs()).status, DeliveryStatus::kDelivered);

  auto got = server.Requests();
  ASSERT_EQ(got.size(), 1u);
  const auto& r = got[0];
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.Header("Idempotency-Key"), "901:11:0");
  EXPECT_EQ(r.Header("User-Agent"), "flowd/0.1");
  EXPECT_EQ(r.Header("Content-Type"), "application/json");
  EXPECT_FALSE(r.Header("Expect").has_value());
  EXPECT_EQ(json::parse(r.body), inputs.body);
  EXPECT_EQ(r.target.substr(0, r.target.find('?')), "/hooks/in");
  EXPECT_NE(r.target.find("src=flowd&email=ada@example.com&ratio="), std::string::npos) << r.target;
  ASSERT_TRUE(r.Header("X-HubSpot-Request-Timestamp").has_value());
  EXPECT_EQ(*r.Header("X-HubSpot-Request-Timestamp"), std::to_string(kStart));
  const std::string uri =
      ReceiverUri("http://127.0.0.1:" + std::to_string(server.port()) + r.target);
  EXPECT_EQ(r.Header("X-HubSpot-Signature-v3"),
            HmacBase64("client-secret", "POST" + uri + r.body + std::to_string(kStart)));
}

TEST(CurlWebhookClient, SendsEachMethodAsConfigured) {
  LoopbackHttpServer server;
  FakeClock clock(kStart);
  auto client = NewCurlWebhookClient();
  for (HttpMethod m :
       {HttpMethod::kGet, HttpMethod::kPut, HttpMethod::kPatch, HttpMethod::kDelete}) {
    auto req = BuildWebhookRequest(Settings(server.Url("/m"), m), Inputs(), clock);
    ASSERT_TRUE(req.ok());
    EXPECT_EQ(client->Send(*req).status, 200);
  }
  auto got = server.Requests();
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].method, "GET");
  EXPECT_TRUE(got[0].body.empty());
  EXPECT_EQ(got[1].method, "PUT");
  EXPECT_EQ(json::parse(got[1].body), Inputs().body);
  EXPECT_EQ(got[2].method, "PATCH");
  EXPECT_EQ(got[3].method, "DELETE");
  EXPECT_TRUE(got[3].body.empty());
}

TEST(CurlWebhookClient, A500IsRetriedWithBackoffAndTheSameKeyThenDelivered) {
  LoopbackHttpServer server;
  server.Enqueue({500, {}, "oops", 0});
  server.Enqueue({200, {}, "{}", 0});
  FakeClock clock(kStart);
  auto client = NewCurlWebhookClient();
  const auto settings = Settings(server.Url("/r"));

  auto req = BuildWebhookRequest(settings, Inputs(), clock);
  ASSERT_TRUE(req.ok());
  auto first = ClassifyWebhookResponse(client->Send(*req), clock.NowMs());
  EXPECT_EQ(first.status, DeliveryStatus::kRetry);
  EXPECT_EQ(first.reason, "HTTP 500");
  auto run_at = NextAttempt(kStart, 1, first, clock.NowMs());
  ASSERT_TRUE(run_at.has_value());
  EXPECT_GT(*run_at, kStart + 48'000);
  EXPECT_LE(*run_at, kStart + 60'000);

  clock.SetMs(*run_at);
  req = BuildWebhookRequest(settings, Inputs(), clock);
  auto second = ClassifyWebhookResponse(client->Send(*req), clock.NowMs());
  EXPECT_EQ(second.status, DeliveryStatus::kDelivered);
  EXPECT_FALSE(NextAttempt(kStart, 2, second, clock.NowMs()).has_value());
  auto got = server.Requests();
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].Header("Idempotency-Key"), got[1].Header("Idempotency-Key"));
}

TEST(CurlWebhookClient, A429HonoursRetryAfterSecondsAndDates) {
  LoopbackHttpServer server;
  server.Enqueue({429, {{"Retry-After", "120"}}, "", 0});
  server.Enqueue({429, {{"Retry-After", "Tue, 02 Dec 2025 10:30:00 GMT"}}, "", 0});
  FakeClock clock(kStart);
  auto client = NewCurlWebhookClient();
  auto req = BuildWebhookRequest(Settings(server.Url("/")), Inputs(), clock);
  ASSERT_TRUE(req.ok());

  WebhookResponse resp = client->Send(*req);
  EXPECT_EQ(resp.status, 429);
  EXPECT_EQ(resp.retry_after, "120");
  auto outcome = ClassifyWebhookResponse(resp, clock.NowMs());
  EXPECT_EQ(outcome.status, DeliveryStatus::kRetry);
  EXPECT_EQ(NextAttempt(kStart, 1, outcome, clock.NowMs()), kStart + 120'000);

  outcome = ClassifyWebhookResponse(client->Send(*req), clock.NowMs());
  const int64_t date_ms = 1'764'671'400'000;  // 2025-12-02T10:30:00Z
  EXPECT_EQ(outcome.not_before_ms, date_ms);
  EXPECT_EQ(NextAttempt(kStart, 2, outcome, clock.NowMs()), date_ms);
}

TEST(CurlWebhookClient, A400FailsForGoodAndRedirectsAreNotFollowed) {
  LoopbackHttpServer server;
  server.Enqueue({400, {}, R"({"error":"bad"})", 0});
  server.Enqueue({302, {{"Location", server.Url("/elsewhere")}}, "", 0});
  FakeClock clock(kStart);
  auto client = NewCurlWebhookClient();
  auto req = BuildWebhookRequest(Settings(server.Url("/")), Inputs(), clock);
  ASSERT_TRUE(req.ok());

  WebhookResponse bad = client->Send(*req);
  EXPECT_EQ(bad.body, R"({"error":"bad"})");
  auto outcome = ClassifyWebhookResponse(bad, clock.NowMs());
  EXPECT_EQ(outcome.status, DeliveryStatus::kFailed);
  EXPECT_FALSE(NextAttempt(kStart, 1, outcome, clock.NowMs()).has_value());

  outcome = ClassifyWebhookResponse(client->Send(*req), clock.NowMs());
  EXPECT_EQ(outcome.status, DeliveryStatus::kFailed);
  EXPECT_NE(outcome.reason.find("redirect"), std::string::npos);
  EXPECT_EQ(server.Requests().size(), 2u);  // /elsewhere was never asked for
}

TEST(CurlWebhookClient, AHungReceiverTimesOutAndIsRetried) {
  LoopbackHttpServer server;
  server.Enqueue({200, {}, "{}", 10'000});
  FakeClock clock(kStart);
  auto client = NewCurlWebhookClient({.connect_timeout_ms = 200, .total_timeout_ms = 300});
  auto req = BuildWebhookRequest(Settings(server.Url("/slow")), Inputs(), clock);
  ASSERT_TRUE(req.ok());
  WebhookResponse resp = client->Send(*req);
  EXPECT_EQ(resp.transport, WebhookResponse::Transport::kTimeout) << resp.error;
  auto outcome = ClassifyWebhookResponse(resp, clock.NowMs());
  EXPECT_EQ(outcome.status, DeliveryStatus::kRetry);
  EXPECT_EQ(outcome.reason, "timeout");
  EXPECT_TRUE(NextAttempt(kStart, 1, outcome, clock.NowMs()).has_value());
}

TEST(CurlWebhookClient, ARefusedConnectionIsRetried) {
  std::string url;
  {
    LoopbackHttpServer gone;
    url = gone.Url("/");
  }  // closed: nothing listens on that port any more
  FakeClock clock(kStart);
  auto req = BuildWebhookRequest(Settings(url), Inputs(), clock);
  ASSERT_TRUE(req.ok());
  WebhookResponse resp = NewCurlWebhookClient()->Send(*req);
  EXPECT_EQ(resp.transport, WebhookResponse::Transport::kConnectFailed) << resp.error;
  EXPECT_EQ(ClassifyWebhookResponse(resp, clock.NowMs()).status, DeliveryStatus::kRetry);
}

TEST(CurlWebhookClient, TheResponseBodyReadIsBounded) {
  LoopbackHttpServer server;
  server.Enqueue({200, {}, std::string(2 << 20, 'x'), 0});
  FakeClock clock(kStart);
  auto client = NewCurlWebhookClient({.max_response_bytes = 4096});
  auto req = BuildWebhookRequest(Settings(server.Url("/big")), Inputs(), clock);
  ASSERT_TRUE(req.ok());
  WebhookResponse resp = client->Send(*req);
  EXPECT_EQ(resp.transport, WebhookResponse::Transport::kCompleted) << resp.error;
  EXPECT_EQ(resp.status, 200);
  EXPECT_TRUE(resp.body_truncated);
  EXPECT_EQ(resp.body.size(), 4096u);
  EXPECT_EQ(ClassifyWebhookResponse(resp, clock.NowMs()).status, DeliveryStatus::kDelivered);
}

TEST(Classify, FollowsHubSpotsRules) {
  auto status = [](int code) {
    WebhookResponse r;
    r.status = code;
    return ClassifyWebhookResponse(r, kStart).status;
  };
  EXPECT_EQ(status(200), DeliveryStatus::kDelivered);
  EXPECT_EQ(status(204), DeliveryStatus::kDelivered);
  EXPECT_EQ(status(301), DeliveryStatus::kFailed);
  EXPECT_EQ(status(401), DeliveryStatus::kFailed);
  EXPECT_EQ(status(404), DeliveryStatus::kFailed);
  EXPECT_EQ(status(429), DeliveryStatus::kRetry);
  EXPECT_EQ(status(500), DeliveryStatus::kRetry);
  EXPECT_EQ(status(503), DeliveryStatus::kRetry);
  WebhookResponse r;
  r.transport = WebhookResponse::Transport::kNetworkError;
  EXPECT_EQ(ClassifyWebhookResponse(r, kStart).status, DeliveryStatus::kRetry);
  r.transport = WebhookResponse::Transport::kInvalidRequest;
  EXPECT_EQ(ClassifyWebhookResponse(r, kStart).status, DeliveryStatus::kFailed);
  r = {};
  r.status = 429;  // no Retry-After: ordinary backoff
  EXPECT_FALSE(ClassifyWebhookResponse(r, kStart).not_before_ms.has_value());
}

TEST(ParseRetryAfter, ReadsSecondsAndTheThreeDateForms) {
  EXPECT_EQ(ParseRetryAfter("120", kStart), kStart + 120'000);
  EXPECT_EQ(ParseRetryAfter(" 0 ", kStart), kStart);
  const int64_t nov_1994 = 784'111'777'000;  // Sun, 06 Nov 1994 08:49:37 GMT
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:37 GMT", kStart), nov_1994);
  EXPECT_EQ(ParseRetryAfter("Sunday, 06-Nov-94 08:49:37 GMT", kStart), nov_1994);
  EXPECT_EQ(ParseRetryAfter("Sun Nov  6 08:49:37 1994", kStart), nov_1994);
  for (const char* bad : {"", "-5", "1.5", "soon", "Sun, 06 Nov 1994 25:49:37 GMT",
                          "Sun, 06 Foo 1994 08:49:37 GMT"}) {
    EXPECT_FALSE(ParseRetryAfter(bad, kStart).has_value()) << bad;
  }
}

TEST(NextAttempt, BacksOffExponentiallyToEightHoursAndStopsAtThreeDays) {
  const DeliveryOutcome retry{DeliveryStatus::kRetry, std::nullopt, "HTTP 503"};
  int64_t now = kStart + 30'000;  // the first attempt took 30 s to time out
  int64_t previous_gap = 0;
  int attempts = 1;
  bool reached_deadline = false;
  for (;;) {
    auto run_at = NextAttempt(kStart, attempts, retry, now, {}, /*jitter_seed=*/7);
    if (!run_at) break;
    const int64_t gap = *run_at - now;
    ASSERT_GT(gap, 0);
    ASSERT_LE(*run_at, kStart + kThreeDays) << "never beyond 3 days after the first attempt";
    ASSERT_LE(gap, 8 * kHour);
    if (attempts == 1) {
      EXPECT_GT(gap, 48'000);
      EXPECT_LE(gap, 60'000);
    }
    if (*run_at == kStart + kThreeDays) reached_deadline = true;
    // Doubling (with at most 20% jitter) until the cap.
    if (previous_gap > 0 && previous_gap < 3 * kHour) {
      EXPECT_GT(gap, previous_gap * 3 / 2);
    }
    previous_gap = gap;
    now = *run_at + 1'000;  // each attempt fails after a second
    ++attempts;
    ASSERT_LT(attempts, 100);
  }
  EXPECT_TRUE(reached_deadline) << "one last try at the 3-day mark";
  EXPECT_GE(now, kStart + kThreeDays);
  EXPECT_GT(attempts, 10);
  EXPECT_LT(attempts, 25);
}

TEST(NextAttempt, IsPureAndJitterSpreadsReceivers) {
  const DeliveryOutcome retry{DeliveryStatus::kRetry, std::nullopt, "timeout"};
  EXPECT_EQ(NextAttempt(kStart, 3, retry, kStart + kHour, {}, 1),
            NextAttempt(kStart, 3, retry, kStart + kHour, {}, 1));
  std::set<int64_t> distinct;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    distinct.insert(*NextAttempt(kStart, 3, retry, kStart + kHour, {}, seed));
  }
  EXPECT_GT(distinct.size(), 15u);
  RetryPolicy no_jitter;
  no_jitter.jitter = 0;
  EXPECT_EQ(NextAttempt(kStart, 3, retry, kStart + kHour, no_jitter), kStart + kHour + 240'000);
  EXPECT_EQ(NextAttempt(kStart, 40, retry, kStart + kHour, no_jitter), kStart + 9 * kHour);
}

TEST(NextAttempt, RetryAfterIsHonouredButNeverPastTheDeadline) {
  DeliveryOutcome limited{DeliveryStatus::kRetry, kStart + 10 * kHour, "HTTP 429"};
  EXPECT_EQ(NextAttempt(kStart, 1, limited, kStart), kStart + 10 * kHour);
  limited.not_before_ms = kStart + kThreeDays + 1;
  EXPECT_FALSE(NextAttempt(kStart, 1, limited, kStart).has_value());
  limited.not_before_ms = kStart - 5'000;  // a date in the past, or "0"
  EXPECT_EQ(NextAttempt(kStart, 1, limited, kStart), kStart + 1'000);
  const DeliveryOutcome retry{DeliveryStatus::kRetry, std::nullopt, "timeout"};
  EXPECT_FALSE(NextAttempt(kStart, 5, retry, kStart + kThreeDays).has_value());
  EXPECT_EQ(NextAttempt(kStart, 30, retry, kStart + kThreeDays - 10), kStart + kThreeDays);
  EXPECT_FALSE(NextAttempt(kStart, 1, {DeliveryStatus::kFailed, std::nullopt, "HTTP 400"}, kStart));
}

}  // namespace
}  // namespace flowd::engine
