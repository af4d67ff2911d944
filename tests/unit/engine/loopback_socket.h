// Test support: a TCP listener on 127.0.0.1 with an ephemeral port, served by one thread, and
// deadline-bounded socket reads. The base of LoopbackHttpServer and SmtpSink.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

namespace flowd::testing {

// A connected socket. Reads wait at most `timeout` for data and give up when `stop` is set.
class Connection {
 public:
  Connection(int fd, const std::atomic<bool>& stop) : fd_(fd), stop_(stop) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection() { ::close(fd_); }

  // Appends what arrives to `buffer`; false on EOF, error, timeout or stop.
  bool ReadSome(std::string& buffer, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!stop_.load()) {
      if (std::chrono::steady_clock::now() >= deadline) return false;
      pollfd p{fd_, POLLIN, 0};
      const int ready = ::poll(&p, 1, 20);
      if (ready < 0) return false;
      if (ready == 0) continue;
      char chunk[16384];
      const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
      if (n <= 0) return false;
      buffer.append(chunk, static_cast<size_t>(n));
      return true;
    }
    return false;
  }

  // Reads until `buffer` contains `marker`; returns its position.
  std::optional<size_t> ReadUntil(std::string& buffer, std::string_view marker) {
    for (;;) {
      if (size_t pos = buffer.find(marker); pos != std::string::npos) return pos;
      if (!ReadSome(buffer)) return std::nullopt;
    }
  }

  // Writes all of `data`; false when the peer has gone (never raises SIGPIPE).
  bool Write(std::string_view data) {
    while (!data.empty()) {
      const ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<size_t>(n));
    }
    return true;
  }

 private:
  int fd_;
  const std::atomic<bool>& stop_;
};

// Listens on 127.0.0.1:<ephemeral>; one thread accepts and serves connections one at a time.
// Call Start(handler) from the derived constructor and Stop() from the derived destructor.
class LoopbackListener {
 public:
  LoopbackListener() {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd_ < 0) throw std::runtime_error("socket failed");
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    if (::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
        ::listen(fd_, 16) != 0) {
      throw std::runtime_error("bind/listen on 127.0.0.1 failed");
    }
    socklen_t len = sizeof addr;
    ::getsockname(fd_, reinterpret_cast<sockaddr*>(&addr), &len);
    port_ = ntohs(addr.sin_port);
  }
  LoopbackListener(const LoopbackListener&) = delete;
  LoopbackListener& operator=(const LoopbackListener&) = delete;
  virtual ~LoopbackListener() { Stop(); }

  int port() const { return port_; }

 protected:
  void Start(std::function<void(Connection&)> handler) {
    thread_ = std::thread([this, handler = std::move(handler)] {
      while (!stop_.load()) {
        pollfd p{fd_, POLLIN, 0};
        if (::poll(&p, 1, 20) <= 0) continue;
        const int client = ::accept(fd_, nullptr, nullptr);
        if (client < 0) continue;
        Connection conn(client, stop_);
        handler(conn);
      }
    });
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

  // Waits up to `ms` or until Stop(): how a scripted slow answer hangs without blocking teardown.
  void Pause(int64_t ms) {
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(ms), [this] { return stop_.load(); });
  }

  std::mutex mu_;  // guards the derived class's recorded state too
  std::condition_variable cv_;
  std::atomic<bool> stop_{false};

 private:
  int fd_ = -1;
  int port_ = 0;
  std::thread thread_;
};

}  // namespace flowd::testing
