// A thin RAII layer over one libpq connection: parameterised statements prepared once per
// connection and cached, results as an owning handle, and PostgreSQL errors turned into flowd
// Errors.
//
// Thread safety: none. A Connection is used by one thread at a time (the Pool hands it out). This
// header and the other src/store/postgres files are the only ones that include libpq-fe.h.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/status.h"

namespace flowd::store::postgres {

// Statement parameters in the text protocol; nullopt is SQL NULL.
class Params {
 public:
  Params& Add(int64_t value) {
    values_.emplace_back(std::to_string(value));
    return *this;
  }
  Params& Add(std::string_view value) {
    values_.emplace_back(std::string(value));
    return *this;
  }
  Params& Add(const char* value) { return Add(std::string_view(value)); }
  Params& Add(bool value) {
    values_.emplace_back(value ? "t" : "f");
    return *this;
  }
  Params& AddOpt(const std::optional<std::string>& value) {
    values_.push_back(value);
    return *this;
  }
  Params& AddOpt(const std::optional<int64_t>& value) {
    if (value) return Add(*value);
    values_.emplace_back(std::nullopt);
    return *this;
  }
  const std::vector<std::optional<std::string>>& values() const { return values_; }

 private:
  std::vector<std::optional<std::string>> values_;
};

// The result of one statement. Rows and columns are 0-based.
class Rows {
 public:
  explicit Rows(PGresult* res) : res_(res) {}
  int size() const { return PQntuples(res_.get()); }
  bool empty() const { return size() == 0; }
  // Rows affected by INSERT/UPDATE/DELETE.
  int64_t affected() const;
  bool IsNull(int row, int col) const { return PQgetisnull(res_.get(), row, col) != 0; }
  int64_t Int(int row, int col) const;
  bool Bool(int row, int col) const;
  std::string Text(int row, int col) const;
  std::optional<std::string> OptText(int row, int col) const;
  std::optional<int64_t> OptInt(int row, int col) const;
  const PGresult* get() const { return res_.get(); }

 private:
  struct Clear {
    void operator()(PGresult* r) const { PQclear(r); }
  };
  std::unique_ptr<PGresult, Clear> res_;
};

class Connection {
 public:
  // Connects with `conninfo` (a postgres:// URI or key=value string) and, when `schema` is not
  // empty, sets the search_path to it. kUnavailable when the server cannot be reached.
  static Result<std::unique_ptr<Connection>> Open(const std::string& conninfo,
                                                  const std::string& schema);
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;
  ~Connection();

  // Runs `sql` with `params` ($1, $2, …). The statement is prepared on first use on this
  // connection and reused afterwards.
  Result<Rows> Query(const std::string& sql, const Params& params = {});
  // Runs one or more statements without parameters or caching (DDL, BEGIN/COMMIT).
  Status Exec(const std::string& sql);

  // False once the server connection is lost; the pool then discards the connection.
  bool healthy() const;
  // True inside a transaction block (including a failed one).
  bool in_transaction() const;
  // SQLSTATE of the last failed statement ("" if the last one succeeded).
  const std::string& last_sqlstate() const { return last_sqlstate_; }

  // Asynchronous notifications (a LISTENing connection): the socket to wait on, then
  // ConsumeInput (kUnavailable when the link broke) and the payloads received since, in order.
  int Socket() const { return PQsocket(conn_); }
  Status ConsumeInput();
  std::vector<std::string> TakeNotifications();

  // What the open transaction changed that the engine waits for (store::kEventsAppended, …):
  // marked by the writers, taken by the Database around BEGIN and COMMIT.
  void MarkChanged(uint32_t kinds) { changes_ |= kinds; }
  uint32_t TakeChanges() { return std::exchange(changes_, 0); }

 private:
  explicit Connection(PGconn* conn) : conn_(conn) {}
  Error ErrorFrom(const PGresult* res, std::string_view what);

  PGconn* conn_;
  std::unordered_map<std::string, std::string> prepared_;  // sql → statement name
  std::string last_sqlstate_;
  uint32_t changes_ = 0;
};

// True for SQLSTATEs worth retrying the whole transaction for: serialization failures and
// deadlocks.
bool IsRetryable(std::string_view sqlstate);

}  // namespace flowd::store::postgres
