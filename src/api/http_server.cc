// The only translation unit that includes Boost.Beast/Asio (each one costs ~13 s to compile).
//
// Design notes:
// - One io_context, `threads` threads, a strand per connection; the handler runs synchronously on
//   the connection's strand (no thread hop per request).
// - The request is parsed by feeding a beast request_parser from our own read loop rather than
//   beast::http::async_read: that lets us answer `Expect: 100-continue` as soon as the header is
//   complete and reject an oversized Content-Length before the body is sent.
// - Timeouts use our own per-connection steady_timer, not beast::tcp_stream: tcp_stream closes
//   the socket when its timer fires, which makes a 408 response impossible. The timer is lazy:
//   moving a deadline later only stores a time point, so a keep-alive request costs no timer
//   re-arm in the steady state.
// - Responses are serialized by hand into a reused header string plus the body (one writev).
#include "api/http_server.h"

#include <pthread.h>
#include <signal.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/status.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/json/object.hpp>  // log fields
#include <charconv>
#include <condition_variable>
#include <csignal>
#include <future>
#include <list>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "common/crypto.h"
#include "common/log.h"

namespace flowd::api {
namespace {

namespace net = boost::asio;
namespace http = boost::beast::http;
using tcp = net::ip::tcp;
using SteadyClock = std::chrono::steady_clock;
using boost::system::error_code;

constexpr size_t kHeaderReadChunk = 4 * 1024;
constexpr size_t kBodyReadChunk = 64 * 1024;
// After an error response the peer may still be sending the request we refused; reading and
// discarding it for a moment before closing avoids a TCP reset that could destroy our answer.
constexpr std::chrono::milliseconds kMaxLinger{1000};

class Session;

// State shared by the acceptor and every session. The owning Impl declares it before the
// io_context, so it outlives every handler the io_context still holds when it is destroyed.
struct ServerCore {
  HttpServerOptions options;
  Handler handler;
  ErrorRenderer render_error;
  std::atomic<bool> stopping{false};
  std::atomic<size_t> connections{0};
  std::mutex mu;
  std::condition_variable cv;                  // notified when a connection ends
  std::list<std::weak_ptr<Session>> sessions;  // guarded by mu
};

std::string RenderError(const ServerCore& core, int status, std::string_view category,
                        std::string_view message, std::string_view correlation_id) {
  if (core.render_error) {
    try {
      return core.render_error(status, category, message, correlation_id);
    } catch (...) {  // fall through to the built-in body
    }
  }
  return HubSpotErrorBody(category, message, correlation_id);
}

bool IsServerOwnedHeader(std::string_view name) {
  using boost::beast::iequals;
  return iequals(name, "content-length") || iequals(name, "transfer-encoding") ||
         iequals(name, "connection") || iequals(name, "x-hubspot-correlation-id") ||
         iequals(name, "server");
}

bool HasLineBreak(std::string_view s) { return s.find_first_of("\r\n") != std::string_view::npos; }

std::string_view PathOf(std::string_view target) { return target.substr(0, target.find('?')); }

// One connection. Every member function runs on the connection's strand.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(ServerCore& core, tcp::socket socket)
      : core_(core), socket_(std::move(socket)), timer_(socket_.get_executor()) {}

  ~Session() {
    {
      std::lock_guard<std::mutex> lock(core_.mu);
      if (registered_) core_.sessions.erase(registry_pos_);
      core_.connections.fetch_sub(1);
    }
    core_.cv.notify_all();
  }

  // Called once by the acceptor, off the strand.
  void Start() {
    error_code ec;
    auto endpoint = socket_.remote_endpoint(ec);
    if (!ec) remote_ = endpoint.address().to_string();
    socket_.set_option(tcp::no_delay(true), ec);
    {
      std::lock_guard<std::mutex> lock(core_.mu);
      registry_pos_ = core_.sessions.insert(core_.sessions.end(), weak_from_this());
      registered_ = true;
    }
    net::dispatch(socket_.get_executor(), [self = shared_from_this()] { self->StartRequest(); });
  }

