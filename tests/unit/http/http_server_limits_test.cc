// Limits, timeouts, shutdown and hostile input for HttpServer.
#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <future>
#include <random>
#include <thread>

#include "api/http_server.h"
#include "test_client.h"
#include "test_server.h"

namespace flowd::api {
namespace {

using std::chrono::milliseconds;
using testing::RawResponse;
using testing::TestClient;
using SteadyClock = std::chrono::steady_clock;

class HttpServerLimitsTest : public testing::HttpServerFixture {
 protected:
  HttpResponse Handle(const HttpRequest& r) override {
    if (r.path == "/slow") return Slow();
    return HttpResponse::Json(200, R"({"ok":true})");
  }

  // A server answering 204 to everything, without an error renderer (the built-in error body).
  static std::unique_ptr<HttpServer> NoContentServer(HttpServerOptions options) {
    return std::make_unique<HttpServer>(
        options, [](const HttpRequest&) { return HttpResponse::NoContent(); }, nullptr);
  }

  // Asserts a server-generated error: status, category, correlation id in header and body.
  static void ExpectServerError(const std::optional<RawResponse>& r, int status,
                                std::string_view category) {
    ASSERT_TRUE(r) << "no response";
    EXPECT_EQ(r->status, status);
    std::string cid = r->Header("x-hubspot-correlation-id");
    EXPECT_TRUE(testing::IsUuid(cid)) << cid;
    EXPECT_EQ(r->Header("connection"), "close");
    auto body = boost::json::parse(r->body).as_object();
    EXPECT_EQ(body["category"].as_string(), category);
    EXPECT_EQ(body["correlationId"].as_string(), cid);
  }

  bool WaitFor(const std::atomic<bool>& flag, milliseconds timeout) {
    auto deadline = SteadyClock::now() + timeout;
    while (!flag.load()) {
      if (SteadyClock::now() > deadline) return false;
      std::this_thread::sleep_for(milliseconds(1));
    }
    return true;
  }
};

TEST_F(HttpServerLimitsTest, OversizedContentLengthIs413BeforeTheBodyIsSent) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(c->Send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1025\r\n\r\n"));
  auto r = c->Read(milliseconds(2000));
  ExpectServerError(r, 413, "PAYLOAD_TOO_LARGE");
  EXPECT_TRUE(c->WaitForClose(milliseconds(3000)));
}

TEST_F(HttpServerLimitsTest, OversizedBodySentAnywayStill413) {
  StartServer();
  auto c = Connect();
  std::string body(64 * 1024, 'x');
  ASSERT_TRUE(c->Send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body));
  ExpectServerError(c->Read(milliseconds(2000)), 413, "PAYLOAD_TOO_LARGE");
}

TEST_F(HttpServerLimitsTest, OversizedChunkedBodyIs413) {
  StartServer();
  auto c = Connect();
  std::string chunk(800, 'y');
  ASSERT_TRUE(
      c->Send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              "320\r\n" +
              chunk + "\r\n320\r\n" + chunk + "\r\n0\r\n\r\n"));
  ExpectServerError(c->Read(milliseconds(2000)), 413, "PAYLOAD_TOO_LARGE");
}

TEST_F(HttpServerLimitsTest, BodyAtTheLimitIsAccepted) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(c->Send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 1024\r\n\r\n" +
                      std::string(1024, 'z')));
  auto r = c->Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerLimitsTest, HugeHeaderIs431) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(
      c->Send("GET /x HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(4096, 'h') + "\r\n\r\n"));
  ExpectServerError(c->Read(milliseconds(2000)), 431, "HEADERS_TOO_LARGE");
}

TEST_F(HttpServerLimitsTest, GarbageRequestLineIs400) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(c->Send("THIS IS NOT HTTP\r\n\r\n"));
  auto r = c->Read(milliseconds(2000));
  ExpectServerError(r, 400, "VALIDATION_ERROR");
  auto body = boost::json::parse(r->body).as_object();
  EXPECT_EQ(std::string(body["message"].as_string()).rfind("Malformed HTTP request: ", 0), 0u)
      << body["message"];
  EXPECT_TRUE(c->WaitForClose(milliseconds(3000)));
}

