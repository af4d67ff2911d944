#include "load/http_client.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>

namespace flowd::bench {
namespace {

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

bool ParseLoopbackUrl(std::string_view url, Endpoint* out, std::string* error) {
  constexpr std::string_view kScheme = "http://";
  if (url.substr(0, kScheme.size()) != kScheme) {
    *error = "--url must start with http:// (no TLS)";
    return false;
  }
  std::string_view rest = url.substr(kScheme.size());
  if (!rest.empty() && rest.back() == '/') rest.remove_suffix(1);
  if (rest.find('/') != std::string_view::npos) {
    *error = "--url must be http://HOST:PORT without a path";
    return false;
  }
  const size_t colon = rest.rfind(':');
  if (colon == std::string_view::npos) {
    *error = "--url needs an explicit port";
    return false;
  }
  std::string host(rest.substr(0, colon));
  std::string_view port_text = rest.substr(colon + 1);
  int port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 1 || port > 65535) {
    *error = "--url port must be 1..65535";
    return false;
  }
  *out = Endpoint{};
  out->host_header = std::string(rest);
  if (host == "localhost") host = "127.0.0.1";
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') {
    in6_addr a6{};
    if (host != "[::1]" || inet_pton(AF_INET6, "::1", &a6) != 1) {
      *error = "refusing non-loopback host " + host + ": only 127.0.0.0/8 and ::1";
      return false;
    }
    auto* sa = reinterpret_cast<sockaddr_in6*>(&out->addr);
    sa->sin6_family = AF_INET6;
    sa->sin6_port = htons(static_cast<uint16_t>(port));
    sa->sin6_addr = a6;
    out->addr_len = sizeof(sockaddr_in6);
    return true;
  }
  in_addr a4{};
  if (inet_pton(AF_INET, host.c_str(), &a4) != 1 || (ntohl(a4.s_addr) >> 24) != 127) {
    *error = "refusing non-loopback host '" + host + "': only 127.0.0.0/8 and ::1";
    return false;
  }
  auto* sa = reinterpret_cast<sockaddr_in*>(&out->addr);
  sa->sin_family = AF_INET;
  sa->sin_port = htons(static_cast<uint16_t>(port));
  sa->sin_addr = a4;
  out->addr_len = sizeof(sockaddr_in);
  return true;
}

