#include "api/http_server.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <boost/json/value.hpp>
#include <future>
#include <random>
#include <set>
#include <stdexcept>

#include "test_client.h"
#include "test_server.h"

namespace flowd::api {
namespace {

using std::chrono::milliseconds;
using testing::RawResponse;
using testing::TestClient;

class HttpServerTest : public testing::HttpServerFixture {
 protected:
  HttpResponse Handle(const HttpRequest& r) override {
    if (r.path == "/throw") throw std::runtime_error("boom");
    if (r.path == "/nocontent") return HttpResponse::NoContent();
    if (r.path == "/badstatus") return HttpResponse::Json(42, "{}");
    if (r.path == "/slow") return Slow();
    if (r.path == "/headers") {
      HttpResponse res = HttpResponse::Json(200, "{}");
      res.headers = {{"x-custom", "yes"},
                     {"x-evil", "a\r\nSet-Cookie: injected=1"},
                     {"content-length", "999"}};
      return res;
    }
    boost::json::object o;
    o["method"] = r.method;
    o["target"] = r.target;
    o["path"] = r.path;
    boost::json::array query;
    for (const auto& [k, v] : r.query) query.push_back(boost::json::array{k, v});
    o["query"] = std::move(query);
    o["body"] = r.body;
    o["x-test"] = r.Header("x-test");
    o["remote"] = r.remote_address;
    o["correlationId"] = r.correlation_id;
    return HttpResponse::Json(200, boost::json::serialize(o));
  }

  static boost::json::object Json(const RawResponse& r) {
    return boost::json::parse(r.body).as_object();
  }

  static void ExpectServerError(const RawResponse& r, int status, std::string_view category) {
    EXPECT_EQ(r.status, status);
    std::string cid = r.Header("x-hubspot-correlation-id");
    EXPECT_TRUE(testing::IsUuid(cid)) << cid;
    auto body = Json(r);
    EXPECT_EQ(body["category"].as_string(), category);
    EXPECT_EQ(body["correlationId"].as_string(), cid);
    EXPECT_EQ(body["httpStatus"].as_int64(), status);
  }
};

TEST_F(HttpServerTest, KeepAliveServesSeveralRequestsOnOneConnection) {
  StartServer();
  auto c = Connect();
  std::set<std::string> ids;
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(c->Send("GET /echo/" + std::to_string(i) + " HTTP/1.1\r\nHost: x\r\n\r\n"));
    auto r = c->Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->Header("server"), "flowd");
    EXPECT_EQ(r->Header("content-type"), "application/json;charset=utf-8");
    EXPECT_FALSE(r->HasHeader("connection"));
    std::string cid = r->Header("x-hubspot-correlation-id");
    EXPECT_TRUE(testing::IsUuid(cid)) << cid;
    auto body = Json(*r);
    EXPECT_EQ(body["path"].as_string(), "/echo/" + std::to_string(i));
    EXPECT_EQ(body["correlationId"].as_string(), cid);
    EXPECT_EQ(body["remote"].as_string(), "127.0.0.1");
    ids.insert(cid);
  }
  EXPECT_EQ(ids.size(), 5u);
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(
      c->Send("GET /echo/1 HTTP/1.1\r\nHost: x\r\n\r\n"
              "POST /echo/2 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
              "GET /echo/3 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  for (int i = 1; i <= 3; ++i) {
    auto r = c->Read();
    ASSERT_TRUE(r) << i;
    EXPECT_EQ(Json(*r)["path"].as_string(), "/echo/" + std::to_string(i));
  }
  EXPECT_TRUE(c->WaitForClose(milliseconds(2000)));
}

TEST_F(HttpServerTest, PostBodyHeadersAndMethodReachTheHandler) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(c->Send(
      "PATCH /echo HTTP/1.1\r\nHost: x\r\nX-Test: Value\r\nContent-Length: 7\r\n\r\n{\"a\":1}"));
  auto r = c->Read();
  ASSERT_TRUE(r);
  auto body = Json(*r);
  EXPECT_EQ(body["method"].as_string(), "PATCH");
  EXPECT_EQ(body["body"].as_string(), "{\"a\":1}");
  EXPECT_EQ(body["x-test"].as_string(), "Value");
}

