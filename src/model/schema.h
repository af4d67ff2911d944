// A small schema language for JSON request bodies, and the walker that applies it.
//
// Internal to model/ and crm/ (the forms and marketing-email schemas use it too). Schemas are
// immutable data built once (see flow_schema.h); the walker both validates a value and produces its
// canonical form: only known fields are copied (unknown and read-only ones are dropped), JSON null
// in an optional field counts as absent, enum aliases are normalised and defaulted fields are
// filled in. Every problem becomes one ErrorDetail whose `in` is the JSON path of the offending
// value ("actions[2].connection.edgeType").
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <climits>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"
#include "model/flow_codec.h"

namespace flowd::model::schema {

enum class Kind {
  kString,
  kBool,
  kInt32,
  kInt64,
  kNumber,
  kEnum,
  kObject,
  kUnion,
  kArray,
  kMap,
  kAny,
  kAnyObject,  // any JSON object, copied as is (within the limits)
};

enum Presence {
  kOptional,
  kRequired,
  kDefaulted,  // required by the spec, but filled with an empty value when absent
};

enum FieldFlag {
  kNoFlag,
  kPropertyRef,  // the string value names a CRM property (collected for scope rules)
};

enum class ArrayLimit { kDefault, kActions };

struct ObjectSchema;
struct UnionSchema;

struct Type {
  Kind kind = Kind::kAny;
  std::vector<std::string> values;                           // kEnum
  std::vector<std::pair<std::string, std::string>> aliases;  // kEnum: accepted → canonical
  int64_t min = INT64_MIN;                                   // kInt32 / kInt64
  int64_t max = INT64_MAX;
  const ObjectSchema* object = nullptr;       // kObject
  const UnionSchema* union_schema = nullptr;  // kUnion
  const Type* element = nullptr;              // kArray items, kMap values
  ArrayLimit array_limit = ArrayLimit::kDefault;
};

struct Field {
  Field(std::string n, const Type* t, Presence p = kOptional, FieldFlag f = kNoFlag)
      : name(std::move(n)), type(t), presence(p), flag(f) {}
  std::string name;
  const Type* type = nullptr;
  Presence presence = kOptional;
  FieldFlag flag = kNoFlag;
};

struct ObjectSchema {
  std::string name;
  std::vector<Field> fields;
  bool defined = false;
};

// A variant is chosen by the first rule whose `field` holds the string `value`.
struct UnionRule {
  std::string field;
  std::string value;
  const ObjectSchema* schema = nullptr;
};

struct UnionSchema {
  std::string name;
  std::string tag;  // the field named in errors when no rule matches
  std::vector<UnionRule> rules;
  bool counts_filter_depth = false;
  bool defined = false;
};

struct RuleSpec {
  std::string field;
  std::string value;
  std::string object;
};

// Owns every schema node; pointers stay valid for the registry's lifetime. Objects and unions may
// be referenced before they are defined (the filter model is recursive).
class Registry {
 public:
  const Type* String();
  const Type* Bool();
  const Type* Number();
  const Type* Any();
  const Type* AnyObject();
  const Type* Int32(int64_t min = INT32_MIN, int64_t max = INT32_MAX);
  const Type* Int64();
  const Type* Enum(std::vector<std::string> values,
                   std::vector<std::pair<std::string, std::string>> aliases = {});
  const Type* Ref(std::string_view object_name);
  const Type* Union(std::string_view union_name);
  const Type* Array(const Type* element, ArrayLimit limit = ArrayLimit::kDefault);
  const Type* Map(const Type* value);

  void Object(std::string_view name, std::vector<Field> fields);
  void DefineUnion(std::string_view name, std::string tag, std::vector<RuleSpec> rules);
  void CountFilterDepth(std::string_view union_name);

  const ObjectSchema* FindObject(std::string_view name) const;
  const UnionSchema* FindUnion(std::string_view name) const;
  std::vector<const UnionSchema*> Unions() const;
  // Names of objects/unions referenced but never defined (empty when the registry is complete).
  std::vector<std::string> Undefined() const;

 private:
  const Type* Add(Type t);
  ObjectSchema* ObjectSlot(std::string_view name);
  UnionSchema* UnionSlot(std::string_view name);

  std::deque<Type> types_;
  std::map<std::string, std::unique_ptr<ObjectSchema>, std::less<>> objects_;
  std::map<std::string, std::unique_ptr<UnionSchema>, std::less<>> unions_;
};

// Error codes used in ErrorDetail.code.
inline constexpr std::string_view kCodeRequired = "REQUIRED_FIELD";
inline constexpr std::string_view kCodeType = "INVALID_TYPE";
inline constexpr std::string_view kCodeEnum = "INVALID_ENUM_VALUE";
inline constexpr std::string_view kCodeTag = "UNKNOWN_TYPE";
inline constexpr std::string_view kCodeInteger = "INVALID_INTEGER";
inline constexpr std::string_view kCodeRange = "OUT_OF_RANGE";
inline constexpr std::string_view kCodeValue = "INVALID_VALUE";
inline constexpr std::string_view kCodeLimit = "LIMIT_EXCEEDED";
inline constexpr std::string_view kCodeReference = "INVALID_REFERENCE";
inline constexpr std::string_view kCodeDuplicate = "DUPLICATE_ID";
inline constexpr std::string_view kCodeCycle = "CYCLE";
inline constexpr std::string_view kCodeIncomplete = "INCOMPLETE_ACTION";

// Collects problems and side facts while walking. Stops collecting after kMaxErrors.
class Context {
 public:
  static constexpr size_t kMaxErrors = 100;
  explicit Context(const FlowLimits& limits) : limits_(limits) {}

  const FlowLimits& limits() const { return limits_; }
  void Add(std::string in, std::string message, std::string_view code, ErrorContext context = {});
  bool full() const { return full_; }
  const std::vector<ErrorDetail>& errors() const { return errors_; }
  std::vector<ErrorDetail> TakeErrors() { return std::move(errors_); }
  std::set<std::string>& properties() { return properties_; }

  size_t depth = 0;         // walker recursion
  size_t filter_depth = 0;  // nesting of filter branches

 private:
  const FlowLimits& limits_;
  std::vector<ErrorDetail> errors_;
  std::set<std::string> properties_;
  bool full_ = false;
};

// A JSON path under construction: Push returns a mark to Pop back to.
class Path {
 public:
  size_t Push(std::string_view field);
  size_t Push(size_t index);
  void Pop(size_t mark) { s_.resize(mark); }
  const std::string& str() const { return s_; }
  std::string Join(std::string_view field) const;  // path of a child, without pushing

 private:
  std::string s_;
};

// "a string", "a number", ... for messages.
std::string_view JsonKindName(const boost::json::value& v);

// Validates `v` against `type` and returns its canonical form (best effort when invalid).
boost::json::value Walk(const Type& type, const boost::json::value& v, Path& path, Context& ctx);
boost::json::object WalkObject(const ObjectSchema& schema, const boost::json::object& o, Path& path,
                               Context& ctx);

}  // namespace flowd::model::schema
