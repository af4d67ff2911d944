// Request bodies shared by the benchmark programs: the reference's §8.1 contact flow, a
// realistic four-action variant used by the load generator, and a large generated flow.
// All functions are pure and thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace flowd::bench {

// The create request of reference §8.1 (form submission → delay 1 day → marketing email), as
// printed there.
std::string Section81CreateBody();

// §8.1 grown to four actions (delay → set lifecycle stage → create task → marketing email), named
// `name`. A create request (ApiContactFlowCreateRequest).
std::string ContactFlowCreateBody(std::string_view name);

// The PUT request for the same flow, split so that a caller can splice in the current revision
// without re-serialising: body = PutBodyHead() + revisionId + PutBodyTail(name).
std::string_view PutBodyHead();
std::string PutBodyTail(std::string_view name);

// A create request with `actions` actions (≥ 2): a chain of delays, property updates, tasks and
// emails with a LIST_BRANCH every tenth action (its branch and default edges join the chain
// again), under the §8.1 enrollment criteria.
std::string LargeFlowCreateBody(size_t actions);

}  // namespace flowd::bench
