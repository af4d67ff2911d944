// The one place where flowd's ErrorCodes become HTTP statuses and HubSpot error bodies:
// {"status":"error","message":…,"correlationId":…,"category":…,"subCategory"?,"errors"?,
//  "context"?,"links"?}.
#pragma once

#include <string>
#include <string_view>

#include "api/http.h"
#include "common/status.h"

namespace flowd::api {

int HttpStatusFor(ErrorCode code);
std::string_view CategoryFor(ErrorCode code);

HttpResponse ErrorResponse(const Error& error, std::string_view correlation_id);

}  // namespace flowd::api
