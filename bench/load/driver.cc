#include "load/driver.h"

#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <ctime>
#include <memory>
#include <thread>

namespace flowd::bench {
namespace {

constexpr size_t kReadChunk = 32 * 1024;

// One connection and its request in flight.
struct Conn {
  int fd = -1;
  ConnState state;
  ResponseReader reader;
  std::string out;
  size_t sent = 0;
  uint64_t start_ns = 0;
  bool want_write = false;
  uint64_t retry_at_ns = 0;  // while fd < 0: when to try connecting again
};

class Recorder {
 public:
  Recorder(const Workload& w, const Window& win, LoadStats* stats)
      : workload_(w), window_(win), stats_(stats) {}

  // A complete response of `c`'s request.
  void Response(Conn& c) {
    const uint64_t end = NowNs();
    const int status = c.reader.status();
    const bool ok = workload_.OnResponse(c.state, status, c.reader.body());
    if (!InWindow(end)) return;
    stats_->latency_ns.Record(end - c.start_ns);
    if (ok) {
      ++stats_->ok;
    } else {
      ++stats_->non_2xx;
      if (stats_->first_error.empty()) {
        stats_->first_error =
            "HTTP " + std::to_string(status) + ": " + std::string(c.reader.body().substr(0, 400));
      }
    }
  }

  void Broken(const std::string& why) {
    if (!InWindow(NowNs())) return;
    ++stats_->broken;
    if (stats_->first_error.empty()) stats_->first_error = "broken connection: " + why;
  }

 private:
  bool InWindow(uint64_t t) const { return t >= window_.warm_end_ns && t < window_.end_ns; }

  const Workload& workload_;
  const Window& window_;
  LoadStats* stats_;
};

class EpollLoop {
 public:
  EpollLoop(const Endpoint& ep, const Workload& w, const Window& win, LoadStats* stats)
      : ep_(ep), workload_(w), window_(win), recorder_(w, win, stats) {}