int ConnectTo(const Endpoint& ep, bool nonblocking) {
  int fd = ::socket(ep.addr.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  if (::connect(fd, reinterpret_cast<const sockaddr*>(&ep.addr), ep.addr_len) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
  if (nonblocking) ::fcntl(fd, F_SETFL, ::fcntl(fd, F_GETFL) | O_NONBLOCK);
  return fd;
}

RequestWriter::RequestWriter(const Endpoint& ep, std::string_view token) {
  common_headers_ = " HTTP/1.1\r\nHost: " + ep.host_header + "\r\n";
  if (!token.empty()) common_headers_ += "Authorization: Bearer " + std::string(token) + "\r\n";
  common_headers_ += "Accept: application/json\r\n";
}

void RequestWriter::Append(std::string& out, std::string_view method, std::string_view target,
                           std::string_view body1, std::string_view body2,
                           std::string_view body3) const {
  out.append(method).append(" ").append(target).append(common_headers_);
  const size_t body_len = body1.size() + body2.size() + body3.size();
  if (body_len > 0 || method == "POST" || method == "PUT") {
    char digits[24];
    auto res = std::to_chars(digits, digits + sizeof(digits), body_len);
    out.append("Content-Type: application/json\r\nContent-Length: ")
        .append(digits, res.ptr)
        .append("\r\n");
  }
  out.append("\r\n").append(body1).append(body2).append(body3);
}

char* ResponseReader::WriteArea(size_t min) {
  if (buf_.size() < size_ + min) buf_.resize(std::max(size_ + min, buf_.size() * 2));
  return buf_.data() + size_;
}

ResponseReader::State ResponseReader::Fail(std::string message) {
  error_ = std::move(message);
  return State::kError;
}

ResponseReader::State ResponseReader::Parse() {
  std::string_view data(buf_.data(), size_);
  if (header_len_ == 0) {
    const size_t end = data.find("\r\n\r\n");
    if (end == std::string_view::npos) {
      if (size_ > 64 * 1024) return Fail("response header block larger than 64 KiB");
      return State::kIncomplete;
    }
    std::string_view head = data.substr(0, end + 2);
    // Status line: HTTP/1.1 200 OK
    const size_t eol = head.find("\r\n");
    std::string_view status_line = head.substr(0, eol);
    if (status_line.size() < 12 || status_line.substr(0, 5) != "HTTP/") {
      return Fail("malformed status line");
    }
    int status = 0;
    auto [p, ec] = std::from_chars(status_line.data() + 9, status_line.data() + 12, status);
    if (ec != std::errc() || p != status_line.data() + 12) return Fail("malformed status code");
    bool have_length = false;
    size_t length = 0;
    bool close = status_line.substr(0, 8) == "HTTP/1.0";
    for (size_t pos = eol + 2; pos < head.size();) {
      const size_t next = head.find("\r\n", pos);
      std::string_view line = head.substr(pos, next - pos);
      pos = next + 2;
      const size_t colon = line.find(':');
      if (colon == std::string_view::npos) return Fail("malformed header line");
      std::string_view name = line.substr(0, colon);
      std::string_view value = Trim(line.substr(colon + 1));
      if (EqualsIgnoreCase(name, "content-length")) {
        auto [q, ec2] = std::from_chars(value.data(), value.data() + value.size(), length);
        if (ec2 != std::errc() || q != value.data() + value.size()) {
          return Fail("malformed Content-Length");
        }
        have_length = true;
      } else if (EqualsIgnoreCase(name, "connection")) {
        close = EqualsIgnoreCase(value, "close");
      } else if (EqualsIgnoreCase(name, "transfer-encoding")) {
        return Fail("chunked responses are not supported");
      }
    }
    if (!have_length && status != 204 && status != 304) return Fail("response without length");
    status_ = status;
    close_ = close;
    content_length_ = have_length ? length : 0;
    header_len_ = end + 4;
  }
  return size_ >= header_len_ + content_length_ ? State::kComplete : State::kIncomplete;
}

void ResponseReader::Consume() {
  const size_t used = header_len_ + content_length_;
  if (used < size_) std::memmove(buf_.data(), buf_.data() + used, size_ - used);
  size_ -= used;
  header_len_ = 0;
  content_length_ = 0;
}

void ResponseReader::Reset() {
  size_ = 0;
  header_len_ = 0;
  content_length_ = 0;
  error_.clear();
}

bool SendAll(int fd, std::string_view data) {
  while (!data.empty()) {
    const ssize_t n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

bool ReadResponse(int fd, ResponseReader& reader, std::string* error) {
  for (;;) {
    switch (reader.Parse()) {
      case ResponseReader::State::kComplete:
        return true;
      case ResponseReader::State::kError:
        *error = reader.error();
        return false;
      case ResponseReader::State::kIncomplete:
        break;
    }
    char* area = reader.WriteArea(16 * 1024);
    const ssize_t n = ::recv(fd, area, 16 * 1024, 0);
    if (n > 0) {
      reader.Commit(static_cast<size_t>(n));
    } else if (n == 0) {
      *error = "connection closed by the server";
      return false;
    } else if (errno != EINTR) {
      *error = std::string("recv: ") + std::strerror(errno);
      return false;
    }
  }
}

std::string_view FindJsonString(std::string_view json, std::string_view key) {
  std::string quoted;  // built with append: g++ 12 -O3 warns (-Wrestrict) on "\"" + string
  quoted.reserve(key.size() + 2);
  quoted.append(1, '"').append(key).append(1, '"');
  for (size_t pos = json.find(quoted); pos != std::string_view::npos;
       pos = json.find(quoted, pos + 1)) {
    size_t i = pos + quoted.size();
    while (i < json.size() && (json[i] == ' ' || json[i] == '\n' || json[i] == '\t')) ++i;
    if (i >= json.size() || json[i] != ':') continue;  // a value, not a key
    ++i;
    while (i < json.size() && (json[i] == ' ' || json[i] == '\n' || json[i] == '\t')) ++i;
    if (i >= json.size() || json[i] != '"') return {};
    const size_t end = json.find('"', i + 1);
    if (end == std::string_view::npos) return {};
    return json.substr(i + 1, end - i - 1);
  }
  return {};
}

}  // namespace flowd::bench
