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

Error Error::MissingScopes(std::vector<std::string> scopes) {
  return Error{ErrorCode::kPermissionDenied,
               "This app hasn't been granted all required scopes to make this call. Read more "
               "about required scopes here: https://developers.hubspot.com/scopes.",
               {ErrorDetail{"One or more of the following scopes are required.",
                            "",
                            "",
                            {{"requiredGranularScopes", std::move(scopes)}}}},
               {},
               std::nullopt};
}

}  // namespace flowd