TEST_F(HttpServerTest, DecodesQueryAndPath) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(c->Send(
      "GET /echo/a%20b%2Fc?flowId=1&flowId=2&name=j%C3%B6+doe&flag HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c->Read();
  ASSERT_TRUE(r);
  auto body = Json(*r);
  EXPECT_EQ(body["path"].as_string(), "/echo/a b/c");
  EXPECT_EQ(body["target"].as_string(), "/echo/a%20b%2Fc?flowId=1&flowId=2&name=j%C3%B6+doe&flag");
  EXPECT_EQ(boost::json::serialize(body["query"]),
            R"([["flowId","1"],["flowId","2"],["name","jö doe"],["flag",""]])");
}

TEST_F(HttpServerTest, MalformedTargetIs400AndConnectionStaysUsable) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(c->Send("GET /a%zz HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c->Read();
  ASSERT_TRUE(r);
  ExpectServerError(*r, 400, "VALIDATION_ERROR");
  ASSERT_TRUE(c->Send("GET http://example.com/echo HTTP/1.1\r\nHost: x\r\n\r\n"));
  r = c->Read();
  ASSERT_TRUE(r);
  ExpectServerError(*r, 400, "VALIDATION_ERROR");
  ASSERT_TRUE(c->Send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"));
  r = c->Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerTest, HandlerExceptionIs500WithErrorBody) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(c->Send("GET /throw HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c->Read();
  ASSERT_TRUE(r);
  ExpectServerError(*r, 500, "INTERNAL_ERROR");
  EXPECT_EQ(r->body.find("boom"), std::string::npos);  // the exception text is only logged
  ASSERT_TRUE(c->Send("GET /echo HTTP/1.1\r\nHost: x\r\n\r\n"));
  r = c->Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerTest, InvalidHandlerStatusBecomes500) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(c->Send("GET /badstatus HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c->Read();
  ASSERT_TRUE(r);
  ExpectServerError(*r, 500, "INTERNAL_ERROR");
}

TEST_F(HttpServerTest, NoContentHasNoBody) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(c->Send("DELETE /nocontent HTTP/1.1\r\nHost: x\r\n\r\nGET /echo HTTP/1.1\r\n\r\n"));
  auto r = c->Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 204);
  EXPECT_FALSE(r->HasHeader("content-length"));
  EXPECT_FALSE(r->HasHeader("content-type"));
  EXPECT_TRUE(testing::IsUuid(r->Header("x-hubspot-correlation-id")));
  r = c->Read();  // the next response follows directly: nothing was sent as a 204 body
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
}

TEST_F(HttpServerTest, HandlerHeadersCannotSplitTheResponseOrChangeFraming) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(c->Send("GET /headers HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto r = c->Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("x-custom"), "yes");
  EXPECT_FALSE(r->HasHeader("x-evil"));
  EXPECT_FALSE(r->HasHeader("set-cookie"));
  EXPECT_EQ(r->Header("content-length"), "2");
  EXPECT_EQ(r->body, "{}");
}

TEST_F(HttpServerTest, HeadRequestGetsHeadersOnly) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(c->Send("HEAD /echo HTTP/1.1\r\nHost: x\r\n\r\nGET /echo/next HTTP/1.1\r\n\r\n"));
  auto r = c->Read(milliseconds(5000), /*head=*/true);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_NE(r->Header("content-length"), "0");
  r = c->Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(Json(*r)["path"].as_string(), "/echo/next");
}

TEST_F(HttpServerTest, Http10ClosesUnlessKeepAliveRequested) {
  StartServer();
  {
    auto c = Connect();
    ASSERT_TRUE(c->Send("GET /echo HTTP/1.0\r\n\r\n"));
    auto r = c->Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->Header("connection"), "close");
    EXPECT_TRUE(c->WaitForClose(milliseconds(2000)));
  }
  {
    auto c = Connect();
    ASSERT_TRUE(c->Send("GET /echo HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    auto r = c->Read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->Header("connection"), "keep-alive");
    ASSERT_TRUE(c->Send("GET /echo HTTP/1.0\r\nConnection: keep-alive\r\n\r\n"));
    EXPECT_TRUE(c->Read());
  }
}

TEST_F(HttpServerTest, ConnectionCloseIsHonoured) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(c->Send("GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
  auto r = c->Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->Header("connection"), "close");
  EXPECT_TRUE(c->WaitForClose(milliseconds(2000)));
}

TEST_F(HttpServerTest, ChunkedRequestBody) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(
      c->Send("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
              "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
  auto r = c->Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Json(*r)["body"].as_string(), "hello world");
}

TEST_F(HttpServerTest, ExpectContinueGets100BeforeTheBody) {
  StartServer();
  auto c = Connect();
  ASSERT_TRUE(c->Send(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
  auto interim = c->Read(milliseconds(2000));
  ASSERT_TRUE(interim);
  EXPECT_EQ(interim->status, 100);
  ASSERT_TRUE(c->Send("abc"));
  auto r = c->Read();
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Json(*r)["body"].as_string(), "abc");
}

TEST_F(HttpServerTest, LargeBodyWithinLimitIsRead) {
  StartServer(OptionsWith(&HttpServerOptions::max_body_bytes, 4 * 1024 * 1024));
  auto c = Connect();
  std::string body(3 * 1024 * 1024, 'x');
  ASSERT_TRUE(c->Send("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n"));
  ASSERT_TRUE(c->Send(body));
  auto r = c->Read(milliseconds(10000));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(Json(*r)["body"].as_string().size(), body.size());
}

}  // namespace
}  // namespace flowd::api
