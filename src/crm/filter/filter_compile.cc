// Compiling filter branches and filters (the record and event scopes, the refusals of data flowd
// does not hold), plus the typed JSON accessors every compile step reports through.
#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/string.hpp>
#include <map>

#include "crm/filter/compile_internal.h"
#include "crm/object_types.h"
#include "store/object_store.h"

namespace flowd::crm::filter {
namespace internal {
namespace {

constexpr size_t kMaxErrors = 100;
constexpr size_t kMaxIdLength = 200;

std::string Join(const std::string& path, std::string_view field) {
  return path.empty() ? std::string(field) : path + "." + std::string(field);
}

std::string At(const std::string& path, size_t i) { return path + "[" + std::to_string(i) + "]"; }

// The filter types whose data flowd does not hold, and why.
const std::map<std::string, std::string, std::less<>>& UnsupportedFilters() {
  static const std::map<std::string, std::string, std::less<>> kTypes = {
      {"PAGE_VIEW", "flowd records no page views"},
      {"CTA", "flowd records no CTA views or clicks"},
      {"EMAIL_EVENT", "flowd records no marketing email events (sends, opens, clicks, …)"},
      {"EMAIL_SUBSCRIPTION", "flowd holds no email subscription statuses"},
      {"COMMUNICATION_SUBSCRIPTION", "flowd holds no communication subscription statuses"},
      {"SURVEY_MONKEY", "flowd holds no SurveyMonkey responses"},
      {"SURVEY_MONKEY_VALUE", "flowd holds no SurveyMonkey responses"},
      {"WEBINAR", "flowd holds no webinar registrations or attendance"},
      {"PRIVACY", "flowd holds no privacy consent records"},
      {"ADS_SEARCH", "flowd holds no ad interactions"},
      {"ADS_TIME", "flowd holds no ad interactions"},
      {"INTEGRATION_EVENT", "flowd holds no integration timeline events"},
      {"FORM_SUBMISSION_ON_PAGE",
       "flowd hosts no pages, so form submissions carry no page (use FORM_SUBMISSION)"},
  };
  return kTypes;
}

bool IsObjectTypeId(std::string_view id) {
  const size_t dash = id.find('-');
  if (dash == std::string_view::npos || dash == 0 || dash + 1 >= id.size() || id.size() > 40) {
    return false;
  }
  auto digits = [](std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
  };
  return digits(id.substr(0, dash)) && digits(id.substr(dash + 1));
}

}  // namespace

std::string_view JsonKindName(const boost::json::value& v) {
  switch (v.kind()) {
    case boost::json::kind::null:
      return "null";
    case boost::json::kind::bool_:
      return "a boolean";
    case boost::json::kind::int64:
    case boost::json::kind::uint64:
    case boost::json::kind::double_:
      return "a number";
    case boost::json::kind::string:
      return "a string";
    case boost::json::kind::array:
      return "an array";
    case boost::json::kind::object:
      return "an object";
  }
  return "a value";
}

void Compiler::Add(const std::string& in, std::string message, std::string_view code) {
  if (errors_.size() >= kMaxErrors) return;
  errors_.push_back(ErrorDetail{std::move(message), in, std::string(code), {}});
}

const boost::json::object* Compiler::Object(const boost::json::value& v, const std::string& path) {
  if (const auto* o = v.if_object()) return o;
  Add(path, "Expected an object at " + path + ", got " + std::string(JsonKindName(v)), kType);
  return nullptr;
}

const boost::json::value* Compiler::Field(const boost::json::object& o, std::string_view name,
                                          const std::string& path, bool required) {
  const auto* v = o.if_contains(name);
  if (v && !v->is_null()) return v;
  if (required) Add(Join(path, name), "Missing required field " + Join(path, name), kRequired);
  return nullptr;
}

std::optional<std::string> Compiler::String(const boost::json::object& o, std::string_view name,
                                            const std::string& path, bool required) {
  const auto* v = Field(o, name, path, required);
  if (!v) return std::nullopt;
  if (const auto* s = v->if_string()) return std::string(s->data(), s->size());
  Add(Join(path, name),
      Join(path, name) + " must be a string, got " + std::string(JsonKindName(*v)), kType);
  return std::nullopt;
}

std::optional<bool> Compiler::Bool(const boost::json::object& o, std::string_view name,
                                   const std::string& path, bool required) {
  const auto* v = Field(o, name, path, required);
  if (!v) return std::nullopt;
  if (const auto* b = v->if_bool()) return *b;
  Add(Join(path, name),
      Join(path, name) + " must be a boolean, got " + std::string(JsonKindName(*v)), kType);
  return std::nullopt;
}

std::optional<int64_t> Compiler::Int(const boost::json::object& o, std::string_view name,
                                     const std::string& path, bool required) {
  const auto* v = Field(o, name, path, required);
  if (!v) return std::nullopt;
  if (const auto* i = v->if_int64()) return *i;
  if (const auto* u = v->if_uint64(); u && *u <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(*u);
  }
  if (const auto* d = v->if_double();
      d && *d == static_cast<double>(static_cast<int64_t>(*d)) && *d > -9.2e18 && *d < 9.2e18) {
    return static_cast<int64_t>(*d);
  }
  Add(Join(path, name),
      Join(path, name) + " must be an integer, got " + std::string(JsonKindName(*v)), kType);
  return std::nullopt;
}

std::optional<double> Compiler::Number(const boost::json::object& o, std::string_view name,
                                       const std::string& path, bool required) {
  const auto* v = Field(o, name, path, required);
  if (!v) return std::nullopt;
  if (const auto* i = v->if_int64()) return static_cast<double>(*i);
  if (const auto* u = v->if_uint64()) return static_cast<double>(*u);
  if (const auto* d = v->if_double()) return *d;
  Add(Join(path, name),
      Join(path, name) + " must be a number, got " + std::string(JsonKindName(*v)), kType);
  return std::nullopt;
}

std::optional<std::vector<std::string>> Compiler::Strings(const boost::json::object& o,
                                                          std::string_view name,
                                                          const std::string& path, bool required) {
  const auto* v = Field(o, name, path, required);
  if (!v) return std::nullopt;
  const auto* a = v->if_array();
  if (!a) {
    Add(Join(path, name),
        Join(path, name) + " must be an array of strings, got " + std::string(JsonKindName(*v)),
        kType);
    return std::nullopt;
  }
  std::vector<std::string> out;
  bool ok = true;
  for (size_t i = 0; i < a->size(); ++i) {
    if (const auto* s = (*a)[i].if_string()) {
      out.emplace_back(s->data(), s->size());
    } else {
      Add(At(Join(path, name), i), At(Join(path, name), i) + " must be a string", kType);
      ok = false;
    }
  }
  if (!ok) return std::nullopt;
  return out;
}

std::optional<std::string> Compiler::OneOf(const boost::json::object& o, std::string_view name,
                                           const std::string& path, bool required,
                                           const std::vector<std::string_view>& allowed) {
  auto s = String(o, name, path, required);
  if (!s) return std::nullopt;
  if (std::find(allowed.begin(), allowed.end(), *s) != allowed.end()) return s;
  std::string list;
  for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
  Add(Join(path, name),
      Join(path, name) + " must be one of " + list + ", got \"" + s->substr(0, 100) + "\"", kValue);
  return std::nullopt;
}

const store::PropertyRecord* Compiler::Property(const Scope& scope, const std::string& name,
                                                const std::string& path, bool* known) {
  *known = true;
  if (scope.event || !scope.props) return nullptr;
  const store::PropertyRecord* p = scope.props->Find(name);
  if (!p) {
    *known = false;
    Add(path,
        "Property " + name.substr(0, 100) + " does not exist on object type " +
            scope.object_type_id,
        kUnknownProperty);
    return nullptr;
  }
  if (p->data_sensitivity == "highly_sensitive") {
    Add(path, "Property " + name + " is highly sensitive: it cannot be used in filters",
        "HIGHLY_SENSITIVE_PROPERTY");
  }
  return p;
}

Scope Compiler::RecordScope(const std::string& object_type_id, const std::string& path) {
  Scope s;
  s.object_type_id = object_type_id;
  if (!options_.check_properties) return s;
  if (!lookup_) {
    s.props = std::make_shared<const PropertySet>();
    return s;
  }
  auto props = lookup_(object_type_id);
  if (!props.ok()) {
    if (!lookup_error_) lookup_error_ = props.error();
    s.props = std::make_shared<const PropertySet>();
    return s;
  }
  s.props = props.value() ? props.value() : std::make_shared<const PropertySet>();
  (void)path;
  return s;
}

std::vector<Filter> Compiler::CompileFilters(const boost::json::object& o, const Scope& scope,
                                             const std::string& path) {
  std::vector<Filter> out;
  const auto* v = Field(o, "filters", path, false);
  if (!v) return out;
  const auto* a = v->if_array();
  if (!a) {
    Add(Join(path, "filters"), Join(path, "filters") + " must be an array", kType);
    return out;
  }
  for (size_t i = 0; i < a->size(); ++i) {
    out.push_back(CompileFilter((*a)[i], scope, At(Join(path, "filters"), i)));
  }
  return out;
}

std::vector<Branch> Compiler::CompileBranches(const boost::json::object& o, const Scope& scope,
                                              const std::string& path, size_t depth) {
  std::vector<Branch> out;
  const auto* v = Field(o, "filterBranches", path, false);
  if (!v) return out;
  const auto* a = v->if_array();
  if (!a) {
    Add(Join(path, "filterBranches"), Join(path, "filterBranches") + " must be an array", kType);
    return out;
  }
  for (size_t i = 0; i < a->size(); ++i) {
    out.push_back(CompileBranch((*a)[i], scope, At(Join(path, "filterBranches"), i), depth + 1));
  }
  return out;
}

Branch Compiler::CompileBranch(const boost::json::value& v, const Scope& scope,
                               const std::string& path, size_t depth) {
  Branch b;
  if (depth > options_.max_depth) {
    Add(path,
        "Filter branches are nested deeper than " + std::to_string(options_.max_depth) + " levels",
        kDepth);
    return b;
  }
  const auto* o = Object(v, path);
  if (!o) return b;
  auto type = String(*o, "filterBranchType", path, true);
  if (!type) return b;
  const std::string type_path = Join(path, "filterBranchType");
  static const std::map<std::string, Branch::Kind, std::less<>> kPlain = {
      {"OR", Branch::Kind::kOr},
      {"AND", Branch::Kind::kAnd},
      {"NOT_ALL", Branch::Kind::kNotAll},
      {"NOT_ANY", Branch::Kind::kNotAny}};
  if (auto it = kPlain.find(*type); it != kPlain.end()) {
    // filterBranchOperator mirrors the type for these branches; the type decides.
    b.kind = it->second;
    b.filters = CompileFilters(*o, scope, path);
    b.branches = CompileBranches(*o, scope, path, depth);
    return b;
  }
  if (*type == "RESTRICTED") {
    Add(type_path,
        "Filter branch type RESTRICTED is not supported: it holds HubSpot-internal criteria "
        "whose data flowd does not hold",
        kUnsupportedBranch);
    return b;
  }
  if (*type != "UNIFIED_EVENTS" && *type != "ASSOCIATION") {
    Add(type_path, "Unknown filterBranchType \"" + type->substr(0, 100) + "\"", kValue);
    return b;
  }
  if (scope.event) {
    Add(type_path,
        *type +
            " branches cannot be nested inside a UNIFIED_EVENTS branch (its filters read "
            "the event's properties)",
        kValue);
    return b;
  }
  auto op = OneOf(*o, "filterBranchOperator", path, false, {"AND", "OR"});
  b.combine_or = op && *op == "OR";
  if (*type == "UNIFIED_EVENTS") {
    b.kind = Branch::Kind::kUnifiedEvents;
    if (auto id = String(*o, "eventTypeId", path, true)) {
      if (CheckEventType(*id, Join(path, "eventTypeId"))) b.event_type_id = *id;
    }
    if (auto oper = OneOf(*o, "operator", path, true, {"HAS_COMPLETED", "HAS_NOT_COMPLETED"})) {
      b.negate = *oper == "HAS_NOT_COMPLETED";
    }
    CompileRefinement(*o, "pruningRefineBy", b.refinement, scope, path, false);
    CompileRefinement(*o, "coalescingRefineBy", b.refinement, scope, path, false);
    Scope ev;
    ev.event = true;
    ev.event_type_id = b.event_type_id;
    ev.record = &scope;
    b.filters = CompileFilters(*o, ev, path);
    b.branches = CompileBranches(*o, ev, path, depth);
    return b;
  }
  b.kind = Branch::Kind::kAssociation;
  auto target = String(*o, "objectTypeId", path, true);
  if (target && !IsObjectTypeId(*target)) {
    Add(Join(path, "objectTypeId"),
        "objectTypeId must be an object type id such as 0-2, got \"" + target->substr(0, 100) +
            "\"",
        kValue);
    target.reset();
  }
  if (auto t = Int(*o, "associationTypeId", path, true)) b.association_type_id = *t;
  if (auto c = OneOf(*o, "associationCategory", path, true,
                     {"HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED", "WORK"})) {
    b.association_category = *c;
  }
  if (auto oper = OneOf(*o, "operator", path, true, {"IN_LIST", "NOT_IN_LIST"})) {
    b.negate = *oper == "NOT_IN_LIST";
  }
  if (!target) return b;
  b.object_type_id = *target;
  const Scope assoc = RecordScope(*target, Join(path, "objectTypeId"));
  b.filters = CompileFilters(*o, assoc, path);
  b.branches = CompileBranches(*o, assoc, path, depth);
  return b;
}

Filter Compiler::CompileFilter(const boost::json::value& v, const Scope& scope,
                               const std::string& path) {
  Filter f;
  const auto* o = Object(v, path);
  if (!o) return f;
  auto type = String(*o, "filterType", path, true);
  if (!type) return f;
  const std::string type_path = Join(path, "filterType");
  if (scope.event && *type != "PROPERTY") {
    Add(type_path,
        "Only PROPERTY filters apply inside a UNIFIED_EVENTS branch (they read the event's "
        "properties), got " +
            type->substr(0, 100),
        kValue);
    return f;
  }
  if (auto it = UnsupportedFilters().find(*type); it != UnsupportedFilters().end()) {
    Add(type_path, "Filter type " + *type + " is not supported: " + it->second, kUnsupportedFilter);
    return f;
  }
  if (*type == "PROPERTY") {
    f.kind = Filter::Kind::kProperty;
    auto name = String(*o, "property", path, true);
    const store::PropertyRecord* prop = nullptr;
    bool known = true;
    if (name) {
      f.line.property = *name;
      prop = Property(scope, *name, Join(path, "property"), &known);
    }
    if (const auto* op = Field(*o, "operation", path, true)) {
      f.line.operation = CompileOperation(*op, f.line.property, known ? prop : nullptr, scope,
                                          Join(path, "operation"));
    }
    return f;
  }
  if (*type == "CONSTANT") {
    f.kind = Filter::Kind::kConstant;
    if (auto a = Bool(*o, "shouldAccept", path, true)) f.accept = *a;
    return f;
  }
  if (*type == "IN_LIST" || *type == "ASSOCIATION") {
    f.kind = *type == "IN_LIST" ? Filter::Kind::kInList : Filter::Kind::kAssociationInList;
    if (const auto* id = Field(*o, "listId", path, true)) {
      if (const auto* s = id->if_string(); s && !s->empty() && s->size() <= kMaxIdLength) {
        f.list_id = std::string(s->data(), s->size());
      } else if (const auto* i = id->if_int64(); i && *i > 0) {
        f.list_id = std::to_string(*i);
      } else {
        Add(Join(path, "listId"), "listId must be a list id (a non-empty string)", kType);
      }
    }
    if (auto oper = OneOf(*o, "operator", path, true, {"IN_LIST", "NOT_IN_LIST"})) {
      f.negate = *oper == "NOT_IN_LIST";
    }
    if (f.kind == Filter::Kind::kInList) {
      if (const auto* m = Field(*o, "metadata", path, false)) {
        std::string what = "metadata";
        if (const auto* mo = m->if_object()) {
          if (const auto* t = mo->if_contains("inListType"); t && t->is_string()) {
            what = std::string(t->as_string());
          }
        }
        Add(Join(path, "metadata"),
            "IN_LIST filters with metadata (" + what.substr(0, 100) +
                ") are not supported: flowd holds no workflow, import or dataset memberships",
            kUnsupported);
      }
      return f;
    }
    if (auto t = Int(*o, "associationTypeId", path, true)) f.association_type_id = *t;
    if (auto c = OneOf(*o, "associationCategory", path, true,
                       {"HUBSPOT_DEFINED", "USER_DEFINED", "INTEGRATOR_DEFINED", "WORK"})) {
      f.association_category = *c;
    }
    if (auto to = String(*o, "toObjectTypeId", path, false)) {
      if (IsObjectTypeId(*to)) {
        f.to_object_type_id = *to;
      } else {
        Add(Join(path, "toObjectTypeId"), "toObjectTypeId must be an object type id such as 0-2",
            kValue);
      }
    } else if (auto name = String(*o, "toObjectType", path, false)) {
      if (auto t = FindStandardObjectType(*name)) {
        f.to_object_type_id = t->id;
      } else {
        Add(Join(path, "toObjectType"), "Unknown toObjectType \"" + name->substr(0, 100) + "\"",
            kValue);
      }
    }
    CompileRefinement(*o, "coalescingRefineBy", f.refinement, scope, path, true);
    return f;
  }
  if (*type == "FORM_SUBMISSION" || *type == "UNIFIED_EVENTS" || *type == "EVENT") {
    CompileEventFilter(*o, *type, f, scope, path);
    return f;
  }
  Add(type_path, "Unknown filterType \"" + type->substr(0, 100) + "\"", kValue);
  return f;
}

void Compiler::CompileEventFilter(const boost::json::object& o, const std::string& type, Filter& f,
                                  const Scope& scope, const std::string& path) {
  if (type == "FORM_SUBMISSION") {
    f.kind = Filter::Kind::kFormSubmission;
    f.event_type_id = "4-1639801";
    if (auto oper = OneOf(o, "operator", path, true, {"FILLED_OUT", "NOT_FILLED_OUT"})) {
      f.negate = *oper == "NOT_FILLED_OUT";
    }
    if (auto form = String(o, "formId", path, false)) f.form_id = *form;
  } else if (type == "EVENT") {
    f.kind = Filter::Kind::kEvents;
    if (auto id = String(o, "eventId", path, true)) {
      if (CheckEventType(*id, Join(path, "eventId"))) f.event_type_id = *id;
    }
    if (auto oper = OneOf(o, "operator", path, true, {"HAS_EVENT", "NOT_HAS_EVENT"})) {
      f.negate = *oper == "NOT_HAS_EVENT";
    }
  } else {
    f.kind = Filter::Kind::kEvents;
    if (auto id = String(o, "eventTypeId", path, false)) {
      if (CheckEventType(*id, Join(path, "eventTypeId"))) f.event_type_id = *id;
    } else if (!o.if_contains("eventTypeId") || o.at("eventTypeId").is_null()) {
      Add(Join(path, "eventTypeId"),
          "eventTypeId is required: flowd evaluates UNIFIED_EVENTS filters on one event type",
          kRequired);
    }
    Scope ev;
    ev.event = true;
    ev.event_type_id = f.event_type_id;
    ev.record = &scope;
    if (const auto* lines = Field(o, "filterLines", path, true)) {
      if (const auto* a = lines->if_array()) {
        for (size_t i = 0; i < a->size(); ++i) {
          const std::string lp = At(Join(path, "filterLines"), i);
          const auto* lo = Object((*a)[i], lp);
          if (!lo) continue;
          PropertyLine line;
          if (auto name = String(*lo, "property", lp, true)) line.property = *name;
          if (const auto* op = Field(*lo, "operation", lp, true)) {
            line.operation =
                CompileOperation(*op, line.property, nullptr, ev, Join(lp, "operation"));
          }
          f.lines.push_back(std::move(line));
        }
      } else {
        Add(Join(path, "filterLines"), Join(path, "filterLines") + " must be an array", kType);
      }
    }
  }
  CompileRefinement(o, "pruningRefineBy", f.refinement, scope, path, false);
  CompileRefinement(o, "coalescingRefineBy", f.refinement, scope, path, false);
}

bool Compiler::CheckEventType(const std::string& id, const std::string& path) {
  if (id.empty() || id.size() > kMaxIdLength) {
    Add(path, "An event type id must be 1 to 200 characters", kValue);
    return false;
  }
  if (store::IsInternalEventType(id)) {
    // flowd's own bookkeeping (archives, list membership changes): HubSpot shows no such events.
    Add(path, "Event type " + id.substr(0, 100) + " is flowd's internal bookkeeping, not an event",
        kUnsupportedEvent);
    return false;
  }
  if (id.rfind("4-", 0) == 0 && id != "4-1463224" && id != "4-655002" && id != "4-1639801") {
    Add(path,
        "Event type " + id.substr(0, 100) +
            " is not supported: flowd records object created (4-1463224), property value "
            "changed (4-655002), form submitted (4-1639801) and custom events only",
        kUnsupportedEvent);
    return false;
  }
  return true;
}

}  // namespace internal

namespace {

Error CompileError(std::vector<ErrorDetail> details) {
  std::string msg =
      details.size() == 1
          ? details[0].message
          : std::to_string(details.size()) +
                " problems in the filter definition, the first: " + details[0].message;
  return Error::Invalid(std::move(msg), std::move(details));
}

}  // namespace

Result<CompiledFilter> CompileFilterBranch(const boost::json::value& branch,
                                           const std::string& object_type_id,
                                           const PropertyLookup& lookup,
                                           const CompileOptions& options) {
  internal::Compiler c(lookup, options);
  const internal::Scope root = c.RecordScope(object_type_id, options.path);
  CompiledFilter out;
  out.object_type_id = object_type_id;
  out.root = c.CompileBranch(branch, root, options.path, 1);
  if (c.lookup_error()) return *c.lookup_error();
  if (!c.errors().empty()) return CompileError(std::move(c.errors()));
  return out;
}

Status ValidateFilterBranch(const boost::json::value& branch, const std::string& object_type_id,
                            const PropertySet& properties, const PropertyLookup& other_types,
                            const std::string& path) {
  auto root = std::make_shared<const PropertySet>(properties);
  PropertyLookup lookup =
      [&](const std::string& type) -> Result<std::shared_ptr<const PropertySet>> {
    if (type == object_type_id) return root;
    if (other_types) return other_types(type);
    return std::make_shared<const PropertySet>();
  };
  CompileOptions options;
  options.path = path;
  auto compiled = CompileFilterBranch(branch, object_type_id, lookup, options);
  if (!compiled.ok()) return std::move(compiled).error();
  return Status::Ok();
}

}  // namespace flowd::crm::filter
