// The fixture shared by the HttpServer tests: a loopback server on a free port with small limits,
// started by StartServer() with the suite's Handle() and stopped in TearDown().
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <thread>

#include "api/http_server.h"
#include "test_client.h"

namespace flowd::api::testing {

// The error renderer the servers under test use: HubSpot's error body.
inline std::string RenderTestError(int status, std::string_view category, std::string_view message,
                                   std::string_view correlation_id) {
  boost::json::object o;
  o["status"] = "error";
  o["httpStatus"] = status;
  o["category"] = category;
  o["message"] = message;
  o["correlationId"] = correlation_id;
  return boost::json::serialize(o);
}

class HttpServerFixture : public ::testing::Test {
 protected:
  static HttpServerOptions Options() {
    HttpServerOptions o;
    o.host = "127.0.0.1";
    o.port = 0;
    o.threads = 2;
    o.max_body_bytes = 1024;
    o.max_header_bytes = 2048;
    o.read_timeout = std::chrono::milliseconds(3000);
    o.idle_timeout = std::chrono::milliseconds(5000);
    o.access_log = false;
    return o;
  }

  // Options() with one field changed: OptionsWith(&HttpServerOptions::read_timeout, 200ms).
  template <typename T, typename V>
  static HttpServerOptions OptionsWith(T HttpServerOptions::*field, V value) {
    HttpServerOptions o = Options();
    o.*field = value;
    return o;
  }

  void StartServer(HttpServerOptions options = Options()) {
    server_ = std::make_unique<HttpServer>(
        options, [this](const HttpRequest& r) { return Handle(r); }, RenderTestError);
    Status st = server_->Start();
    ASSERT_TRUE(st.ok()) << st.error().message;
    ASSERT_NE(server_->port(), 0);
  }

  void TearDown() override {
    if (server_) server_->Stop(std::chrono::milliseconds(2000));
  }

  // The handler of the server StartServer() starts.
  virtual HttpResponse Handle(const HttpRequest& r) = 0;

  // The answer to GET /slow: sets slow_entered_, then takes 200 ms.
  HttpResponse Slow() {
    slow_entered_.store(true);
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    return HttpResponse::Json(200, R"({"slow":true})");
  }

  std::unique_ptr<TestClient> Connect() { return std::make_unique<TestClient>(server_->port()); }

  std::unique_ptr<HttpServer> server_;
  std::atomic<bool> slow_entered_{false};
};

}  // namespace flowd::api::testing