  // Server shutdown: close at once when idle, otherwise after the response in progress.
  void BeginShutdown() {
    net::dispatch(socket_.get_executor(), [self = shared_from_this()] {
      if (self->phase_ == Phase::kIdle) self->Close();
    });
  }

  // Only once no server thread runs any more.
  void ForceClose() { Close(); }

 private:
  enum class Phase { kIdle, kReading, kHandling, kWriting, kClosing };

  void StartRequest() {
    if (closed_) return;
    if (core_.stopping.load(std::memory_order_relaxed)) return Close();
    parser_.emplace();
    parser_->header_limit(
        static_cast<std::uint32_t>(std::min<size_t>(core_.options.max_header_bytes, UINT32_MAX)));
    parser_->body_limit(core_.options.max_body_bytes);
    continue_sent_ = false;
    timed_out_ = false;
    if (buffer_.size() > 0) {  // a pipelined request is already here
      BeginReading();
      return Parse();
    }
    phase_ = Phase::kIdle;
    SetDeadline(SteadyClock::now() + core_.options.idle_timeout);
    ReadMore();
  }

  void BeginReading() {
    phase_ = Phase::kReading;
    started_ = SteadyClock::now();
    SetDeadline(started_ + core_.options.read_timeout);
  }

  void ReadMore() {
    size_t chunk = parser_->is_header_done() ? kBodyReadChunk : kHeaderReadChunk;
    socket_.async_read_some(
        buffer_.prepare(chunk),
        [self = shared_from_this()](error_code ec, size_t n) { self->OnRead(ec, n); });
  }

  void OnRead(error_code ec, size_t n) {
    if (closed_) return;
    buffer_.commit(n);
    // timed_out_ with success: the read completed just as the timer fired and cancelled nothing;
    // the deadline has passed all the same, and no timer guards a further read.
    if (ec || timed_out_) {
      if (timed_out_ && phase_ == Phase::kReading) {
        return SendError(408, "TIMEOUT", "The request was not received within the read timeout");
      }
      return Close();  // peer closed or reset; nothing to answer
    }
    if (phase_ == Phase::kIdle) BeginReading();
    Parse();
  }

  void Parse() {
    error_code ec;
    while (buffer_.size() > 0 && !parser_->is_done()) {
      size_t used = parser_->put(buffer_.data(), ec);
      buffer_.consume(used);
      if (ec == http::error::need_more) {
        ec = {};
        break;
      }
      if (ec || used == 0) break;
    }
    if (ec) return OnParseError(ec);
    if (parser_->is_done()) return HandleRequest();
    if (parser_->is_header_done() && !continue_sent_) {
      continue_sent_ = true;
      const auto& msg = parser_->get();
      if (msg.version() >= 11 && boost::beast::iequals(msg[http::field::expect], "100-continue")) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        net::async_write(socket_, net::buffer(kContinue.data(), kContinue.size()),
                         [self = shared_from_this()](error_code ec, size_t) {
                           self->OnRead(ec, 0);  // parses nothing new, then reads the body
                         });
        return;
      }
    }
    ReadMore();
  }

  void OnParseError(error_code ec) {
    if (ec == http::error::body_limit) {
      return SendError(413, "PAYLOAD_TOO_LARGE",
                       "The request body exceeds the limit of " +
                           std::to_string(core_.options.max_body_bytes) + " bytes");
    }
    if (ec == http::error::header_limit) {
      return SendError(431, "HEADERS_TOO_LARGE",
                       "The request header exceeds the limit of " +
                           std::to_string(core_.options.max_header_bytes) + " bytes");
    }
    SendError(400, "VALIDATION_ERROR", "Malformed HTTP request: " + ec.message());
  }

