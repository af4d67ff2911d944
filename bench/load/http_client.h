// The minimal HTTP/1.1 client pieces of the load generator: loopback-only URL parsing, socket
// connect, request writing and Content-Length response parsing. No TLS, no chunked bodies, no
// redirects — flowd answers every request with Content-Length. Not thread-safe per object.
#pragma once

#include <sys/socket.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace flowd::bench {

struct Endpoint {
  sockaddr_storage addr{};
  socklen_t addr_len = 0;
  std::string host_header;  // "127.0.0.1:8080"
};

// Parses "http://HOST:PORT[/]" where HOST is an IPv4 address in 127.0.0.0/8, "[::1]" or
// "localhost". Anything else (another host, https, a path) is refused with `*error` set: the
// generator is meant for the machine it runs on.
bool ParseLoopbackUrl(std::string_view url, Endpoint* out, std::string* error);

// Connects a TCP socket (TCP_NODELAY) to `ep`; non-blocking after the connect when asked.
// Returns the fd, or -1 with errno set.
int ConnectTo(const Endpoint& ep, bool nonblocking);

// Headers every request carries, rendered once.
class RequestWriter {
 public:
  RequestWriter(const Endpoint& ep, std::string_view token);

  // Appends one request to `out`. The body is the concatenation of the parts (so that a caller
  // can splice a value into a template without building the whole body first).
  void Append(std::string& out, std::string_view method, std::string_view target,
              std::string_view body1 = {}, std::string_view body2 = {},
              std::string_view body3 = {}) const;

 private:
  std::string common_headers_;
};

// Accumulates received bytes and cuts them into responses.
class ResponseReader {
 public:
  enum class State { kIncomplete, kComplete, kError };

  // Room for at least `min` more bytes; write into it, then Commit what was written.
  char* WriteArea(size_t min);
  void Commit(size_t n) { size_ += n; }

  // Looks for one complete response at the front of the buffer.
  State Parse();
  // Valid after Parse() returned kComplete, until Consume().
  int status() const { return status_; }
  std::string_view body() const { return {buf_.data() + header_len_, content_length_}; }
  bool close() const { return close_; }
  // Drops the parsed response; bytes received after it stay.
  void Consume();
  void Reset();

  const std::string& error() const { return error_; }

 private:
  State Fail(std::string message);

  std::string buf_;
  size_t size_ = 0;
  size_t header_len_ = 0;  // 0 until the header block is complete
  size_t content_length_ = 0;
  int status_ = 0;
  bool close_ = false;
  std::string error_;
};

// Sends all of `data` on a blocking socket. False on error (errno set).
bool SendAll(int fd, std::string_view data);

// Blocking round trip: reads until one response is complete. False when the connection broke
// or the response could not be parsed (`*error` says which).
bool ReadResponse(int fd, ResponseReader& reader, std::string* error);

// The string value of the first `"key": "value"` pair in `json` (no unescaping: meant for ids).
// Empty when absent.
std::string_view FindJsonString(std::string_view json, std::string_view key);

}  // namespace flowd::bench
