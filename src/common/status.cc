#include "common/status.h"

namespace flowd {

Error Error::Invalid(std::string msg, std::vector<ErrorDetail> details) {
  return Error{ErrorCode::kInvalidArgument, std::move(msg), std::move(details), {}, std::nullopt};
}
Error Error::NotFound(std::string msg) {
  return Error{ErrorCode::kNotFound, std::move(msg), {}, {}, std::nullopt};
}
Error Error::Conflict(std::string msg) {
  return Error{ErrorCode::kConflict, std::move(msg), {}, {}, std::nullopt};
}
Error Error::Internal(std::string msg) {
  return Error{ErrorCode::kInternal, std::move(msg), {}, {}, std::nullopt};
}

}  // namespace flowd