  // An error the server detects before the request is complete: answer, then close.
  void SendError(int status, std::string_view category, std::string_view message) {
    correlation_id_ = NewUuid();
    if (parser_ && parser_->is_header_done()) {
      const auto& msg = parser_->get();
      log_method_ = msg.method_string();
      log_path_ = PathOf(msg.target());
    } else {
      log_method_.clear();
      log_path_.clear();
    }
    keep_alive_ = false;
    linger_ = true;
    body_ = RenderError(core_, status, category, message, correlation_id_);
    SerializeHeader(status, "application/json;charset=utf-8", {}, false);
    Write();
  }

  void HandleRequest() {
    phase_ = Phase::kHandling;
    auto& msg = parser_->get();
    HttpRequest req;
    req.method = msg.method_string();
    req.target = msg.target();
    req.correlation_id = NewUuid();
    correlation_id_ = req.correlation_id;
    keep_alive_ = msg.keep_alive();
    version_ = msg.version();
    linger_ = false;
    log_method_ = req.method;

    HttpResponse res;
    if (!ParseRequestTarget(req.target, &req.path, &req.query)) {
      log_path_ = PathOf(req.target);
      res = HttpResponse::Json(400, RenderError(core_, 400, "VALIDATION_ERROR",
                                                "Malformed request target", correlation_id_));
    } else {
      log_path_ = req.path;
      req.headers.reserve(std::distance(msg.begin(), msg.end()));
      for (const auto& field : msg) {
        std::string name(field.name_string());
        for (char& c : name) {
          if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
        }
        req.headers.emplace_back(std::move(name), std::string(field.value()));
      }
      req.body = std::move(msg.body());
      req.remote_address = remote_;
      res = Invoke(req);
    }
    // Checked after the handler: a shutdown that began meanwhile still gets `Connection: close`.
    if (core_.stopping.load(std::memory_order_relaxed)) keep_alive_ = false;
    body_ = std::move(res.body);
    SerializeHeader(res.status, res.content_type, res.headers, req.method == "HEAD");
    Write();
  }

  HttpResponse Invoke(const HttpRequest& req) {
    std::string what;
    try {
      return core_.handler(req);
    } catch (const std::exception& e) {
      what = e.what();
    } catch (...) {
      what = "unknown exception";
    }
    log::Write(log::Level::kError, "handler threw",
               {{"correlation_id", correlation_id_},
                {"method", req.method},
                {"path", req.path},
                {"error", what}});
    return HttpResponse::Json(500, RenderError(core_, 500, "INTERNAL_ERROR",
                                               "An internal error occurred", correlation_id_));
  }

  void SerializeHeader(int status, std::string_view content_type,
                       const std::vector<std::pair<std::string, std::string>>& headers,
                       bool head_request) {
    if (status < 200 || status > 599) {  // a handler bug; 1xx would also break the framing
      log::Write(log::Level::kError, "handler returned an invalid status",
                 {{"status", status}, {"correlation_id", correlation_id_}});
      status = 500;
      content_type = "application/json;charset=utf-8";
      body_ =
          RenderError(core_, 500, "INTERNAL_ERROR", "An internal error occurred", correlation_id_);
    }
    status_ = status;
    const bool bodiless = status == 204 || status == 304;
    if (bodiless || head_request)
      body_on_wire_ = false;
    else
      body_on_wire_ = true;
    if (bodiless) body_.clear();

    char num[24];
    out_.clear();
    out_ += "HTTP/1.1 ";
    out_.append(num, std::to_chars(num, num + sizeof num, status).ptr);
    out_ += ' ';
    std::string_view reason = http::obsolete_reason(http::int_to_status(status));
    if (reason.empty() || reason.front() == '<') reason = "Unknown";
    out_ += reason;
    out_ += "\r\nServer: flowd\r\nx-hubspot-correlation-id: ";
    out_ += correlation_id_;
    if (!bodiless) {
      if (!content_type.empty() && !HasLineBreak(content_type)) {
        out_ += "\r\nContent-Type: ";
        out_ += content_type;
      }
      out_ += "\r\nContent-Length: ";
      out_.append(num, std::to_chars(num, num + sizeof num, body_.size()).ptr);
    }
    for (const auto& [name, value] : headers) {
      if (name.empty() || HasLineBreak(name) || HasLineBreak(value) || IsServerOwnedHeader(name)) {
        continue;  // a handler cannot split the response or contradict the framing
      }
      out_ += "\r\n";
      out_ += name;
      out_ += ": ";
      out_ += value;
    }
    if (!keep_alive_)
      out_ += "\r\nConnection: close";
    else if (version_ < 11)
      out_ += "\r\nConnection: keep-alive";
    out_ += "\r\n\r\n";
  }

