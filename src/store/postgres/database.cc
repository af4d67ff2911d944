#include "store/postgres/database.h"

namespace flowd::store::postgres {

namespace {

// How long a caller waits for a free connection when all of them are in use.
constexpr auto kCheckOutTimeout = std::chrono::seconds(30);

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

}  // namespace flowd::store::postgres
