#include "store/postgres/database.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <random>

namespace flowd::store::postgres {

namespace {

// How long a caller waits for a free connection when all of them are in use.
constexpr auto kCheckOutTimeout = std::chrono::seconds(30);
// How long the listener waits before connecting again after losing its connection.
constexpr int kRelistenMs = 1000;

}  // namespace

Lease::~Lease() {
  if (conn_ == nullptr) return;
  // A transaction left open by an error (or a failed one) is rolled back before anyone else gets
  // the connection; a connection that cannot even do that is dropped.
  if (conn_->healthy() && conn_->in_transaction()) {
    if (!conn_->Exec("ROLLBACK").ok() || conn_->in_transaction()) conn_.reset();
  }
  if (conn_ != nullptr && !conn_->healthy()) conn_.reset();
  db_->CheckIn(std::move(conn_));
}

Result<std::unique_ptr<Database>> Database::Open(std::string conninfo, std::string schema,
                                                 size_t max_connections) {
  std::unique_ptr<Database> db(
      new Database(std::move(conninfo), std::move(schema), max_connections));
  FLOWD_ASSIGN_OR_RETURN(std::unique_ptr<Connection> first,
                         Connection::Open(db->conninfo_, db->schema_));
  db->open_ = 1;
  db->idle_.push_back(std::move(first));
  return db;
}

Result<Lease> Database::CheckOut() {
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (!idle_.empty()) {
      std::unique_ptr<Connection> conn = std::move(idle_.back());
      idle_.pop_back();
      return Lease(this, std::move(conn), /*reused=*/true);
    }
    if (open_ < max_connections_) break;
    if (!available_.wait_for(lock, kCheckOutTimeout,
                             [&] { return !idle_.empty() || open_ < max_connections_; })) {
      return Error{ErrorCode::kUnavailable,
                   "all " + std::to_string(max_connections_) +
                       " PostgreSQL connections are busy; gave up waiting for one",
                   {},
                   {},
                   std::nullopt};
    }
  }
  ++open_;  // reserve the slot, then connect without holding the lock
  lock.unlock();
  auto conn = Connection::Open(conninfo_, schema_);
  if (!conn.ok()) {
    CheckIn(nullptr);
    return std::move(conn).error();
  }
  return Lease(this, std::move(conn).value(), /*reused=*/false);
}

// `conn` null: the connection was dropped, freeing its slot.
void Database::CheckIn(std::unique_ptr<Connection> conn) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (conn != nullptr) {
      idle_.push_back(std::move(conn));
    } else {
      --open_;
    }
  }
  available_.notify_one();
}

Database::~Database() { SetChangeListener(nullptr); }

std::string Database::OriginId() {
  std::random_device random;
  return std::to_string(getpid()) + "." + std::to_string(random());
}

Status Database::Announce(Connection& conn, uint32_t changes) {
  if (changes == 0) return Status::Ok();
  FLOWD_ASSIGN_OR_RETURN(
      Rows ignored,
      conn.Query("SELECT pg_notify($1, $2)",
                 Params().Add(channel_).Add(std::to_string(changes) + " " + origin_)));
  return Status::Ok();
}

void Database::SetChangeListener(ChangeListener* listener) {
  std::lock_guard<std::mutex> lock(listen_mu_);
  signal_.Set(listener);
  if (listener != nullptr && !listener_.joinable()) {
    if (pipe2(stop_pipe_, O_CLOEXEC) != 0) return;  // in-process wake-ups only
    listener_ = std::thread([this] { RunListener(); });
  } else if (listener == nullptr && listener_.joinable()) {
    (void)!write(stop_pipe_[1], "x", 1);
    listener_.join();
    close(stop_pipe_[0]);
    close(stop_pipe_[1]);
    stop_pipe_[0] = stop_pipe_[1] = -1;
  }
}

void Database::RunListener() {
  std::unique_ptr<Connection> conn;
  bool lost = false;
  while (true) {
    if (conn == nullptr) {
      auto opened = Connection::Open(conninfo_, schema_);
      if (opened.ok() && (*opened)->Exec("LISTEN \"" + channel_ + "\"").ok()) {
        conn = std::move(opened).value();
        // Whatever was committed while the link was down may be waiting: look.
        if (lost) signal_.Notify(kEventsAppended | kJobsQueued);
      } else {
        lost = true;
      }
    }
    pollfd fds[2] = {{stop_pipe_[0], POLLIN, 0}, {conn ? conn->Socket() : -1, POLLIN, 0}};
    int ready = poll(fds, conn ? 2 : 1, conn ? -1 : kRelistenMs);
    if (ready < 0 && errno != EINTR) {
      lost = conn != nullptr;
      conn.reset();
      continue;
    }
    if (fds[0].revents != 0) return;
    if (conn == nullptr || fds[1].revents == 0) continue;
    if (!conn->ConsumeInput().ok() || !conn->healthy()) {
      lost = true;
      conn.reset();
      continue;
    }
    uint32_t kinds = 0;
    for (const std::string& payload : conn->TakeNotifications()) {
      size_t space = payload.find(' ');
      if (space != std::string::npos &&
          payload.compare(space + 1, std::string::npos, origin_) == 0) {
        continue;
      }
      kinds |= static_cast<uint32_t>(std::strtoul(payload.c_str(), nullptr, 10));
    }
    signal_.Notify(kinds);
  }
}

}  // namespace flowd::store::postgres