  void Write() {
    phase_ = Phase::kWriting;
    SetDeadline(SteadyClock::now() + core_.options.read_timeout);
    std::array<net::const_buffer, 2> buffers{
        net::buffer(out_), body_on_wire_ ? net::buffer(body_) : net::const_buffer()};
    net::async_write(socket_, buffers,
                     [self = shared_from_this()](error_code ec, size_t) { self->OnWrite(ec); });
  }

  void OnWrite(error_code ec) {
    if (closed_) return;
    if (core_.options.access_log) LogAccess();
    if (ec) return Close();
    if (keep_alive_) return StartRequest();
    if (linger_) return Linger();
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    Close();
  }

  void LogAccess() {
    auto micros =
        std::chrono::duration_cast<std::chrono::microseconds>(SteadyClock::now() - started_);
    log::Write(log::Level::kInfo, "request",
               {{"method", log_method_},
                {"path", log_path_},
                {"status", status_},
                {"duration_ms", static_cast<double>(micros.count()) / 1000.0},
                {"correlation_id", correlation_id_},
                {"remote", remote_}});
  }

  void Linger() {
    phase_ = Phase::kClosing;
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_send, ignored);
    SetDeadline(SteadyClock::now() +
                std::min<std::chrono::milliseconds>(kMaxLinger, core_.options.read_timeout));
    DiscardInput();
  }

  void DiscardInput() {
    buffer_.clear();
    socket_.async_read_some(buffer_.prepare(kBodyReadChunk),
                            [self = shared_from_this()](error_code ec, size_t) {
                              if (self->closed_) return;
                              if (ec) return self->Close();
                              self->DiscardInput();
                            });
  }

  // Lazy deadline: a later deadline is only recorded; the timer re-arms itself when it fires
  // early. Only an earlier deadline re-arms the timer at once.
  void SetDeadline(SteadyClock::time_point deadline) {
    deadline_ = deadline;
    if (!timer_pending_ || deadline < timer_expiry_) ArmTimer(deadline);
  }

  void ArmTimer(SteadyClock::time_point at) {
    timer_expiry_ = at;
    timer_pending_ = true;
    uint64_t generation = ++timer_generation_;
    timer_.expires_at(at);
    timer_.async_wait(
        [self = shared_from_this(), generation](error_code ec) { self->OnTimer(ec, generation); });
  }

  void OnTimer(error_code ec, uint64_t generation) {
    if (generation != timer_generation_ || closed_) return;  // superseded or closing
    timer_pending_ = false;
    if (ec) return;
    if (SteadyClock::now() < deadline_) return ArmTimer(deadline_);
    switch (phase_) {
      case Phase::kReading: {
        // Let the pending read fail so that it answers 408 on the strand.
        timed_out_ = true;
        error_code ignored;
        socket_.cancel(ignored);
        break;
      }
      case Phase::kIdle:
      case Phase::kHandling:
      case Phase::kWriting:
      case Phase::kClosing:
        Close();
        break;
    }
  }

  void Close() {
    if (closed_) return;
    closed_ = true;
    phase_ = Phase::kClosing;
    error_code ignored;
    socket_.shutdown(tcp::socket::shutdown_both, ignored);
    socket_.close(ignored);
    ++timer_generation_;
    timer_.cancel();
  }

  ServerCore& core_;
  tcp::socket socket_;
  net::steady_timer timer_;
  boost::beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::list<std::weak_ptr<Session>>::iterator registry_pos_;
  bool registered_ = false;
  std::string remote_;

  Phase phase_ = Phase::kIdle;
  bool closed_ = false;
  bool timed_out_ = false;
  bool continue_sent_ = false;
  bool keep_alive_ = true;
  bool linger_ = false;
  bool body_on_wire_ = true;
  unsigned version_ = 11;

  SteadyClock::time_point deadline_{};
  SteadyClock::time_point timer_expiry_{};
  bool timer_pending_ = false;
  uint64_t timer_generation_ = 0;

  // The request in progress and its response.
  SteadyClock::time_point started_{};
  std::string correlation_id_;
  std::string log_method_;
  std::string log_path_;
  int status_ = 0;
  std::string out_;   // status line and headers, reused across requests
  std::string body_;  // response body
};

}  // namespace

