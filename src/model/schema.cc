#include "model/schema.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/string.hpp>
#include <cmath>
#include <string>

namespace flowd::model::schema {
namespace json = boost::json;

namespace {

// Deeper than any valid flow (ParseJsonStrict already caps JSON depth); guards hand-built values.
constexpr size_t kMaxWalkDepth = 128;

std::string Quote(std::string_view s) {
  std::string out = "\"";
  // Keep messages short and printable: long or odd values are cut.
  constexpr size_t kMax = 64;
  for (size_t i = 0; i < s.size() && i < kMax; ++i) {
    unsigned char ch = static_cast<unsigned char>(s[i]);
    out += (ch < 0x20 || ch == '"' || ch == '\\') ? '?' : static_cast<char>(ch);
  }
  if (s.size() > kMax) out += "...";
  out += "\"";
  return out;
}

std::string JoinValues(const std::vector<std::string>& values) {
  std::string out = "[";
  for (size_t i = 0; i < values.size(); ++i) {
    if (i) out += ", ";
    out += values[i];
  }
  out += "]";
  return out;
}

void TypeError(std::string_view expected, const json::value& v, Path& path, Context& ctx) {
  ctx.Add(path.str(),
          "Expected " + std::string(expected) + " but got " + std::string(JsonKindName(v)),
          kCodeType);
}

json::value DefaultFor(const Type& t) {
  switch (t.kind) {
    case Kind::kArray:
      return json::array();
    case Kind::kMap:
      return json::object();
    case Kind::kBool:
      return false;
    default:
      return nullptr;
  }
}

// Any JSON: copied as is, but strings and containers still obey the limits.
void CheckAny(const json::value& v, Path& path, Context& ctx, size_t depth) {
  if (ctx.full()) return;
  const FlowLimits& lim = ctx.limits();
  if (depth > kMaxWalkDepth) {
    ctx.Add(path.str(), "Value is nested too deeply", kCodeLimit);
    return;
  }
  if (v.is_string()) {
    if (v.get_string().size() > lim.max_string_length) {
      ctx.Add(path.str(),
              "String is too long: " + std::to_string(v.get_string().size()) + " bytes (limit " +
                  std::to_string(lim.max_string_length) + ")",
              kCodeLimit);
    }
  } else if (v.is_array()) {
    const json::array& a = v.get_array();
    if (a.size() > lim.max_array_items) {
      ctx.Add(path.str(),
              "Too many items: " + std::to_string(a.size()) + " (limit " +
                  std::to_string(lim.max_array_items) + ")",
              kCodeLimit);
      return;
    }
    for (size_t i = 0; i < a.size(); ++i) {
      size_t mark = path.Push(i);
      CheckAny(a[i], path, ctx, depth + 1);
      path.Pop(mark);
    }
  } else if (v.is_object()) {
    const json::object& o = v.get_object();
    if (o.size() > lim.max_array_items) {
      ctx.Add(path.str(),
              "Too many entries: " + std::to_string(o.size()) + " (limit " +
                  std::to_string(lim.max_array_items) + ")",
              kCodeLimit);
      return;
    }
    for (const auto& kv : o) {
      size_t mark = path.Push(kv.key());
      CheckAny(kv.value(), path, ctx, depth + 1);
      path.Pop(mark);
    }
  }
}

json::value WalkInteger(const Type& t, const json::value& v, Path& path, Context& ctx) {
  const bool is32 = t.kind == Kind::kInt32;
  const char* what = is32 ? "a 32-bit integer" : "a 64-bit integer";
  if (v.is_double()) {
    double d = v.get_double();
    if (!std::isfinite(d) || (d == std::trunc(d) && std::fabs(d) >= 9.0e15)) {
      ctx.Add(path.str(), std::string("Number is out of range for ") + what, kCodeRange);
    } else {
      ctx.Add(path.str(), std::string("Expected ") + what + " but got a decimal number",
              kCodeInteger);
    }
    return v;
  }
  if (v.is_uint64() || !v.is_int64()) {
    if (v.is_uint64()) {
      ctx.Add(path.str(), std::string("Number is out of range for ") + what, kCodeRange);
    } else {
      TypeError(std::string(what), v, path, ctx);
    }
    return v;
  }
  int64_t n = v.get_int64();
  int64_t lo = t.min, hi = t.max;
  if (is32) {
    lo = std::max<int64_t>(lo, INT32_MIN);
    hi = std::min<int64_t>(hi, INT32_MAX);
  }
  if (n < lo || n > hi) {
    bool type_range = is32 && (n < INT32_MIN || n > INT32_MAX);
    ctx.Add(path.str(),
            type_range ? std::string("Number is out of range for ") + what
                       : "Value " + std::to_string(n) + " is out of range [" + std::to_string(lo) +
                             ", " + std::to_string(hi) + "]",
            kCodeRange);
  }
  return v;
}

json::value WalkEnum(const Type& t, const json::value& v, Path& path, Context& ctx) {
  if (!v.is_string()) {
    TypeError("a string", v, path, ctx);
    return v;
  }
  std::string_view s = v.get_string();
  for (const auto& [alias, canonical] : t.aliases) {
    if (s == alias) return json::string(canonical);
  }
  if (std::find(t.values.begin(), t.values.end(), s) != t.values.end()) return v;
  ErrorContext ec;
  ec["allowedValues"] = t.values;
  ctx.Add(path.str(), "Invalid value " + Quote(s) + "; expected one of " + JoinValues(t.values),
          kCodeEnum, std::move(ec));
  return v;
}

json::value WalkUnion(const UnionSchema& u, const json::value& v, Path& path, Context& ctx) {
  if (!v.is_object()) {
    TypeError("an object", v, path, ctx);
    return nullptr;
  }
  const json::object& o = v.get_object();
  const ObjectSchema* chosen = nullptr;
  for (const UnionRule& r : u.rules) {
    auto it = o.find(r.field);
    if (it != o.end() && it->value().is_string() && it->value().get_string() == r.value) {
      chosen = r.schema;
      break;
    }
  }
  if (!chosen) {
    std::string tag_path = path.Join(u.tag);
    auto it = o.find(u.tag);
    if (it == o.end() || it->value().is_null()) {
      ctx.Add(tag_path, "Some required fields were not set: [" + u.tag + "]", kCodeRequired);
    } else if (!it->value().is_string()) {
      ctx.Add(tag_path, "Expected a string but got " + std::string(JsonKindName(it->value())),
              kCodeType);
    } else {
      std::vector<std::string> allowed;
      for (const UnionRule& r : u.rules) {
        if (r.field == u.tag &&
            std::find(allowed.begin(), allowed.end(), r.value) == allowed.end()) {
          allowed.push_back(r.value);
        }
      }
      ErrorContext ec;
      ec["allowedValues"] = allowed;
      ctx.Add(tag_path,
              "Unknown " + u.tag + " " + Quote(it->value().get_string()) + "; expected one of " +
                  JoinValues(allowed),
              kCodeTag, std::move(ec));
    }
    return nullptr;
  }
  if (u.counts_filter_depth) {
    if (ctx.filter_depth >= ctx.limits().max_filter_depth) {
      ctx.Add(path.str(),
              "Filter branches are nested too deeply (limit " +
                  std::to_string(ctx.limits().max_filter_depth) + ")",
              kCodeLimit);
      return nullptr;
    }
    ++ctx.filter_depth;
    json::value out = WalkObject(*chosen, o, path, ctx);
    --ctx.filter_depth;
    return out;
  }
  return WalkObject(*chosen, o, path, ctx);
}

}  // namespace

// ---- Registry -------------------------------------------------------------------------------

namespace {
Type Make(Kind kind) {
  Type t;
  t.kind = kind;
  return t;
}
}  // namespace

const Type* Registry::Add(Type t) {
  types_.push_back(std::move(t));
  return &types_.back();
}

const Type* Registry::String() { return Add(Make(Kind::kString)); }
const Type* Registry::Bool() { return Add(Make(Kind::kBool)); }
const Type* Registry::Number() { return Add(Make(Kind::kNumber)); }
const Type* Registry::Any() { return Add(Make(Kind::kAny)); }
const Type* Registry::AnyObject() { return Add(Make(Kind::kAnyObject)); }
const Type* Registry::Int32(int64_t min, int64_t max) {
  Type t = Make(Kind::kInt32);
  t.min = min;
  t.max = max;
  return Add(std::move(t));
}
const Type* Registry::Int64() { return Add(Make(Kind::kInt64)); }
const Type* Registry::Enum(std::vector<std::string> values,
                           std::vector<std::pair<std::string, std::string>> aliases) {
  Type t = Make(Kind::kEnum);
  t.values = std::move(values);
  t.aliases = std::move(aliases);
  return Add(std::move(t));
}
const Type* Registry::Ref(std::string_view object_name) {
  Type t = Make(Kind::kObject);
  t.object = ObjectSlot(object_name);
  return Add(std::move(t));
}
const Type* Registry::Union(std::string_view union_name) {
  Type t = Make(Kind::kUnion);
  t.union_schema = UnionSlot(union_name);
  return Add(std::move(t));
}
const Type* Registry::Array(const Type* element, ArrayLimit limit) {
  Type t = Make(Kind::kArray);
  t.element = element;
  t.array_limit = limit;
  return Add(std::move(t));
}
const Type* Registry::Map(const Type* value) {
  Type t = Make(Kind::kMap);
  t.element = value;
  return Add(std::move(t));
}

ObjectSchema* Registry::ObjectSlot(std::string_view name) {
  auto it = objects_.find(name);
  if (it != objects_.end()) return it->second.get();
  auto o = std::make_unique<ObjectSchema>();
  o->name = std::string(name);
  ObjectSchema* raw = o.get();
  objects_.emplace(std::string(name), std::move(o));
  return raw;
}

UnionSchema* Registry::UnionSlot(std::string_view name) {
  auto it = unions_.find(name);
  if (it != unions_.end()) return it->second.get();
  auto u = std::make_unique<UnionSchema>();
  u->name = std::string(name);
  UnionSchema* raw = u.get();
  unions_.emplace(std::string(name), std::move(u));
  return raw;
}

void Registry::Object(std::string_view name, std::vector<Field> fields) {
  ObjectSchema* o = ObjectSlot(name);
  o->fields = std::move(fields);
  o->defined = true;
}

void Registry::DefineUnion(std::string_view name, std::string tag, std::vector<RuleSpec> rules) {
  UnionSchema* u = UnionSlot(name);
  u->tag = std::move(tag);
  for (RuleSpec& r : rules) {
    u->rules.push_back(UnionRule{std::move(r.field), std::move(r.value), ObjectSlot(r.object)});
  }
  u->defined = true;
}

void Registry::CountFilterDepth(std::string_view union_name) {
  UnionSlot(union_name)->counts_filter_depth = true;
}

const ObjectSchema* Registry::FindObject(std::string_view name) const {
  auto it = objects_.find(name);
  return it == objects_.end() ? nullptr : it->second.get();
}

const UnionSchema* Registry::FindUnion(std::string_view name) const {
  auto it = unions_.find(name);
  return it == unions_.end() ? nullptr : it->second.get();
}

std::vector<const UnionSchema*> Registry::Unions() const {
  std::vector<const UnionSchema*> out;
  for (const auto& kv : unions_) out.push_back(kv.second.get());
  return out;
}

std::vector<std::string> Registry::Undefined() const {
  std::vector<std::string> out;
  for (const auto& [name, o] : objects_) {
    if (!o->defined) out.push_back(name);
  }
  for (const auto& [name, u] : unions_) {
    if (!u->defined) out.push_back(name);
  }
  return out;
}

// ---- Context / Path ---------------------------------------------------------------------------

void Context::Add(std::string in, std::string message, std::string_view code,
                  ErrorContext context) {
  if (full_) return;
  if (errors_.size() >= kMaxErrors) {
    errors_.push_back(ErrorDetail{
        "Too many problems; only the first " + std::to_string(kMaxErrors) + " are reported",
        "",
        std::string(kCodeLimit),
        {}});
    full_ = true;
    return;
  }
  errors_.push_back(
      ErrorDetail{std::move(message), std::move(in), std::string(code), std::move(context)});
}

size_t Path::Push(std::string_view field) {
  size_t mark = s_.size();
  if (!s_.empty()) s_ += '.';
  s_ += field;
  return mark;
}

size_t Path::Push(size_t index) {
  size_t mark = s_.size();
  s_ += '[';
  s_ += std::to_string(index);
  s_ += ']';
  return mark;
}

std::string Path::Join(std::string_view field) const {
  return s_.empty() ? std::string(field) : s_ + "." + std::string(field);
}

std::string_view JsonKindName(const json::value& v) {
  switch (v.kind()) {
    case json::kind::null:
      return "null";
    case json::kind::bool_:
      return "a boolean";
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return "a number";
    case json::kind::string:
      return "a string";
    case json::kind::array:
      return "an array";
    case json::kind::object:
      return "an object";
  }
  return "a value";
}

// ---- Walker -----------------------------------------------------------------------------------

json::object WalkObject(const ObjectSchema& schema, const json::object& o, Path& path,
                        Context& ctx) {
  json::object out;
  for (const Field& f : schema.fields) {
    if (ctx.full()) break;
    auto it = o.find(f.name);
    if (it == o.end() || it->value().is_null()) {
      if (f.presence == kRequired) {
        ctx.Add(path.Join(f.name), "Some required fields were not set: [" + f.name + "]",
                kCodeRequired);
      } else if (f.presence == kDefaulted) {
        out[f.name] = DefaultFor(*f.type);
      }
      continue;
    }
    size_t mark = path.Push(f.name);
    json::value v = Walk(*f.type, it->value(), path, ctx);
    path.Pop(mark);
    if (f.flag == kPropertyRef && v.is_string() && !v.get_string().empty()) {
      ctx.properties().insert(std::string(v.get_string()));
    }
    out[f.name] = std::move(v);
  }
  return out;
}

json::value Walk(const Type& t, const json::value& v, Path& path, Context& ctx) {
  if (ctx.full()) return nullptr;
  if (ctx.depth >= kMaxWalkDepth) {
    ctx.Add(path.str(), "Value is nested too deeply", kCodeLimit);
    return nullptr;
  }
  struct DepthGuard {
    size_t& d;
    explicit DepthGuard(size_t& x) : d(x) { ++d; }
    ~DepthGuard() { --d; }
  } guard(ctx.depth);
  const FlowLimits& lim = ctx.limits();

  switch (t.kind) {
    case Kind::kString:
      if (!v.is_string()) {
        TypeError("a string", v, path, ctx);
      } else if (v.get_string().size() > lim.max_string_length) {
        ctx.Add(path.str(),
                "String is too long: " + std::to_string(v.get_string().size()) + " bytes (limit " +
                    std::to_string(lim.max_string_length) + ")",
                kCodeLimit);
      }
      return v;
    case Kind::kBool:
      if (!v.is_bool()) TypeError("a boolean", v, path, ctx);
      return v;
    case Kind::kNumber:
      if (!v.is_number()) TypeError("a number", v, path, ctx);
      return v;
    case Kind::kInt32:
    case Kind::kInt64:
      if (!v.is_number()) {
        TypeError(t.kind == Kind::kInt32 ? "a 32-bit integer" : "a 64-bit integer", v, path, ctx);
        return v;
      }
      return WalkInteger(t, v, path, ctx);
    case Kind::kEnum:
      return WalkEnum(t, v, path, ctx);
    case Kind::kObject:
      if (!v.is_object()) {
        TypeError("an object", v, path, ctx);
        return nullptr;
      }
      return WalkObject(*t.object, v.get_object(), path, ctx);
    case Kind::kUnion:
      return WalkUnion(*t.union_schema, v, path, ctx);
    case Kind::kArray: {
      if (!v.is_array()) {
        TypeError("an array", v, path, ctx);
        return json::array();
      }
      const json::array& a = v.get_array();
      bool actions = t.array_limit == ArrayLimit::kActions;
      size_t limit = actions ? lim.max_actions : lim.max_array_items;
      if (a.size() > limit) {
        ctx.Add(path.str(),
                std::string(actions ? "Too many actions: " : "Too many items: ") +
                    std::to_string(a.size()) + " (limit " + std::to_string(limit) + ")",
                kCodeLimit);
        return json::array();
      }
      json::array out;
      out.reserve(a.size());
      for (size_t i = 0; i < a.size(); ++i) {
        size_t mark = path.Push(i);
        out.push_back(Walk(*t.element, a[i], path, ctx));
        path.Pop(mark);
      }
      return out;
    }
    case Kind::kMap: {
      if (!v.is_object()) {
        TypeError("an object", v, path, ctx);
        return json::object();
      }
      const json::object& o = v.get_object();
      if (o.size() > lim.max_array_items) {
        ctx.Add(path.str(),
                "Too many entries: " + std::to_string(o.size()) + " (limit " +
                    std::to_string(lim.max_array_items) + ")",
                kCodeLimit);
        return json::object();
      }
      json::object out;
      for (const auto& kv : o) {
        if (kv.key().size() > lim.max_string_length) {
          ctx.Add(path.str(), "Key is too long: " + std::to_string(kv.key().size()) + " bytes",
                  kCodeLimit);
          continue;
        }
        size_t mark = path.Push(kv.key());
        out[kv.key()] = Walk(*t.element, kv.value(), path, ctx);
        path.Pop(mark);
      }
      return out;
    }
    case Kind::kAny:
      CheckAny(v, path, ctx, ctx.depth);
      return v;
    case Kind::kAnyObject:
      if (!v.is_object()) {
        TypeError("an object", v, path, ctx);
        return json::object();
      }
      CheckAny(v, path, ctx, ctx.depth);
      return v;
  }
  return v;
}

}  // namespace flowd::model::schema
