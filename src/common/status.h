// Error values and Result<T>: the one way errors cross module boundaries.
//
// Errors that users cause (bad input, unknown ids, missing scopes) are values, never exceptions.
// The closed set of codes below is mapped to HTTP status codes and HubSpot error bodies in
// exactly one place (api/errors.cc).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace flowd {

enum class ErrorCode {
  kInvalidArgument,   // 400 VALIDATION_ERROR
  kUnauthenticated,   // 401 INVALID_AUTHENTICATION
  kPermissionDenied,  // 403 MISSING_SCOPES
  kNotFound,          // 404 OBJECT_NOT_FOUND
  kMethodNotAllowed,  // 405
  kConflict,          // 409 CONFLICT
  kPayloadTooLarge,   // 413
  kRateLimited,       // 429 RATE_LIMITS
  kInternal,          // 500
  kNotImplemented,    // 501
  kUnavailable,       // 503
};

using ErrorContext = std::map<std::string, std::vector<std::string>>;

// One problem inside an error (HubSpot's ErrorDetail): `in` is a JSON path such as
// "actions[2].fields.delta".
struct ErrorDetail {
  std::string message;
  std::string in;
  std::string code;
  ErrorContext context;
};

struct Error {
  ErrorCode code = ErrorCode::kInternal;
  std::string message;
  std::vector<ErrorDetail> details;
  ErrorContext context;
  std::optional<std::string> sub_category;

  static Error Invalid(std::string msg, std::vector<ErrorDetail> details = {});
  // 400 listing every problem; the message is the problem's own when there is one, else
  // "N problems in the request: <first>; …".
  static Error InvalidList(std::vector<ErrorDetail> problems);
  static Error NotFound(std::string msg);
  static Error Conflict(std::string msg);
  static Error Internal(std::string msg);
  // 503: a dependency (the database, a worker) is not available now; trying later may work.
  static Error Unavailable(std::string msg);
  // 403 MISSING_SCOPES: the caller needs one of `scopes` (HubSpot's requiredGranularScopes).
  static Error MissingScopes(std::vector<std::string> scopes);
};

class Status;

// A value or an Error. g++ 12 has no std::expected under C++20.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}      // NOLINT(google-explicit-constructor)
  Result(Error error) : v_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  bool ok() const { return v_.index() == 0; }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<0>(v_); }
  const T& value() const& { return std::get<0>(v_); }
  T&& value() && { return std::get<0>(std::move(v_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  const Error& error() const& { return std::get<1>(v_); }
  Error&& error() && { return std::get<1>(std::move(v_)); }
  // The outcome without the value.
  Status status() const&;

 private:
  std::variant<T, Error> v_;
};

// Result<void>.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(Error error) : error_(std::move(error)) {}  // NOLINT(google-explicit-constructor)
  static Status Ok() { return Status(); }
  bool ok() const { return !error_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Error& error() const& { return *error_; }
  Error&& error() && { return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

template <typename T>
Status Result<T>::status() const& {
  return ok() ? Status::Ok() : Status(error());
}

}  // namespace flowd

#define FLOWD_CONCAT_INNER(a, b) a##b
#define FLOWD_CONCAT(a, b) FLOWD_CONCAT_INNER(a, b)

// FLOWD_TRY(expr): returns the error of a failed Status/Result from the enclosing function.
#define FLOWD_TRY(expr)                                               \
  do {                                                                \
    auto&& flowd_try_tmp = (expr);                                    \
    if (!flowd_try_tmp.ok()) return std::move(flowd_try_tmp).error(); \
  } while (0)

// FLOWD_ASSIGN_OR_RETURN(decl, expr): `decl = value` or return the error.
#define FLOWD_ASSIGN_OR_RETURN(decl, expr) \
  FLOWD_ASSIGN_OR_RETURN_IMPL(FLOWD_CONCAT(flowd_res_, __LINE__), decl, expr)
// `tmp` and `decl` are declarations, not expressions: they cannot be parenthesised.
// NOLINTBEGIN(bugprone-macro-parentheses)
#define FLOWD_ASSIGN_OR_RETURN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp).error();      \
  decl = std::move(tmp).value()
// NOLINTEND(bugprone-macro-parentheses)
