// What the action types share (internal to engine/actions/): reading fields, the execution
// context with the enrolled record, input values (HubSpot's InputValue union), templates, time
// arithmetic in a time zone, and the result shapes.
//
// Problems of the flow itself are reported in two steps: a helper that meets one records it in
// Ctx::problem and returns nullopt; the action turns it into Failed(ctx.problem). Errors
// (Result's error) are failures of the environment and are passed up as they are.
#pragma once

#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "crm/personalization.h"
#include "engine/action.h"

namespace flowd::engine::actions {

using Values = std::map<std::string, std::string>;

// "A problem was recorded": converts to an empty std::optional<T> and to a Result holding one,
// so that helpers of both kinds can `return ctx.Problem(…)` or `return NoValue{}`.
struct NoValue {
  template <typename T>
  operator std::optional<T>() const {  // NOLINT(google-explicit-constructor)
    return std::nullopt;
  }
  template <typename T>
  operator Result<std::optional<T>>() const {  // NOLINT(google-explicit-constructor)
    return std::optional<T>();
  }
};

// One action execution.
class Ctx {
 public:
  Ctx(const ActionInput& input, ActionEnv& env);

  const ActionInput& in;
  ActionEnv& env;
  const boost::json::object& action;
  const boost::json::object& fields;  // the action's `fields` (empty when it has none)
  std::string action_id;
  std::string problem;  // the last flow problem met (see the header comment)

  const store::EnrollmentRecord& enrollment() const { return *in.enrollment; }
  int64_t account_id() const { return in.enrollment->account_id; }
  const std::string& object_type() const { return in.enrollment->object_type_id; }
  int64_t object_id() const { return in.enrollment->object_id; }
  store::ChangeSource Source() const;

  // The enrolled record's values (loaded once); nullptr when it is not a live record.
  Result<const Values*> Enrolled();
  // As Enrolled, but a record that is gone is a problem (nullopt).
  Result<std::optional<const Values*>> RequireEnrolled();

  // Records `message` as the problem.
  NoValue Problem(std::string message);
  // The enrolled record's type as HubSpot names it in payloads to code and apps: CONTACT,
  // COMPANY … for standard types, a custom type's id as it is.
  std::string ObjectTypeName() const;