  void Run(std::vector<Conn*> conns) {
    epfd_ = ::epoll_create1(EPOLL_CLOEXEC);
    for (Conn* c : conns) Open(*c);
    epoll_event events[64];
    while (NowNs() < window_.end_ns) {
      const int n = ::epoll_wait(epfd_, events, 64, 20);
      for (int i = 0; i < n; ++i) {
        Conn& c = *static_cast<Conn*>(events[i].data.ptr);
        if (c.fd < 0) continue;
        if (events[i].events & EPOLLOUT) Flush(c);
        if (c.fd >= 0 && (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) Read(c);
      }
      const uint64_t now = NowNs();
      for (Conn* c : conns) {
        if (c->fd < 0 && now >= c->retry_at_ns) Open(*c);
      }
    }
    for (Conn* c : conns) CloseFd(*c);
    ::close(epfd_);
  }

 private:
  void Open(Conn& c) {
    c.fd = ConnectTo(ep_, /*nonblocking=*/true);
    if (c.fd < 0) {
      recorder_.Broken(std::string("connect: ") + std::strerror(errno));
      c.retry_at_ns = NowNs() + 100'000'000;
      return;
    }
    c.reader.Reset();
    c.want_write = false;
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &c;
    ::epoll_ctl(epfd_, EPOLL_CTL_ADD, c.fd, &ev);
    Start(c);
  }

  void CloseFd(Conn& c) {
    if (c.fd < 0) return;
    ::epoll_ctl(epfd_, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    c.fd = -1;
  }

  void Fail(Conn& c, const std::string& why) {
    recorder_.Broken(why);
    CloseFd(c);
    Open(c);
  }

  void Start(Conn& c) {
    c.out.clear();
    workload_.NextRequest(c.state, c.out);
    c.sent = 0;
    c.start_ns = NowNs();
    Flush(c);
  }

  void Flush(Conn& c) {
    while (c.sent < c.out.size()) {
      const ssize_t n = ::send(c.fd, c.out.data() + c.sent, c.out.size() - c.sent, MSG_NOSIGNAL);
      if (n >= 0) {
        c.sent += static_cast<size_t>(n);
      } else if (errno == EAGAIN || errno == EWOULDBLOCK) {
        SetWantWrite(c, true);
        return;
      } else if (errno != EINTR) {
        return Fail(c, std::string("send: ") + std::strerror(errno));
      }
    }
    SetWantWrite(c, false);
  }

  void SetWantWrite(Conn& c, bool want) {
    if (c.want_write == want) return;
    c.want_write = want;
    epoll_event ev{};
    ev.events = EPOLLIN | (want ? EPOLLOUT : 0u);
    ev.data.ptr = &c;
    ::epoll_ctl(epfd_, EPOLL_CTL_MOD, c.fd, &ev);
  }

  // Level-triggered: one recv per readiness unless the buffer filled up, so a small response
  // costs a single syscall rather than a second one that returns EAGAIN.
  void Read(Conn& c) {
    for (;;) {
      const ssize_t n = ::recv(c.fd, c.reader.WriteArea(kReadChunk), kReadChunk, 0);
      if (n == 0) return Fail(c, "closed by the server");
      if (n < 0) {
        if (errno == EAGAIN || errno == EWOULDBLOCK) return;
        if (errno == EINTR) continue;
        return Fail(c, std::string("recv: ") + std::strerror(errno));
      }
      c.reader.Commit(static_cast<size_t>(n));
      switch (c.reader.Parse()) {
        case ResponseReader::State::kError:
          return Fail(c, c.reader.error());
        case ResponseReader::State::kIncomplete:
          if (static_cast<size_t>(n) == kReadChunk) continue;
          return;
        case ResponseReader::State::kComplete: {
          recorder_.Response(c);
          const bool close = c.reader.close();
          c.reader.Consume();
          if (close) {
            CloseFd(c);
            Open(c);
          } else {
            Start(c);
          }
          return;
        }
      }
    }
  }

  const Endpoint& ep_;
  const Workload& workload_;
  const Window& window_;
  Recorder recorder_;
  int epfd_ = -1;
};

// One blocking connection in its own thread.
void BlockingLoop(const Endpoint& ep, const Workload& workload, const Window& window, Conn& c,
                  LoadStats* stats) {
  Recorder recorder(workload, window, stats);
  auto open = [&] {
    c.fd = ConnectTo(ep, /*nonblocking=*/false);
    if (c.fd < 0) return false;
    timeval tv{1, 0};  // so that a lost response cannot hold the thread past the end
    ::setsockopt(c.fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    c.reader.Reset();
    return true;
  };
  while (NowNs() < window.end_ns) {
    if (c.fd < 0 && !open()) {
      recorder.Broken(std::string("connect: ") + std::strerror(errno));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      continue;
    }
    c.out.clear();
    workload.NextRequest(c.state, c.out);
    c.start_ns = NowNs();
    std::string err;
    if (!SendAll(c.fd, c.out)) err = std::string("send: ") + std::strerror(errno);
    if (err.empty() && ReadResponse(c.fd, c.reader, &err)) {
      recorder.Response(c);
      const bool close = c.reader.close();
      c.reader.Consume();
      if (!close) continue;
    } else {
      recorder.Broken(err);
    }
    ::close(c.fd);
    c.fd = -1;
  }
  if (c.fd >= 0) ::close(c.fd);
}

}  // namespace

uint64_t NowNs() {
  timespec ts{};
  ::clock_gettime(CLOCK_MONOTONIC, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

void LoadStats::Merge(const LoadStats& other) {
  latency_ns.Merge(other.latency_ns);
  ok += other.ok;
  non_2xx += other.non_2xx;
  broken += other.broken;
  if (first_error.empty()) first_error = other.first_error;
}

LoadStats RunLoad(IoModel model, size_t threads, const Endpoint& ep, const Workload& workload,
                  std::vector<ConnState> states, const Window& window) {
  std::vector<std::unique_ptr<Conn>> conns;
  for (ConnState& s : states) {
    conns.push_back(std::make_unique<Conn>());
    conns.back()->state = std::move(s);
  }
  const size_t workers = model == IoModel::kBlocking
                             ? conns.size()
                             : std::max<size_t>(1, std::min(threads, conns.size()));
  std::vector<LoadStats> per_thread(workers);
  std::vector<std::thread> pool;
  for (size_t t = 0; t < workers; ++t) {
    if (model == IoModel::kBlocking) {
      pool.emplace_back(BlockingLoop, std::cref(ep), std::cref(workload), std::cref(window),
                        std::ref(*conns[t]), &per_thread[t]);
    } else {
      std::vector<Conn*> mine;
      for (size_t i = t; i < conns.size(); i += workers) mine.push_back(conns[i].get());
      pool.emplace_back([&, t, mine = std::move(mine)] {
        EpollLoop(ep, workload, window, &per_thread[t]).Run(mine);
      });
    }
  }
  for (auto& th : pool) th.join();
  LoadStats total;
  for (const LoadStats& s : per_thread) total.Merge(s);
  return total;
}

}  // namespace flowd::bench
