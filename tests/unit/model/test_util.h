// Helpers shared by the model unit tests.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>
#include <vector>

#include "model/flow_codec.h"

namespace flowd::model::testing {

inline boost::json::value J(std::string_view text) { return boost::json::parse(text); }

// A minimal valid create body of the given type, with `actions_json` spliced in.
inline boost::json::object MinimalCreate(bool contact = true) {
  boost::json::object o;
  o["type"] = contact ? "CONTACT_FLOW" : "PLATFORM_FLOW";
  o["objectTypeId"] = contact ? "0-1" : "0-3";
  o["flowType"] = "WORKFLOW";
  o["isEnabled"] = false;
  o["actions"] = boost::json::array();
  return o;
}

inline Result<DecodedFlow> Create(const boost::json::value& body, const FlowLimits& limits = {}) {
  return DecodeFlowRequest(body, FlowRequestKind::kCreate, std::nullopt, limits);
}

inline Result<DecodedFlow> Put(const boost::json::value& body, const std::string& object_type,
                               const FlowLimits& limits = {}) {
  return DecodeFlowRequest(body, FlowRequestKind::kPut, object_type, limits);
}

// "in: message" lines, for readable failures.
inline std::string Dump(const Error& e) {
  std::string out = e.message + "\n";
  for (const auto& d : e.details) out += "  " + d.in + ": " + d.message + " [" + d.code + "]\n";
  return out;
}

inline const ErrorDetail* FindDetail(const Error& e, const std::string& in) {
  for (const auto& d : e.details) {
    if (d.in == in) return &d;
  }
  return nullptr;
}

#define EXPECT_DETAIL(result, path, code_)                                                    \
  do {                                                                                        \
    const auto& r_ = (result);                                                                \
    ASSERT_FALSE(r_.ok()) << "expected an error at " << (path);                               \
    const ::flowd::ErrorDetail* d_ = ::flowd::model::testing::FindDetail(r_.error(), (path)); \
    ASSERT_NE(d_, nullptr) << "no error at " << (path) << "\n"                                \
                           << ::flowd::model::testing::Dump(r_.error());                      \
    EXPECT_EQ(d_->code, (code_)) << ::flowd::model::testing::Dump(r_.error());                \
  } while (0)

#define EXPECT_OK(result)                                                \
  do {                                                                   \
    const auto& ok_ = (result);                                          \
    ASSERT_TRUE(ok_.ok()) << ::flowd::model::testing::Dump(ok_.error()); \
  } while (0)

}  // namespace flowd::model::testing
