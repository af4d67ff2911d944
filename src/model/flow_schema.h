// The spec's request schemas (automation-v4-flows, components.schemas) as schema:: data.
// Internal to model/. Built once on first use; immutable and thread-safe afterwards.
#pragma once

#include "model/schema.h"

namespace flowd::model {

struct FlowSchemas {
  const schema::ObjectSchema* contact_create = nullptr;   // ApiContactFlowCreateRequest
  const schema::ObjectSchema* platform_create = nullptr;  // ApiPlatformFlowCreateRequest
  const schema::ObjectSchema* contact_put = nullptr;      // ApiContactFlowPutRequest
  const schema::ObjectSchema* platform_put = nullptr;     // ApiPlatformFlowPutRequest
  const schema::Registry* registry = nullptr;
};

const FlowSchemas& GetFlowSchemas();

namespace internal {
// The filter model shared with CRM Lists v3 (Public* schemas; filter_schema.cc).
void DefineFilterSchemas(schema::Registry& b);
// Flows, actions, input values, enrollment, schedules, data sources (Api* schemas; flow_schema.cc).
void DefineFlowSchemas(schema::Registry& b);
}  // namespace internal

}  // namespace flowd::model
