#include "api/errors.h"

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace flowd::api {

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kUnauthenticated:
      return 401;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kMethodNotAllowed:
      return 405;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kPayloadTooLarge:
      return 413;
    case ErrorCode::kRateLimited:
      return 429;
    case ErrorCode::kInternal:
      return 500;
    case ErrorCode::kNotImplemented:
      return 501;
    case ErrorCode::kUnavailable:
      return 503;
  }
  return 500;
}

std::string_view CategoryFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return "VALIDATION_ERROR";
    case ErrorCode::kUnauthenticated:
      return "INVALID_AUTHENTICATION";
    case ErrorCode::kPermissionDenied:
      return "MISSING_SCOPES";
    case ErrorCode::kNotFound:
      return "OBJECT_NOT_FOUND";
    case ErrorCode::kMethodNotAllowed:
      return "METHOD_NOT_ALLOWED";
    case ErrorCode::kConflict:
      return "CONFLICT";
    case ErrorCode::kPayloadTooLarge:
      return "PAYLOAD_TOO_LARGE";
    case ErrorCode::kRateLimited:
      return "RATE_LIMITS";
    case ErrorCode::kInternal:
      return "INTERNAL_ERROR";
    case ErrorCode::kNotImplemented:
      return "NOT_IMPLEMENTED";
    case ErrorCode::kUnavailable:
      return "SERVICE_UNAVAILABLE";
  }
  return "INTERNAL_ERROR";
}

namespace {

boost::json::object ContextJson(const ErrorContext& ctx) {
  boost::json::object o;
  for (const auto& [k, values] : ctx) {
    boost::json::array a;
    for (const auto& v : values) a.emplace_back(v);
    o[k] = std::move(a);
  }
  return o;
}

}  // namespace

HttpResponse ErrorResponse(const Error& error, std::string_view correlation_id) {
  boost::json::object body;
  body["status"] = "error";
  body["message"] = error.message;
  body["correlationId"] = correlation_id;
  body["category"] = CategoryFor(error.code);
  if (error.sub_category) body["subCategory"] = *error.sub_category;
  if (!error.details.empty()) {
    boost::json::array errors;
    for (const auto& d : error.details) {
      boost::json::object e;
      e["message"] = d.message;
      if (!d.in.empty()) e["in"] = d.in;
      if (!d.code.empty()) e["code"] = d.code;
      if (!d.context.empty()) e["context"] = ContextJson(d.context);
      errors.emplace_back(std::move(e));
    }
    body["errors"] = std::move(errors);
  }
  if (!error.context.empty()) body["context"] = ContextJson(error.context);
  if (error.code == ErrorCode::kPermissionDenied) {
    body["links"] = boost::json::object{{"scopes", "https://developers.hubspot.com/scopes"}};
  }
  return HttpResponse::Json(HttpStatusFor(error.code), boost::json::serialize(body));
}

}  // namespace flowd::api
