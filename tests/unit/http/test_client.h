// A blocking loopback HTTP/1.1 client over POSIX sockets for the server tests: raw bytes out,
// parsed responses in, every wait bounded by a deadline.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace flowd::api::testing {

struct RawResponse {
  int status = 0;
  std::multimap<std::string, std::string> headers;  // names lower-cased
  std::string body;

  std::string Header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
  bool HasHeader(const std::string& name) const { return headers.count(name) > 0; }
};

inline bool IsUuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash != (s[i] == '-')) return false;
    if (!dash && !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f'))) return false;
  }
  return s[14] == '4';
}

class TestClient {
 public:
  using Ms = std::chrono::milliseconds;

  // Connects to 127.0.0.1:port; connected() is false when the connection was refused.
  explicit TestClient(uint16_t port) {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
      ::close(fd_);
      fd_ = -1;
      return;
    }
    int one = 1;
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  }
  ~TestClient() {
    if (fd_ >= 0) ::close(fd_);
  }
  TestClient(const TestClient&) = delete;
  TestClient& operator=(const TestClient&) = delete;

  bool connected() const { return fd_ >= 0; }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

  // Reads one response (Content-Length framed, or header-only for 1xx/204/304/HEAD).
  std::optional<RawResponse> Read(Ms timeout = Ms(5000), bool head = false) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    size_t header_end;
    while ((header_end = buf_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill(deadline)) return std::nullopt;
    }
    RawResponse r;
    std::string_view head_text(buf_.data(), header_end);
    size_t line_end = head_text.find("\r\n");
    std::string_view status_line = head_text.substr(0, line_end);
    if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/") return std::nullopt;
    r.status = std::atoi(std::string(status_line.substr(9, 3)).c_str());
    size_t pos = line_end == std::string_view::npos ? head_text.size() : line_end + 2;
    while (pos < head_text.size()) {
      size_t end = head_text.find("\r\n", pos);
      if (end == std::string_view::npos) end = head_text.size();
      std::string_view line = head_text.substr(pos, end - pos);
      size_t colon = line.find(':');
      std::string name(line.substr(0, colon));
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      std::string_view value = colon == std::string_view::npos ? "" : line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      r.headers.emplace(std::move(name), std::string(value));
      pos = end + 2;
    }
    buf_.erase(0, header_end + 4);
    size_t length = 0;
    if (!head && r.HasHeader("content-length")) {
      length = std::strtoull(r.Header("content-length").c_str(), nullptr, 10);
    }
    while (buf_.size() < length) {
      if (!Fill(deadline)) return std::nullopt;
    }
    r.body = buf_.substr(0, length);
    buf_.erase(0, length);
    return r;
  }

  // True when the server closes the connection (EOF or reset) within `timeout` without sending
  // anything further; `unexpected` receives any bytes that did arrive.
  bool WaitForClose(Ms timeout, std::string* unexpected = nullptr) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      int rc = PollIn(deadline);
      if (rc <= 0) return false;  // timed out
      char tmp[4096];
      ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
      if (n == 0) return true;
      if (n < 0) return errno == ECONNRESET;
      if (unexpected) unexpected->append(tmp, static_cast<size_t>(n));
    }
  }

  // Every byte until the peer closes (or the deadline passes).
  std::string ReadAll(Ms timeout) {
    std::string out = std::move(buf_);
    buf_.clear();
    WaitForClose(timeout, &out);
    return out;
  }

 private:
  int PollIn(std::chrono::steady_clock::time_point deadline) {
    auto left = std::chrono::duration_cast<Ms>(deadline - std::chrono::steady_clock::now());
    if (left.count() < 0) return 0;
    pollfd p{fd_, POLLIN, 0};
    return ::poll(&p, 1, static_cast<int>(left.count()));
  }

  bool Fill(std::chrono::steady_clock::time_point deadline) {
    if (PollIn(deadline) <= 0) return false;
    char tmp[16384];
    ssize_t n = ::recv(fd_, tmp, sizeof tmp, 0);
    if (n <= 0) return false;
    buf_.append(tmp, static_cast<size_t>(n));
    return true;
  }

  int fd_ = -1;
  std::string buf_;
};

}  // namespace flowd::api::testing