class HttpServer::Impl {
 public:
  Impl(HttpServerOptions options, Handler handler, ErrorRenderer render_error)
      : ioc_(std::max(1, options.threads)),
        accept_strand_(net::make_strand(ioc_)),
        acceptor_(accept_strand_),
        accept_retry_(accept_strand_) {
    core_.options = std::move(options);
    core_.handler = std::move(handler);
    core_.render_error = std::move(render_error);
  }

  ~Impl() { Stop(std::chrono::milliseconds(0)); }

  Status Start() {
    if (started_) return Error{ErrorCode::kInternal, "HttpServer already started", {}, {}, {}};
    const auto& opt = core_.options;
    error_code ec;
    tcp::endpoint endpoint;
    auto address = net::ip::make_address(opt.host, ec);
    if (!ec) {
      endpoint = tcp::endpoint(address, opt.port);
    } else {  // a host name such as "localhost": take its first address
      tcp::resolver resolver(ioc_);
      auto results = resolver.resolve(opt.host, std::to_string(opt.port),
                                      tcp::resolver::passive | tcp::resolver::numeric_service, ec);
      if (ec || results.empty()) {
        return Unavailable("cannot resolve listen address '" + opt.host + "'", ec);
      }
      endpoint = results.begin()->endpoint();
    }
    acceptor_.open(endpoint.protocol(), ec);
    if (!ec) acceptor_.set_option(net::socket_base::reuse_address(true), ec);
    if (!ec) acceptor_.bind(endpoint, ec);
    if (!ec) acceptor_.listen(net::socket_base::max_listen_connections, ec);
    if (ec) {
      error_code ignored;
      acceptor_.close(ignored);
      return Unavailable("cannot listen on " + opt.host + ":" + std::to_string(opt.port), ec);
    }
    port_ = acceptor_.local_endpoint().port();
    started_ = true;
    work_.emplace(net::make_work_guard(ioc_));
    net::post(accept_strand_, [this] { DoAccept(); });
    for (int i = 0; i < std::max(1, opt.threads); ++i) {
      threads_.emplace_back([this] { RunLoop(); });
    }
    return Status::Ok();
  }

  uint16_t port() const { return port_; }

  void Stop(std::chrono::milliseconds drain) {
    if (!started_ || stopped_) return;
    stopped_ = true;
    const auto deadline = SteadyClock::now() + drain;
    core_.stopping.store(true);

    // Stop accepting. Wait for the close so that a connect after Stop() is refused.
    std::promise<void> closed;
    net::post(accept_strand_, [this, &closed] {
      error_code ignored;
      acceptor_.close(ignored);
      accept_retry_.cancel();
      closed.set_value();
    });
    auto closed_future = closed.get_future();
    closed_future.wait_until(deadline);

    // Idle connections close now; busy ones close after their response.
    std::vector<std::shared_ptr<Session>> sessions = LiveSessions();
    for (auto& session : sessions) session->BeginShutdown();
    sessions.clear();
    {
      std::unique_lock<std::mutex> lock(core_.mu);
      core_.cv.wait_until(lock, deadline, [this] { return core_.connections.load() == 0; });
    }

    work_.reset();
    ioc_.stop();
    for (auto& t : threads_) t.join();
    threads_.clear();
    // The acceptor close may not have run if every thread was busy; no thread runs now.
    if (closed_future.wait_for(std::chrono::seconds(0)) != std::future_status::ready) {
      error_code ignored;
      acceptor_.close(ignored);
    }
    // Connections still open past the drain deadline are cut.
    sessions = LiveSessions();
    for (auto& session : sessions) session->ForceClose();
  }

