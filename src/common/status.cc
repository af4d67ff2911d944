#include "common/status.h"

namespace flowd {

Error Error::Invalid(std::string msg, std::vector<ErrorDetail> details) {
  return Error{ErrorCode::kInvalidArgument, std::move(msg), std::move(details), {}, std::nullopt};
}
Error Error::InvalidList(std::vector<ErrorDetail> problems) {
  std::string msg;
  if (problems.size() == 1) {
    msg = problems[0].message;
  } else if (!problems.empty()) {
    msg = std::to_string(problems.size()) + " problems in the request: " + problems[0].message +
          "; …";
  } else {
    msg = "The request is not valid";
  }
  return Invalid(std::move(msg), std::move(problems));
}
Error Error::NotFound(std::string msg) {
  return Error{ErrorCode::kNotFound, std::move(msg), {}, {}, std::nullopt};
}
Error Error::Conflict(std::string msg) {
  return Error{ErrorCode::kConflict, std::move(msg), {}, {}, std::nullopt};
}
Error Error::Unavailable(std::string msg) {
  Error e;
  e.code = ErrorCode::kUnavailable;
  e.message = std::move(msg);
  return e;
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