 private:
  bool loaded_ = false;
  std::optional<Values> enrolled_;
};

// ---- results

ActionResult Failed(std::string error, boost::json::object detail = {});
// SUCCEEDED, continuing with NextOf(action).
ActionResult Continue(const boost::json::object& action, boost::json::object detail = {});
// BRANCHED to `next` (nullopt: the path ends).
ActionResult Branched(std::optional<std::string> next, boost::json::object detail);
// BRANCHED along the action's defaultBranch, the detail saying so.
ActionResult DefaultBranch(const boost::json::object& action, boost::json::object detail);
// The connection's nextActionId (nullopt: the path ends).
std::optional<std::string> ConnectionTarget(const boost::json::value* connection);

// ---- fields

// A string field, or a number written as text. nullopt when absent, null or of another type.
std::optional<std::string> TextField(const boost::json::object& o, std::string_view key);
// An integer field, or an integer written as text.
std::optional<int64_t> IntField(const boost::json::object& o, std::string_view key);
const boost::json::object* ObjectField(const boost::json::object& o, std::string_view key);
const boost::json::array* ArrayField(const boost::json::object& o, std::string_view key);
// A JSON scalar as text: strings as they are, numbers in decimal, booleans as true/false,
// null as "". Objects and arrays serialized.
std::string ValueText(const boost::json::value& v);
// `v` parsed as a decimal number (JSON number or numeric string).
std::optional<double> Number(const boost::json::value& v);
std::string FormatNumber(double v);

// ---- input values

// The property an input value is written to (set property, create record): TIMESTAMP and
// RELATIVE_DATETIME take its format, INCREMENT and the APPEND types its current value.
struct InputTarget {
  const store::PropertyRecord* property = nullptr;
  std::string current;
};

// Resolves an InputValue (§4.4 of the reference; a plain string or number is a static value) to
// the text it stands for. `target` is null when the value is not written to a property (branch
// inputs, webhook query parameters, custom-code inputs); INCREMENT and APPEND_* need one.
// Missing data (an empty property, an absent FIELD_DATA key) resolves to "". nullopt: a problem.
// ACTION_OUTPUT_OBJECT_PROPERTY reads `actionOutputPropertyToken` (ParseOutputToken) from the
// record the action created (OutputObjectOf), FETCHED_OBJECT_PROPERTY `propertyToken`
// (`fetched_objects.<dataSource>.<property>`, FetchedObject); LIST resolves its values and joins
// them as a multi-value (`a;b`), MAP gives a JSON object text of its values resolved.
// ENROLLMENT_DATASET_COLUMN, SINGLE_OBJECT_COORDINATES and COPY_ASSOCIATION are problems: flowd
// holds no datasets or coordinates, and the reference does not define COPY_ASSOCIATION.
Result<std::optional<std::string>> ResolveInput(Ctx& ctx, const boost::json::value& input,
                                                const InputTarget* target = nullptr);

// A record an earlier action created (create record, create task): its output in the
// enrollment's data holds "hs_object_id" and "objectTypeId" (the store writes them with the step).
struct OutputObject {
  std::string object_type_id;
  int64_t id = 0;
};
// The record action `action_id` created; nullopt when that action has no such output (it has not
// run on this path, or it creates nothing).
std::optional<OutputObject> OutputObjectOf(const Ctx& ctx, std::string_view action_id);

// A token naming an earlier action's output: `action_outputs.action_output_<actionId>.<key>`,
// optionally inside `{{ }}`; `action_output_<actionId>.<key>` and `<actionId>.<key>` are read
// the same way. nullopt when it has no key.
struct OutputToken {
  std::string action_id;
  std::string key;
};
std::optional<OutputToken> ParseOutputToken(std::string_view token);

// The values of the record that the flow's data source `name` fetches for the enrolled record
// (dataSources[], `fetched_objects.<name>`): an ASSOCIATION source fetches the first associated
// record of its objectTypeId by its sortBy (else the lowest id); empty values when there is none.
// nullopt: a problem (no such source; a source type whose data flowd does not hold).
Result<std::optional<Values>> FetchedObject(Ctx& ctx, const std::string& name);

// `text` with `{{ … }}` tokens rendered (crm/personalization.h) from the enrolled record:
// enrolled_object.<property>, <contact|company|deal|ticket|…>.<property>, enrolled_object (its
// id), action_outputs.action_output_<actionId>.<key>, enrollment_event.<property>,
// fetched_objects.<dataSource>.<property>.
Result<std::string> RenderTemplate(Ctx& ctx, std::string_view text,
                                   crm::ValueEscaping escaping = crm::ValueEscaping::kNone);

// ---- time

// `t_ms` moved by `delta` units (ApiTimeDelay's java ChronoUnit names; MONTHS, YEARS, DECADES,
// CENTURIES and MILLENNIA by the calendar, in UTC). nullopt for an unknown unit or FOREVER/ERAS.
std::optional<int64_t> AddTime(int64_t t_ms, int64_t delta, std::string_view unit);

struct TimeOfDay {
  int hour = 0;
  int minute = 0;
};
// {hour, minute} in range; nullopt otherwise (the problem is recorded).
std::optional<TimeOfDay> ParseTimeOfDay(Ctx& ctx, const boost::json::value& v);
// Bit i (0 = MONDAY … 6 = SUNDAY) set per day named; 0 when `days` is empty. nullopt: a problem.
std::optional<unsigned> ParseDaysOfWeek(Ctx& ctx, const boost::json::array& days);
// MONDAY = 0 … SUNDAY = 6 for a local time (ms as if local were UTC).
int WeekdayIndex(int64_t local_ms);

// The first moment at or after `t_ms` whose local day (in `tz_id`) is among `days_mask` (0: any)
// and, with `time_of_day`, at that local time. Errors: an unknown time zone (kInvalidArgument).
Result<int64_t> NextDayAndTime(int64_t t_ms, unsigned days_mask,
                               std::optional<TimeOfDay> time_of_day, const std::string& tz_id);

// A date or time value: epoch ms, "YYYY-MM-DD" (a local date: `*date_only` set, the result is
// local midnight as if local were UTC) or ISO 8601 UTC.
std::optional<int64_t> ParseDateValue(std::string_view text, bool* date_only);

uint64_t StableHash(std::string_view text);

}  // namespace flowd::engine::actions
