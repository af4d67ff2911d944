#include "flows/render.h"

#include <boost/json/serialize.hpp>
#include <boost/json/string.hpp>

#include "common/time_format.h"

namespace flowd::flows {

std::string RenderFlow(const store::FlowRecord& flow) {
  const std::string& content = flow.content_json;
  std::string out;
  out.reserve(content.size() + 128);
  out += "{\"id\":\"";
  out += std::to_string(flow.id);
  out += "\",\"revisionId\":\"";
  out += std::to_string(flow.revision_id);
  out += "\",\"createdAt\":\"";
  out += FormatIso8601Ms(flow.created_at_ms);
  out += "\",\"updatedAt\":\"";
  out += FormatIso8601Ms(flow.updated_at_ms);
  out += '"';
  // content_json is a serialized object "{…}" written by FlowService; "{}" adds nothing.
  if (content.size() > 2) {
    out += ',';
    out.append(content, 1, std::string::npos);
  } else {
    out += '}';
  }
  return out;
}

boost::json::object RenderListing(const store::FlowRecord& flow) {
  boost::json::object o;
  o["id"] = std::to_string(flow.id);
  if (!flow.name.empty()) o["name"] = flow.name;
  if (flow.uuid) o["uuid"] = *flow.uuid;
  o["isEnabled"] = flow.is_enabled;
  o["flowType"] = flow.flow_type;
  o["objectTypeId"] = flow.object_type_id;
  o["revisionId"] = std::to_string(flow.revision_id);
  o["createdAt"] = FormatIso8601Ms(flow.created_at_ms);
  o["updatedAt"] = FormatIso8601Ms(flow.updated_at_ms);
  return o;
}

}  // namespace flowd::flows
