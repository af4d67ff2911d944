// Fuzz target: strict JSON parsing followed by flow decoding, both request kinds. Any input must
// yield a value or a 400-class error; never a crash, leak or undefined behaviour.
#include <boost/json/value.hpp>
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "common/json.h"
#include "model/action_catalog.h"
#include "model/flow_codec.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto parsed = flowd::ParseJsonStrict(text);
  if (!parsed.ok()) return 0;
  using flowd::model::FlowRequestKind;
  auto created = flowd::model::DecodeFlowRequest(*parsed, FlowRequestKind::kCreate, std::nullopt);
  if (!created.ok() && created.error().code != flowd::ErrorCode::kInvalidArgument) __builtin_trap();
  for (const char* object_type : {"0-1", "0-3"}) {
    auto put =
        flowd::model::DecodeFlowRequest(*parsed, FlowRequestKind::kPut, std::string(object_type));
    if (!put.ok() && put.error().code != flowd::ErrorCode::kInvalidArgument) __builtin_trap();
    // A decoded PUT body, with its read-only fields spliced back, decodes the same way again.
    if (put.ok() && put->revision_id) {
      boost::json::object again = put->content;
      again["revisionId"] = *put->revision_id;
      auto second =
          flowd::model::DecodeFlowRequest(again, FlowRequestKind::kPut, std::string(object_type));
      if (!second.ok() || second->content != put->content) __builtin_trap();
    }
  }
  return 0;
}
