#include "store/postgres/connection.h"

#include <charconv>
#include <cstdio>
#include <cstring>

namespace flowd::store::postgres {

namespace {

// libpq messages end with a newline and may span lines; one line reads better in logs.
std::string OneLine(const char* message) {
  std::string s = message == nullptr ? "" : message;
  for (char& c : s) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

Error Unavailable(std::string message) {
  return Error{ErrorCode::kUnavailable, std::move(message), {}, {}, std::nullopt};
}

// Enough of a statement to say which one failed. Statements carry no values (they are all
// parameterised), so this cannot leak a secret.
std::string Abbreviate(std::string_view sql) {
  constexpr size_t kMax = 60;
  std::string s(sql.substr(0, kMax));
  for (char& c : s) {
    if (c == '\n') c = ' ';
  }
  if (sql.size() > kMax) s += "…";
  return s;
}

}  // namespace

bool IsRetryable(std::string_view sqlstate) { return sqlstate == "40001" || sqlstate == "40P01"; }

int64_t Rows::affected() const {
  const char* n = PQcmdTuples(res_.get());
  int64_t v = 0;
  if (n != nullptr) std::from_chars(n, n + std::strlen(n), v);
  return v;
}

int64_t Rows::Int(int row, int col) const {
  const char* s = PQgetvalue(res_.get(), row, col);
  int64_t v = 0;
  std::from_chars(s, s + PQgetlength(res_.get(), row, col), v);
  return v;
}

bool Rows::Bool(int row, int col) const {
  const char* s = PQgetvalue(res_.get(), row, col);
  return s[0] == 't';
}

std::string Rows::Text(int row, int col) const {
  return std::string(PQgetvalue(res_.get(), row, col),
                     static_cast<size_t>(PQgetlength(res_.get(), row, col)));
}

std::optional<std::string> Rows::OptText(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Text(row, col);
}

std::optional<int64_t> Rows::OptInt(int row, int col) const {
  if (IsNull(row, col)) return std::nullopt;
  return Int(row, col);
}

Result<std::unique_ptr<Connection>> Connection::Open(const std::string& conninfo,
                                                     const std::string& schema) {
  // `dbname` with expand_dbname holds the whole URL; the keywords before it are defaults the URL
  // may override, the ones after it are always applied.
  const char* keywords[] = {"connect_timeout", "fallback_application_name", "dbname",
                            "client_encoding", nullptr};
  const char* values[] = {"10", "flowd", conninfo.c_str(), "UTF8", nullptr};
  PGconn* raw = PQconnectdbParams(keywords, values, /*expand_dbname=*/1);
  if (raw == nullptr) return Unavailable("cannot connect to PostgreSQL: out of memory");
  std::unique_ptr<Connection> conn(new Connection(raw));
  if (PQstatus(raw) != CONNECTION_OK) {
    // libpq's messages name the host and port but never the password.
    const char* host = PQhost(raw);
    const char* port = PQport(raw);
    std::string where = (host != nullptr && *host != '\0') ? host : "localhost";
    if (port != nullptr && *port != '\0') where += ":" + std::string(port);
    return Unavailable("cannot connect to PostgreSQL at " + where + ": " +
                       OneLine(PQerrorMessage(raw)));
  }
  // NOTICEs ("schema … already exists, skipping") are noise; warnings still reach stderr.
  PQsetNoticeProcessor(
      raw,
      [](void*, const char* message) {
        if (std::strncmp(message, "NOTICE:", 7) != 0) std::fputs(message, stderr);
      },
      nullptr);
  if (!schema.empty()) {
    char* quoted = PQescapeIdentifier(raw, schema.c_str(), schema.size());
    if (quoted == nullptr) return Error::Internal("cannot quote schema name");
    std::string set = "SET search_path TO " + std::string(quoted);
    PQfreemem(quoted);
    FLOWD_TRY(conn->Exec(set));
  }
  return conn;
}

Connection::~Connection() {
  if (conn_ != nullptr) PQfinish(conn_);
}

bool Connection::healthy() const { return PQstatus(conn_) == CONNECTION_OK; }

Status Connection::ConsumeInput() {
  if (PQconsumeInput(conn_) == 1) return Status::Ok();
  return Error::Unavailable(std::string("PostgreSQL notification link lost: ") +
                            PQerrorMessage(conn_));
}

std::vector<std::string> Connection::TakeNotifications() {
  std::vector<std::string> out;
  while (PGnotify* n = PQnotifies(conn_)) {
    out.emplace_back(n->extra != nullptr ? n->extra : "");
    PQfreemem(n);
  }
  return out;
}

bool Connection::in_transaction() const {
  PGTransactionStatusType s = PQtransactionStatus(conn_);
  return s != PQTRANS_IDLE;
}

Error Connection::ErrorFrom(const PGresult* res, std::string_view what) {
  const char* state = res != nullptr ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : nullptr;
  last_sqlstate_ = state != nullptr ? state : "";
  // Only the primary message: the DETAIL line may quote key values (token hashes, names).
  const char* primary = res != nullptr ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
  std::string message = primary != nullptr ? OneLine(primary) : OneLine(PQerrorMessage(conn_));
  if (!healthy() || last_sqlstate_.starts_with("08") || last_sqlstate_.starts_with("57P")) {
    if (last_sqlstate_.empty()) last_sqlstate_ = "08000";
    return Unavailable("PostgreSQL connection lost: " + message);
  }
  if (last_sqlstate_ == "23505") return Error::Conflict(message);
  if (IsRetryable(last_sqlstate_) || last_sqlstate_ == "53300") {
    return Unavailable("PostgreSQL is busy (" + last_sqlstate_ + "): " + message);
  }
  return Error::Internal("PostgreSQL error in " + std::string(what) + ": " + message +
                         " (SQLSTATE " + last_sqlstate_ + ")");
}

Result<Rows> Connection::Query(const std::string& sql, const Params& params) {
  auto it = prepared_.find(sql);
  if (it == prepared_.end()) {
    std::string name = "flowd_" + std::to_string(prepared_.size() + 1);
    Rows prepared(PQprepare(conn_, name.c_str(), sql.c_str(), 0, nullptr));
    if (PQresultStatus(prepared.get()) != PGRES_COMMAND_OK) {
      return ErrorFrom(prepared.get(), Abbreviate(sql));
    }
    it = prepared_.emplace(sql, std::move(name)).first;
  }
  const auto& values = params.values();
  std::vector<const char*> ptrs;
  ptrs.reserve(values.size());
  for (const auto& v : values) ptrs.push_back(v ? v->c_str() : nullptr);
  Rows rows(PQexecPrepared(conn_, it->second.c_str(), static_cast<int>(ptrs.size()), ptrs.data(),
                           nullptr, nullptr, 0));
  ExecStatusType st = PQresultStatus(rows.get());
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK)
    return ErrorFrom(rows.get(), Abbreviate(sql));
  last_sqlstate_.clear();
  return rows;
}

Status Connection::Exec(const std::string& sql) {
  Rows res(PQexec(conn_, sql.c_str()));
  ExecStatusType st = PQresultStatus(res.get());
  if (st != PGRES_TUPLES_OK && st != PGRES_COMMAND_OK) return ErrorFrom(res.get(), Abbreviate(sql));
  last_sqlstate_.clear();
  return Status::Ok();
}

}  // namespace flowd::store::postgres
