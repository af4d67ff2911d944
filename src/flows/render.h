// JSON renderings of stored flows in the API's shapes.
#pragma once

#include <boost/json/object.hpp>
#include <string>

#include "store/store.h"

namespace flowd::flows {

// ApiFlow: the stored content with id, revisionId, createdAt and updatedAt spliced in, without
// re-parsing the content (this is the GET hot path).
std::string RenderFlow(const store::FlowRecord& flow);
// ApiFlowListing.
boost::json::object RenderListing(const store::FlowRecord& flow);

}  // namespace flowd::flows
