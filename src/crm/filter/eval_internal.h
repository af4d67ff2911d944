// Internal to crm/filter: evaluation of property operations, time points and time windows
// (property_eval.cc, time_eval.cc), used by the branch and filter evaluation in filter_eval.cc.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"
#include "crm/filter/filter_program.h"
#include "crm/filter/time_zone.h"
#include "store/object_store.h"

namespace flowd::crm::filter::internal {

// What an operation reads: a CRM record's values and history, or an event's properties.
class Subject {
 public:
  virtual ~Subject() = default;
  // The current value; "" when there is none.
  virtual Result<std::string> Value(const std::string& name) = 0;
  // Every version, newest first, the current value included.
  virtual Result<std::vector<store::ValueVersion>> History(const std::string& name) = 0;
  // When the property last changed; nullopt when it never was set.
  virtual Result<std::optional<int64_t>> UpdatedAt(const std::string& name) = 0;
};

struct TimeEnv {
  int64_t now_ms = 0;
  std::shared_ptr<const TimeZone> zone;  // the account's
  int fiscal_start_month = 1;
};

// Whether the subject's `property` passes `op`.
Result<bool> EvalOperation(const Operation& op, const std::string& property, Subject& subject,
                           const TimeEnv& env);

// The instant of a time point; nullopt when it references a property without a value.
// `subject` answers PROPERTY_REFERENCED points (null: they have no value).
Result<std::optional<int64_t>> ResolveTimePoint(const TimePoint& point, Subject* subject,
                                                const TimeEnv& env);

// `now` moved by a refine-by time offset (days and weeks in the account's calendar).
int64_t Shift(int64_t now_ms, const TimeOffset& offset, const TimeEnv& env);

// Whether the instant `t` lies in every window.
Result<bool> InWindows(const std::vector<TimeWindow>& windows, int64_t t, Subject* record,
                       const TimeEnv& env);

}  // namespace flowd::crm::filter::internal
