// The HTTP/1.1 server (Boost.Beast behind this header): asynchronous, keep-alive, a fixed pool of
// threads all running one io_context. Explicit limits, each answered with a HubSpot error body:
//   body larger than max_body_bytes          → 413
//   header block larger than max_header_bytes → 431
//   malformed request line/headers/chunking   → 400 (connection closed)
//   no complete request within read_timeout   → connection closed (408 if a request had begun)
//   idle keep-alive connection past idle_timeout → closed
// One JSON access-log line per request: method, path (no query string), status, duration_ms,
// correlation_id, remote — never a header value (tokens live there).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "api/http.h"
#include "common/status.h"

namespace flowd::api {

struct HttpServerOptions {
  std::string host = "127.0.0.1";
  uint16_t port = 8080;  // 0 = pick a free port (see HttpServer::port())
  int threads = 2;
  size_t max_body_bytes = size_t{10} * 1024 * 1024;
  size_t max_header_bytes = size_t{16} * 1024;
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds idle_timeout{75'000};
  size_t max_connections = 10'000;  // further connections are accepted and closed at once
  bool access_log = true;
};

class HttpServer {
 public:
  HttpServer(HttpServerOptions options, Handler handler, ErrorRenderer render_error);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds and starts the threads. kUnavailable when the address cannot be bound.
  Status Start();
  // The bound port (useful with port 0). Valid after Start().
  uint16_t port() const;
  // Stops accepting, lets in-flight requests finish (up to `drain`), closes idle connections,
  // joins the threads. Safe to call once from any thread other than a server thread.
  void Stop(std::chrono::milliseconds drain = std::chrono::milliseconds(10'000));
  // Blocks SIGINT and SIGTERM in the calling thread and in every thread it starts afterwards.
  // Call it first thing in main, before Start(), so that a signal arriving at any moment stays
  // pending for WaitForShutdownSignal instead of killing the process.
  static void BlockShutdownSignals();
  // Waits until SIGINT or SIGTERM arrives and returns its number. Needs BlockShutdownSignals().
  static int WaitForShutdownSignal();

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace flowd::api