TEST_F(HttpServerLimitsTest, BadChunkedEncodingIs400) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(
      c->Send("POST /x HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              "zz\r\nhello\r\n0\r\n\r\n"));
  ExpectServerError(c->Read(milliseconds(2000)), 400, "VALIDATION_ERROR");
}

TEST_F(HttpServerLimitsTest, ConflictingContentLengthIs400) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(
      c->Send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nContent-Length: 4\r\n\r\nabcd"));
  ExpectServerError(c->Read(milliseconds(2000)), 400, "VALIDATION_ERROR");
}

TEST_F(HttpServerLimitsTest, ReadTimeoutIs408ThenClose) {
  StartServer(OptionsWith(&HttpServerOptions::read_timeout, milliseconds(200)));
  auto c = Connect();
  auto start = SteadyClock::now();
  ASSERT_TRUE(c->Send("GET /x HTTP/1.1\r\nHost: x\r\n"));  // header never finished
  ExpectServerError(c->Read(milliseconds(3000)), 408, "TIMEOUT");
  EXPECT_GE(SteadyClock::now() - start, milliseconds(150));
  EXPECT_TRUE(c->WaitForClose(milliseconds(3000)));
}

TEST_F(HttpServerLimitsTest, ReadTimeoutCoversTheBody) {
  StartServer(OptionsWith(&HttpServerOptions::read_timeout, milliseconds(200)));
  auto c = Connect();
  ASSERT_TRUE(c->Send("POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc"));
  ExpectServerError(c->Read(milliseconds(3000)), 408, "TIMEOUT");
}

TEST_F(HttpServerLimitsTest, IdleKeepAliveConnectionIsClosedSilently) {
  StartServer(OptionsWith(&HttpServerOptions::idle_timeout, milliseconds(200)));
  auto c = Connect();
  ASSERT_TRUE(c->Send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(c->Read());
  std::string unexpected;
  auto start = SteadyClock::now();
  EXPECT_TRUE(c->WaitForClose(milliseconds(3000), &unexpected));
  EXPECT_GE(SteadyClock::now() - start, milliseconds(150));
  EXPECT_EQ(unexpected, "");
  // A connection that never sends anything is closed too.
  auto silent = Connect();
  EXPECT_TRUE(silent->WaitForClose(milliseconds(3000), &unexpected));
  EXPECT_EQ(unexpected, "");
}

TEST_F(HttpServerLimitsTest, MaxConnectionsClosesExtraConnections) {
  StartServer(OptionsWith(&HttpServerOptions::max_connections, 2));
  auto a = Connect();
  auto b = Connect();
  for (auto* c : {a.get(), b.get()}) {
    ASSERT_TRUE(c->Send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(c->Read());
  }
  auto extra = Connect();
  EXPECT_TRUE(extra->WaitForClose(milliseconds(3000)));
  b.reset();  // frees a slot once the server notices
  auto deadline = SteadyClock::now() + milliseconds(3000);
  bool served = false;
  while (!served && SteadyClock::now() < deadline) {
    auto c = Connect();
    served = c->Send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n") && c->Read(milliseconds(500));
  }
  EXPECT_TRUE(served);
}

TEST_F(HttpServerLimitsTest, StopDrainsAnInFlightRequest) {
  StartServer();
  auto busy = Connect();
  auto idle = Connect();
  ASSERT_TRUE(idle->Send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(idle->Read());
  ASSERT_TRUE(busy->Send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n"));
  ASSERT_TRUE(WaitFor(slow_entered_, milliseconds(3000)));
  uint16_t port = server_->port();
  auto start = SteadyClock::now();
  server_->Stop(milliseconds(5000));
  EXPECT_LT(SteadyClock::now() - start, milliseconds(2000));
  auto r = busy->Read(milliseconds(1000));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"slow":true})");
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(busy->WaitForClose(milliseconds(1000)));
  EXPECT_TRUE(idle->WaitForClose(milliseconds(1000)));
  TestClient after(port);
  EXPECT_FALSE(after.connected());
  server_.reset();
}

TEST_F(HttpServerLimitsTest, StopWithIdleConnectionsReturnsPromptly) {
  StartServer();
  std::vector<std::unique_ptr<TestClient>> clients;
  for (int i = 0; i < 10; ++i) {
    clients.push_back(Connect());
    ASSERT_TRUE(clients.back()->Send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n"));
    ASSERT_TRUE(clients.back()->Read());
  }
  auto start = SteadyClock::now();
  server_->Stop(milliseconds(5000));
  EXPECT_LT(SteadyClock::now() - start, milliseconds(1000));
  for (auto& c : clients) EXPECT_TRUE(c->WaitForClose(milliseconds(1000)));
}

TEST_F(HttpServerLimitsTest, StopBeforeStartAndTwiceIsHarmless) {
  auto never = NoContentServer({});
  never->Stop();
  StartServer();
  server_->Stop(milliseconds(100));
  server_->Stop(milliseconds(100));
}

TEST_F(HttpServerLimitsTest, ListensOnAHostName) {
  server_ = NoContentServer(OptionsWith(&HttpServerOptions::host, "localhost"));
  Status st = server_->Start();
  ASSERT_TRUE(st.ok()) << st.error().message;
  EXPECT_NE(server_->port(), 0);
}

TEST_F(HttpServerLimitsTest, BadListenAddressIsUnavailable) {
  auto bad = NoContentServer(OptionsWith(&HttpServerOptions::host, "no such host.invalid"));
  Status st = bad->Start();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kUnavailable);
}

TEST_F(HttpServerLimitsTest, BindFailureIsUnavailable) {
  StartServer();
  auto clash = NoContentServer(OptionsWith(&HttpServerOptions::port, server_->port()));
  Status st = clash->Start();
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.error().code, ErrorCode::kUnavailable);
}

TEST_F(HttpServerLimitsTest, ServerErrorsUseTheBuiltInBodyWithoutARenderer) {
  server_ = NoContentServer(Options());
  ASSERT_TRUE(server_->Start().ok());
  auto c = Connect();
  ASSERT_TRUE(c->Send("\x01\x02\r\n\r\n"));
  auto r = c->Read(milliseconds(2000));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 400);
  auto body = boost::json::parse(r->body).as_object();
  EXPECT_EQ(body["category"].as_string(), "VALIDATION_ERROR");
  EXPECT_EQ(body["correlationId"].as_string(), r->Header("x-hubspot-correlation-id"));
}

TEST_F(HttpServerLimitsTest, SurvivesRandomGarbage) {
  StartServer(OptionsWith(&HttpServerOptions::read_timeout, milliseconds(500)));
  std::mt19937 rng(12345);
  const std::string prefixes[] = {"", "GET / HTTP/1.1\r\n", "POST /x HTTP/1.1\r\nContent-Length: ",
                                  "POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n"};
  for (int i = 0; i < 1000; ++i) {
    std::string data = prefixes[i % 4];
    size_t n = rng() % 300;
    for (size_t j = 0; j < n; ++j) {
      // Mostly printable with CR/LF sprinkled in, so the parser gets past the first line often.
      uint32_t x = rng();
      data.push_back(x % 8 == 0 ? '\n' : x % 9 == 0 ? '\r' : static_cast<char>(x >> 8));
    }
    TestClient c(server_->port());
    ASSERT_TRUE(c.connected()) << i;
    c.Send(data);  // may fail if the server already answered and closed
    c.ShutdownWrite();
    std::string reply = c.ReadAll(milliseconds(3000));
    if (!reply.empty()) {
      ASSERT_EQ(reply.rfind("HTTP/1.1 ", 0), 0u) << i;
      EXPECT_NE(reply.find("x-hubspot-correlation-id: "), std::string::npos) << i;
    }
  }
  auto c = Connect();
  ASSERT_TRUE(c->Send("GET /x HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c->Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerLimitsTest, AccessLogHasOneLinePerRequestAndNoSecrets) {
  ::testing::internal::CaptureStderr();
  StartServer(OptionsWith(&HttpServerOptions::access_log, true));
  {
    auto c = Connect();
    ASSERT_TRUE(
        c->Send("GET /flows/1?hapikey=SECRETKEY HTTP/1.1\r\nHost: x\r\n"
                "Authorization: Bearer SECRETTOKEN\r\n\r\n"));
    ASSERT_TRUE(c->Read());
    ASSERT_TRUE(c->Send("BROKEN\r\n\r\n"));
    ASSERT_TRUE(c->Read());
  }
  server_->Stop(milliseconds(1000));  // joins the threads: every line is written
  std::string log = ::testing::internal::GetCapturedStderr();
  EXPECT_EQ(log.find("SECRET"), std::string::npos) << log;
  std::vector<boost::json::object> lines;
  size_t pos = 0;
  while (pos < log.size()) {
    size_t end = log.find('\n', pos);
    if (end == std::string::npos) end = log.size();
    auto v = boost::json::parse(log.substr(pos, end - pos));
    if (v.as_object()["msg"] == "request") lines.push_back(v.as_object());
    pos = end + 1;
  }
  ASSERT_EQ(lines.size(), 2u) << log;
  EXPECT_EQ(lines[0]["method"], "GET");
  EXPECT_EQ(lines[0]["path"], "/flows/1");
  EXPECT_EQ(lines[0]["status"], 200);
  EXPECT_TRUE(lines[0]["duration_ms"].is_double());
  EXPECT_TRUE(testing::IsUuid(lines[0]["correlation_id"].as_string()));
  EXPECT_EQ(lines[0]["remote"], "127.0.0.1");
  EXPECT_EQ(lines[1]["status"], 400);
}

}  // namespace
}  // namespace flowd::api