 private:
  static Status Unavailable(const std::string& what, const error_code& ec) {
    return Error{ErrorCode::kUnavailable, what + ": " + ec.message(), {}, {}, {}};
  }

  std::vector<std::shared_ptr<Session>> LiveSessions() {
    std::vector<std::shared_ptr<Session>> out;
    std::lock_guard<std::mutex> lock(core_.mu);
    for (auto& weak : core_.sessions) {
      if (auto s = weak.lock()) out.push_back(std::move(s));
    }
    return out;  // released outside the lock: a Session destructor takes it
  }

  void RunLoop() {
    for (;;) {
      try {
        ioc_.run();
        return;
      } catch (const std::exception& e) {
        log::Write(log::Level::kError, "http server thread caught exception",
                   {{"error", e.what()}});
      } catch (...) {
        log::Error("http server thread caught unknown exception");
      }
    }
  }

  void DoAccept() {
    acceptor_.async_accept(net::make_strand(ioc_), [this](error_code ec, tcp::socket socket) {
      OnAccept(ec, std::move(socket));
    });
  }

  void OnAccept(error_code ec, tcp::socket socket) {
    if (!acceptor_.is_open() || core_.stopping.load()) return;
    if (ec) {
      // Typically EMFILE: back off briefly instead of spinning.
      log::Write(log::Level::kWarn, "accept failed", {{"error", ec.message()}});
      accept_retry_.expires_after(std::chrono::milliseconds(50));
      accept_retry_.async_wait([this](error_code wait_ec) {
        if (!wait_ec) DoAccept();
      });
      return;
    }
    if (core_.connections.load() >= core_.options.max_connections) {
      error_code ignored;
      socket.close(ignored);
    } else {
      core_.connections.fetch_add(1);
      std::make_shared<Session>(core_, std::move(socket))->Start();
    }
    DoAccept();
  }

  ServerCore core_;  // before ioc_: outlives the handlers ioc_ destroys
  net::io_context ioc_;
  net::strand<net::io_context::executor_type> accept_strand_;
  tcp::acceptor acceptor_;
  net::steady_timer accept_retry_;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> work_;
  std::vector<std::thread> threads_;
  uint16_t port_ = 0;
  bool started_ = false;
  bool stopped_ = false;
};

HttpServer::HttpServer(HttpServerOptions options, Handler handler, ErrorRenderer render_error)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(handler),
                                   std::move(render_error))) {}

HttpServer::~HttpServer() = default;

Status HttpServer::Start() { return impl_->Start(); }

uint16_t HttpServer::port() const { return impl_->port(); }

void HttpServer::Stop(std::chrono::milliseconds drain) { impl_->Stop(drain); }

namespace {
sigset_t ShutdownSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}
}  // namespace

void HttpServer::BlockShutdownSignals() {
  sigset_t set = ShutdownSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int HttpServer::WaitForShutdownSignal() {
  // The signals are blocked in every thread (BlockShutdownSignals before any thread started),
  // so they stay pending until this sigwait takes one; none is lost, none kills the process.
  sigset_t set = ShutdownSignals();
  int received = 0;
  while (sigwait(&set, &received) != 0) {
  }
  return received;
}

}  // namespace flowd::api
