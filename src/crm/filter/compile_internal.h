// Internal to crm/filter: the JSON → CompiledFilter compiler shared by filter_compile.cc (branches,
// filters, refine-bys, time points) and operation_compile.cc (property operations).
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "crm/filter/filter_eval.h"
#include "crm/filter/filter_program.h"
#include "crm/property_value.h"

namespace flowd::crm::filter::internal {

// Whose properties a filter reads: a CRM record of a type, or an event occurrence.
struct Scope {
  bool event = false;
  std::string object_type_id;                // kRecord scope
  std::shared_ptr<const PropertySet> props;  // null: names not checked (kinds inferred)
  std::string event_type_id;                 // kEvent scope
  // The record the event belongs to (PROPERTY_REFERENCED time points in refinements).
  const Scope* record = nullptr;
};

// Error codes of the filter checks (ErrorDetail.code).
inline constexpr std::string_view kRequired = "REQUIRED_FIELD";
inline constexpr std::string_view kType = "INVALID_TYPE";
inline constexpr std::string_view kValue = "INVALID_VALUE";
inline constexpr std::string_view kUnsupportedFilter = "UNSUPPORTED_FILTER_TYPE";
inline constexpr std::string_view kUnsupportedBranch = "UNSUPPORTED_FILTER_BRANCH_TYPE";
inline constexpr std::string_view kUnsupportedEvent = "UNSUPPORTED_EVENT_TYPE";
inline constexpr std::string_view kUnsupported = "UNSUPPORTED_FILTER";
inline constexpr std::string_view kUnknownProperty = "UNKNOWN_PROPERTY";
inline constexpr std::string_view kOperator = "INVALID_OPERATOR";
inline constexpr std::string_view kMismatch = "OPERATION_TYPE_MISMATCH";
inline constexpr std::string_view kOption = "INVALID_OPTION";
inline constexpr std::string_view kDepth = "LIMIT_EXCEEDED";

class Compiler {
 public:
  Compiler(PropertyLookup lookup, const CompileOptions& options)
      : lookup_(std::move(lookup)), options_(options) {}

  std::vector<ErrorDetail>& errors() { return errors_; }
  // The first failure of the property lookup (a store error), if any: it wins over errors().
  std::optional<Error>& lookup_error() { return lookup_error_; }
  const CompileOptions& options() const { return options_; }

  // The scope of records of `object_type_id` (looks up its properties when checking).
  Scope RecordScope(const std::string& object_type_id, const std::string& path);

  Branch CompileBranch(const boost::json::value& v, const Scope& scope, const std::string& path,
                       size_t depth);
  // `prop` is the filtered property's definition (null for event properties, unchecked
  // compiles and unknown properties).
  Operation CompileOperation(const boost::json::value& v, const std::string& property,
                             const store::PropertyRecord* prop, const Scope& scope,
                             const std::string& path);
  TimePoint CompileTimePoint(const boost::json::value& v, const Scope& scope,
                             const std::string& path);

  // ---- reporting and typed field access (each getter reports what is missing or mistyped)
  void Add(const std::string& in, std::string message, std::string_view code);
  const boost::json::object* Object(const boost::json::value& v, const std::string& path);
  const boost::json::value* Field(const boost::json::object& o, std::string_view name,
                                  const std::string& path, bool required);
  std::optional<std::string> String(const boost::json::object& o, std::string_view name,
                                    const std::string& path, bool required);
  std::optional<bool> Bool(const boost::json::object& o, std::string_view name,
                           const std::string& path, bool required);
  std::optional<int64_t> Int(const boost::json::object& o, std::string_view name,
                             const std::string& path, bool required);
  std::optional<double> Number(const boost::json::object& o, std::string_view name,
                               const std::string& path, bool required);
  std::optional<std::vector<std::string>> Strings(const boost::json::object& o,
                                                  std::string_view name, const std::string& path,
                                                  bool required);
  // A string field that must be one of `allowed`; reports the allowed values otherwise.
  std::optional<std::string> OneOf(const boost::json::object& o, std::string_view name,
                                   const std::string& path, bool required,
                                   const std::vector<std::string_view>& allowed);
  // A property of the scope (nullptr when unknown — reported — or when names are not checked).
  const store::PropertyRecord* Property(const Scope& scope, const std::string& name,
                                        const std::string& path, bool* known);

 private:
  std::vector<Filter> CompileFilters(const boost::json::object& o, const Scope& scope,
                                     const std::string& path);
  std::vector<Branch> CompileBranches(const boost::json::object& o, const Scope& scope,
                                      const std::string& path, size_t depth);
  Filter CompileFilter(const boost::json::value& v, const Scope& scope, const std::string& path);
  void CompileEventFilter(const boost::json::object& o, const std::string& type, Filter& f,
                          const Scope& scope, const std::string& path);
  void CompileRefinement(const boost::json::object& o, std::string_view slot,
                         Refinement& refinement, const Scope& scope, const std::string& path,
                         bool occurrences_only);
  std::optional<TimeOffset> CompileOffset(const boost::json::object& o, std::string_view name,
                                          const std::string& path);
  bool CheckEventType(const std::string& event_type_id, const std::string& path);

  PropertyLookup lookup_;
  CompileOptions options_;
  std::vector<ErrorDetail> errors_;
  std::optional<Error> lookup_error_;
};

// Kinds of property values an operation type applies to, and the kind used when the property is
// not known (event properties, unchecked compiles).
ValueKind KindOfProperty(const store::PropertyRecord& p);

// "a string", "a number", … for messages.
std::string_view JsonKindName(const boost::json::value& v);

}  // namespace flowd::crm::filter::internal
