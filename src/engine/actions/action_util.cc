#include "engine/actions/action_util.h"

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <set>
#include <sstream>
#include <vector>

#include "common/text.h"
#include "common/time_format.h"
#include "crm/filter/time_zone.h"
#include "crm/object_types.h"

namespace flowd::engine::actions {

namespace json = boost::json;
namespace chr = std::chrono;

namespace {

constexpr int64_t kDayMs = 86'400'000;

}  // namespace

std::string Ctx::ObjectTypeName() const {
  auto type = crm::FindStandardObjectType(object_type());
  return type ? AsciiUpper(type->singular) : object_type();
}

namespace {

const json::object& EmptyObject() {
  static const json::object empty;
  return empty;
}

const json::object& FieldsOf(const json::object& action) {
  const auto* f = action.if_contains("fields");
  return f && f->is_object() ? f->get_object() : EmptyObject();
}

int64_t FloorDiv(int64_t a, int64_t b) { return a / b - ((a % b != 0) && ((a < 0) != (b < 0))); }

}  // namespace

// ---- Ctx

Ctx::Ctx(const ActionInput& input, ActionEnv& e)
    : in(input),
      env(e),
      action(*input.action),
      fields(FieldsOf(*input.action)),
      action_id(TextField(*input.action, "actionId").value_or("")) {}

store::ChangeSource Ctx::Source() const {
  return store::ChangeSource{"WORKFLOW", std::to_string(in.enrollment->flow_id)};
}

Result<const Values*> Ctx::Enrolled() {
  if (!loaded_) {
    FLOWD_ASSIGN_OR_RETURN(enrolled_, env.Values(object_type(), object_id()));
    loaded_ = true;
  }
  return enrolled_ ? &*enrolled_ : static_cast<const Values*>(nullptr);
}

Result<std::optional<const Values*>> Ctx::RequireEnrolled() {
  FLOWD_ASSIGN_OR_RETURN(const Values* v, Enrolled());
  if (!v) {
    return Problem("the enrolled record (" + object_type() + " " + std::to_string(object_id()) +
                   ") no longer exists");
  }
  return std::optional<const Values*>(v);
}

NoValue Ctx::Problem(std::string message) {
  problem = std::move(message);
  return {};
}

// ---- results

ActionResult Failed(std::string error, json::object detail) {
  ActionResult r;
  r.outcome = "FAILED";
  r.failed = true;
  detail["error"] = error;
  r.error = std::move(error);
  r.detail = std::move(detail);
  return r;
}

ActionResult Continue(const json::object& action, json::object detail) {
  ActionResult r;
  r.next_action_id = NextOf(action);
  r.detail = std::move(detail);
  return r;
}

ActionResult Branched(std::optional<std::string> next, json::object detail) {
  ActionResult r;
  r.outcome = "BRANCHED";
  r.next_action_id = std::move(next);
  r.detail = std::move(detail);
  return r;
}

ActionResult DefaultBranch(const json::object& action, json::object detail) {
  detail["branch"] = "default";
  if (auto name = TextField(action, "defaultBranchName")) detail["branchName"] = *name;
  return Branched(ConnectionTarget(action.if_contains("defaultBranch")), std::move(detail));
}

std::optional<std::string> ConnectionTarget(const json::value* connection) {
  if (!connection || !connection->is_object()) return std::nullopt;
  return TextField(connection->get_object(), "nextActionId");
}

// ---- fields

std::optional<std::string> TextField(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v || v->is_null() || v->is_object() || v->is_array() || v->is_bool()) return std::nullopt;
  return ValueText(*v);
}

std::optional<int64_t> IntField(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  if (!v) return std::nullopt;
  if (v->is_int64()) return v->get_int64();
  if (v->is_uint64() && v->get_uint64() <= static_cast<uint64_t>(INT64_MAX)) {
    return static_cast<int64_t>(v->get_uint64());
  }
  if (v->is_double()) {
    double d = v->get_double();
    if (std::isfinite(d) && d == std::floor(d) && std::fabs(d) < 9e15) {
      return static_cast<int64_t>(d);
    }
    return std::nullopt;
  }
  if (!v->is_string()) return std::nullopt;
  std::string_view s = TrimAscii(v->get_string());
  int64_t out = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || p != s.data() + s.size() || s.empty()) return std::nullopt;
  return out;
}

const json::object* ObjectField(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_object() ? &v->get_object() : nullptr;
}

const json::array* ArrayField(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v && v->is_array() ? &v->get_array() : nullptr;
}

std::string ValueText(const json::value& v) {
  switch (v.kind()) {
    case json::kind::string:
      return std::string(v.get_string());
    case json::kind::int64:
      return std::to_string(v.get_int64());
    case json::kind::uint64:
      return std::to_string(v.get_uint64());
    case json::kind::double_:
      return FormatNumber(v.get_double());
    case json::kind::bool_:
      return v.get_bool() ? "true" : "false";
    case json::kind::null:
      return "";
    default:
      return json::serialize(v);
  }
}

std::optional<double> Number(const json::value& v) {
  if (v.is_number()) return v.to_number<double>();
  if (!v.is_string()) return std::nullopt;
  std::string_view s = TrimAscii(v.get_string());
  if (s.empty()) return std::nullopt;
  double out = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (ec != std::errc() || p != s.data() + s.size() || !std::isfinite(out)) return std::nullopt;
  return out;
}

std::string FormatNumber(double v) {
  if (v == std::floor(v) && std::fabs(v) < 9e15) {
    return std::to_string(static_cast<int64_t>(v));
  }
  char buf[40];
  // The shortest text that reads back as the same double.
  auto [p, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, p) : std::to_string(v);
}

// ---- input values

namespace {

// `current` (a ';'-separated multi-value) with the values of `add` that it lacks appended.
std::string AppendValues(std::string_view current, std::string_view add) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  auto take = [&](std::string_view text) {
    size_t start = 0;
    while (start <= text.size()) {
      size_t end = text.find(';', start);
      if (end == std::string_view::npos) end = text.size();
      std::string part(TrimAscii(text.substr(start, end - start)));
      if (!part.empty() && seen.insert(part).second) out.push_back(part);
      start = end + 1;
    }
  };
  take(current);
  take(add);
  std::string joined;
  for (const auto& p : out) joined += (joined.empty() ? "" : ";") + p;
  return joined;
}

// An instant in the format of `property`: date properties take midnight UTC of the instant's
// date in the account's time zone (HubSpot's stored form of a date); others epoch ms.
Result<std::string> InstantFor(Ctx& ctx, int64_t ms, const InputTarget* target) {
  if (target && target->property && target->property->type == "date") {
    FLOWD_ASSIGN_OR_RETURN(auto zone, crm::filter::TimeZone::Find(ctx.env.TimeZoneId()));
    int64_t local = zone->UtcToLocal(ms);
    return std::to_string(FloorDiv(local, kDayMs) * kDayMs);
  }
  return std::to_string(ms);
}

Result<std::optional<int64_t>> RelativeDatetime(Ctx& ctx, const json::object& delay) {
  auto delta = IntField(delay, "delta");
  auto unit = TextField(delay, "timeUnit");
  if (!delta || !unit) return ctx.Problem("RELATIVE_DATETIME needs timeDelay.delta and timeUnit");
  auto t = AddTime(ctx.in.now_ms, *delta, *unit);
  if (!t) return ctx.Problem("time unit " + *unit + " is not supported");
  unsigned mask = 0;
  if (const auto* days = ArrayField(delay, "daysOfWeek")) {
    auto m = ParseDaysOfWeek(ctx, *days);
    if (!m) return NoValue{};
    mask = *m;
  }
  std::optional<TimeOfDay> tod;
  if (const auto* v = delay.if_contains("timeOfDay"); v && !v->is_null()) {
    tod = ParseTimeOfDay(ctx, *v);
    if (!tod) return NoValue{};
  }
  std::string zone = ctx.env.TimeZoneId();
  if (const auto* s = ObjectField(delay, "timeZoneStrategy")) {
    if (auto id = TextField(*s, "timeZoneId")) zone = *id;
  }
  auto r = NextDayAndTime(*t, mask, tod, zone);
  if (!r.ok()) return ctx.Problem(r.error().message);
  return std::optional<int64_t>(*r);
}

// `token` without its `{{ }}` and surrounding spaces.
std::string_view Untemplated(std::string_view token) {
  token = TrimAscii(token);
  if (token.starts_with("{{") && token.ends_with("}}") && token.size() >= 4) {
    token = TrimAscii(token.substr(2, token.size() - 4));
  }
  return token;
}

// ACTION_OUTPUT_OBJECT_PROPERTY: a property of the record an earlier action created, read now
// (so values written to it since show); a key of an action's other outputs (webhook, custom code)
// reads as FIELD_DATA does. Missing data is "".
Result<std::optional<std::string>> ActionOutputProperty(Ctx& ctx, const std::string& token) {
  auto t = ParseOutputToken(token);
  if (!t) return ctx.Problem("actionOutputPropertyToken \"" + token + "\" names no output");
  if (auto created = OutputObjectOf(ctx, t->action_id)) {
    if (t->key == "hs_object_id") return std::optional<std::string>(std::to_string(created->id));
    FLOWD_ASSIGN_OR_RETURN(auto values, ctx.env.Values(created->object_type_id, created->id));
    if (!values) return std::optional<std::string>("");  // deleted since
    auto it = values->find(t->key);
    return std::optional<std::string>(it != values->end() ? it->second : "");
  }
  const json::object* out = ctx.in.data ? ObjectField(*ctx.in.data, t->action_id) : nullptr;
  const json::value* v = out ? out->if_contains(t->key) : nullptr;
  return std::optional<std::string>(v ? ValueText(*v) : "");
}

// FETCHED_OBJECT_PROPERTY: `fetched_objects.<dataSource>.<property>`.
Result<std::optional<std::string>> FetchedProperty(Ctx& ctx, const std::string& token) {
  std::string_view t = Untemplated(token);
  if (t.starts_with("fetched_objects.")) t.remove_prefix(16);
  size_t dot = t.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == t.size()) {
    return ctx.Problem("propertyToken \"" + token +
                       "\" must read fetched_objects.<dataSource>.<property>");
  }
  FLOWD_ASSIGN_OR_RETURN(auto values, FetchedObject(ctx, std::string(t.substr(0, dot))));
  if (!values) return NoValue{};
  auto it = values->find(std::string(t.substr(dot + 1)));
  return std::optional<std::string>(it == values->end() ? "" : it->second);
}

}  // namespace

std::optional<OutputObject> OutputObjectOf(const Ctx& ctx, std::string_view action_id) {
  const json::object* out = ctx.in.data ? ObjectField(*ctx.in.data, action_id) : nullptr;
  if (!out) return std::nullopt;
  auto type = TextField(*out, "objectTypeId");
  auto id = IntField(*out, "hs_object_id");
  if (!type || !id) return std::nullopt;
  return OutputObject{*type, *id};
}

std::optional<OutputToken> ParseOutputToken(std::string_view token) {
  std::string_view t = Untemplated(token);
  if (t.starts_with("action_outputs.")) t.remove_prefix(15);
  if (t.starts_with("action_output_")) t.remove_prefix(14);
  size_t dot = t.find('.');
  if (dot == std::string_view::npos || dot == 0 || dot + 1 == t.size()) return std::nullopt;
  return OutputToken{std::string(t.substr(0, dot)), std::string(t.substr(dot + 1))};
}

Result<std::optional<Values>> FetchedObject(Ctx& ctx, const std::string& name) {
  const json::array* sources = ctx.in.flow ? ArrayField(*ctx.in.flow, "dataSources") : nullptr;
  const json::object* source = nullptr;
  for (size_t i = 0; sources && i < sources->size() && !source; ++i) {
    const json::value& s = (*sources)[i];
    if (s.is_object() && TextField(s.get_object(), "name") == name) source = &s.get_object();
  }
  if (!source) return ctx.Problem("the flow has no data source named \"" + name + "\"");
  std::string kind = TextField(*source, "type").value_or("");
  if (kind != "ASSOCIATION") {
    return ctx.Problem("data source type " + kind + " is not supported by flowd");
  }
  auto to_type = TextField(*source, "objectTypeId");
  if (!to_type) return ctx.Problem("data source " + name + " needs an objectTypeId");
  FLOWD_ASSIGN_OR_RETURN(auto ids,
                         ctx.env.Associated(ctx.object_type(), ctx.object_id(), *to_type,
                                            TextField(*source, "associationCategory").value_or(""),
                                            IntField(*source, "associationTypeId").value_or(0)));
  std::sort(ids.begin(), ids.end());
  const json::object* sort = ObjectField(*source, "sortBy");
  const std::string by = sort ? TextField(*sort, "property").value_or("") : "";
  const bool desc = sort && TextField(*sort, "order") == "DESC";
  std::optional<Values> best;
  std::string best_key;
  for (int64_t id : ids) {
    FLOWD_ASSIGN_OR_RETURN(auto values, ctx.env.Values(*to_type, id));
    if (!values) continue;  // archived since Associated answered
    if (by.empty()) return std::optional<Values>(std::move(values));
    auto it = values->find(by);
    // Records without the value come last either way; numbers compare as numbers.
    if (it == values->end()) {
      if (!best) best = std::move(values);
      continue;
    }
    bool better = !best || best_key.empty();
    if (!better) {
      auto a = Number(json::value(it->second));
      auto b = Number(json::value(best_key));
      better = a && b ? (desc ? *a > *b : *a < *b)
                      : (desc ? it->second > best_key : it->second < best_key);
    }
    if (better) {
      best_key = it->second;
      best = std::move(values);
    }
  }
  return std::optional<Values>(best.value_or(Values{}));
}

namespace {

// LIST: its values resolved and joined as a multi-value (`a;b`, empty ones left out). MAP: a JSON
// object of its values, each resolved (input values, plain text with templates) to text; other
// JSON values (booleans, null, arrays) kept as they are.
Result<std::optional<std::string>> ResolveCollection(Ctx& ctx, const json::value& values,
                                                     const InputTarget* target) {
  if (values.is_array()) {
    std::string joined;
    for (const auto& item : values.get_array()) {
      FLOWD_ASSIGN_OR_RETURN(auto text, ResolveInput(ctx, item, target));
      if (!text) return NoValue{};
      if (!text->empty()) joined += (joined.empty() ? "" : ";") + *text;
    }
    return std::optional<std::string>(std::move(joined));
  }
  json::object out;
  for (const auto& [key, item] : values.get_object()) {
    if (!item.is_object() && !item.is_string() && !item.is_number()) {
      out[key] = item;
      continue;
    }
    FLOWD_ASSIGN_OR_RETURN(auto text, ResolveInput(ctx, item, nullptr));
    if (!text) return NoValue{};
    out[key] = *text;
  }
  return std::optional<std::string>(json::serialize(out));
}

}  // namespace

Result<std::optional<std::string>> ResolveInput(Ctx& ctx, const json::value& input,
                                                const InputTarget* target) {
  if (input.is_string() || input.is_number()) {
    FLOWD_ASSIGN_OR_RETURN(std::string text, RenderTemplate(ctx, ValueText(input)));
    return std::optional<std::string>(std::move(text));
  }
  if (!input.is_object()) return ctx.Problem("an input value must be an object with a type");
  const json::object& v = input.get_object();
  std::string type = TextField(v, "type").value_or("");
  auto need = [&](std::string_view key) -> std::optional<std::string> {
    auto f = TextField(v, key);
    if (!f) ctx.Problem(type + " input value needs " + std::string(key));
    return f;
  };
  using Out = std::optional<std::string>;

  if (type == "STATIC_VALUE") {
    auto s = need("staticValue");
    if (!s) return NoValue{};
    FLOWD_ASSIGN_OR_RETURN(std::string text, RenderTemplate(ctx, *s));
    return Out(std::move(text));
  }
  if (type == "OBJECT_PROPERTY") {
    auto name = need("propertyName");
    if (!name) return NoValue{};
    FLOWD_ASSIGN_OR_RETURN(auto values, ctx.RequireEnrolled());
    if (!values) return NoValue{};
    auto it = (*values)->find(*name);
    return Out(it == (*values)->end() ? "" : it->second);
  }
  if (type == "FIELD_DATA") {
    auto id = need("actionId");
    if (!id) return NoValue{};
    auto key = need("dataKey");
    if (!key) return NoValue{};
    if (ctx.in.data) {
      if (const auto* out = ObjectField(*ctx.in.data, *id)) {
        if (const auto* f = out->if_contains(*key)) return Out(ValueText(*f));
      }
    }
    return Out("");
  }
  if (type == "ENROLLMENT_EVENT_PROPERTY") {
    auto token = need("enrollmentEventPropertyToken");
    if (!token) return NoValue{};
    if (ctx.in.data) {
      const auto* e = ObjectField(*ctx.in.data, "enrollment");
      const auto* p = e ? ObjectField(*e, "eventProperties") : nullptr;
      if (p) {
        if (const auto* f = p->if_contains(*token)) return Out(ValueText(*f));
      }
    }
    return Out("");
  }
  if (type == "TIMESTAMP") {
    auto kind = TextField(v, "timestampType").value_or("EXECUTION_TIME");
    if (kind != "EXECUTION_TIME") return ctx.Problem("timestampType " + kind + " is not supported");
    FLOWD_ASSIGN_OR_RETURN(std::string text, InstantFor(ctx, ctx.in.now_ms, target));
    return Out(std::move(text));
  }
  if (type == "RELATIVE_DATETIME") {
    const auto* delay = ObjectField(v, "timeDelay");
    if (!delay) return ctx.Problem("RELATIVE_DATETIME input value needs timeDelay");
    FLOWD_ASSIGN_OR_RETURN(auto t, RelativeDatetime(ctx, *delay));
    if (!t) return NoValue{};
    FLOWD_ASSIGN_OR_RETURN(std::string text, InstantFor(ctx, *t, target));
    return Out(std::move(text));
  }
  if (type == "INCREMENT" || type == "APPEND_OBJECT_PROPERTY" || type == "STATIC_APPEND_VALUE") {
    if (!target) return ctx.Problem(type + " input values can only set a property");
  }
  if (type == "INCREMENT") {
    const auto* amount = v.if_contains("incrementAmount");
    auto by = amount ? Number(*amount) : std::nullopt;
    if (!by) return ctx.Problem("INCREMENT input value needs a numeric incrementAmount");
    double current = 0;
    if (!target->current.empty()) {
      auto c = Number(json::value(target->current));
      if (!c) {
        return ctx.Problem("cannot increment the non-numeric value \"" + target->current + "\"");
      }
      current = *c;
    }
    return Out(FormatNumber(current + *by));
  }
  if (type == "APPEND_OBJECT_PROPERTY") {
    auto name = need("appendPropertyName");
    if (!name) return NoValue{};
    FLOWD_ASSIGN_OR_RETURN(auto values, ctx.RequireEnrolled());
    if (!values) return NoValue{};
    auto it = (*values)->find(*name);
    return Out(AppendValues(target->current, it == (*values)->end() ? "" : it->second));
  }
  if (type == "STATIC_APPEND_VALUE") {
    auto s = need("staticAppendValue");
    if (!s) return NoValue{};
    return Out(AppendValues(target->current, *s));
  }
  if (type == "ACTION_OUTPUT_OBJECT_PROPERTY") {
    auto token = need("actionOutputPropertyToken");
    if (!token) return NoValue{};
    return ActionOutputProperty(ctx, *token);
  }
  if (type == "FETCHED_OBJECT_PROPERTY") {
    auto token = need("propertyToken");
    if (!token) return NoValue{};
    return FetchedProperty(ctx, *token);
  }
  if (type == "LIST" || type == "MAP") {
    const json::value* values = v.if_contains("values");
    if (type == "LIST" && (!values || !values->is_array())) {
      return ctx.Problem("LIST input value needs an array of values");
    }
    if (type == "MAP" && (!values || !values->is_object())) {
      return ctx.Problem("MAP input value needs an object of values");
    }
    return ResolveCollection(ctx, *values, target);
  }
  if (type.empty()) return ctx.Problem("an input value has no type");
  return ctx.Problem("input value type " + type + " is not supported by flowd");
}

Result<std::string> RenderTemplate(Ctx& ctx, std::string_view text, crm::ValueEscaping escaping) {
  if (text.find("{{") == std::string_view::npos) return std::string(text);
  crm::TemplateValues values;
  FLOWD_ASSIGN_OR_RETURN(const Values* record, ctx.Enrolled());
  std::string singular;
  if (auto t = crm::FindStandardObjectType(ctx.object_type())) singular = t->singular;
  values["enrolled_object"] = std::to_string(ctx.object_id());
  if (record) {
    for (const auto& [k, v] : *record) {
      values["enrolled_object." + k] = v;
      if (!singular.empty()) values[singular + "." + k] = v;
    }
  }
  if (ctx.in.data) {
    for (const auto& [id, out] : *ctx.in.data) {
      if (!out.is_object()) continue;
      if (id == "enrollment") {
        if (const auto* p = ObjectField(out.get_object(), "eventProperties")) {
          for (const auto& [k, v] : *p) values["enrollment_event." + std::string(k)] = ValueText(v);
        }
        continue;
      }
      for (const auto& [k, v] : out.get_object()) {
        values["action_outputs.action_output_" + std::string(id) + "." + std::string(k)] =
            ValueText(v);
      }
    }
  }
  // Data sources are read only when the text names one (each is a store read).
  if (text.find("fetched_objects.") != std::string_view::npos && ctx.in.flow) {
    if (const json::array* sources = ArrayField(*ctx.in.flow, "dataSources")) {
      for (const auto& s : *sources) {
        auto name = s.is_object() ? TextField(s.get_object(), "name") : std::nullopt;
        if (!name || text.find("fetched_objects." + *name + ".") == std::string_view::npos) {
          continue;
        }
        FLOWD_ASSIGN_OR_RETURN(auto fetched, FetchedObject(ctx, *name));
        if (!fetched) continue;  // a source flowd cannot read renders empty
        for (const auto& [k, val] : *fetched) values["fetched_objects." + *name + "." + k] = val;
      }
    }
  }
  return crm::RenderPersonalization(text, values, escaping);
}

// ---- time

std::optional<int64_t> AddTime(int64_t t_ms, int64_t delta, std::string_view unit) {
  static const std::map<std::string_view, int64_t, std::less<>> kFixed = {{"MILLIS", 1},
                                                                          {"SECONDS", 1000},
                                                                          {"MINUTES", 60'000},
                                                                          {"HOURS", 3'600'000},
                                                                          {"HALF_DAYS", 43'200'000},
                                                                          {"DAYS", kDayMs},
                                                                          {"WEEKS", 7 * kDayMs},
                                                                          {"NANOS", 0},
                                                                          {"MICROS", 0}};
  if (auto it = kFixed.find(unit); it != kFixed.end()) {
    if (unit == "NANOS") return t_ms + delta / 1'000'000;
    if (unit == "MICROS") return t_ms + delta / 1'000;
    return t_ms + delta * it->second;
  }
  static const std::map<std::string_view, int64_t, std::less<>> kMonths = {
      {"MONTHS", 1}, {"YEARS", 12}, {"DECADES", 120}, {"CENTURIES", 1200}, {"MILLENNIA", 12000}};
  auto it = kMonths.find(unit);
  if (it == kMonths.end()) return std::nullopt;
  // Calendar months: the same day and time, the day clamped to the month's last (Jan 31 + 1
  // month = Feb 28/29), as java.time does.
  int64_t day = FloorDiv(t_ms, kDayMs);
  int64_t in_day = t_ms - day * kDayMs;
  chr::year_month_day ymd{chr::sys_days{chr::days{day}}};
  auto ym = chr::year_month{ymd.year(), ymd.month()} + chr::months{delta * it->second};
  chr::year_month_day_last last{ym.year(), chr::month_day_last{ym.month()}};
  chr::day d = std::min(ymd.day(), last.day());
  chr::sys_days out{chr::year_month_day{ym.year(), ym.month(), d}};
  return int64_t{out.time_since_epoch().count()} * kDayMs + in_day;
}

std::optional<TimeOfDay> ParseTimeOfDay(Ctx& ctx, const json::value& v) {
  if (!v.is_object()) return ctx.Problem("time_of_day must be an object {hour, minute}");
  auto h = IntField(v.get_object(), "hour");
  auto m = IntField(v.get_object(), "minute");
  if (!h || *h < 0 || *h > 23 || (m && (*m < 0 || *m > 59))) {
    return ctx.Problem("time of day needs an hour 0-23 and a minute 0-59");
  }
  return TimeOfDay{static_cast<int>(*h), static_cast<int>(m.value_or(0))};
}

std::optional<unsigned> ParseDaysOfWeek(Ctx& ctx, const json::array& days) {
  static constexpr std::string_view kNames[] = {"MONDAY", "TUESDAY",  "WEDNESDAY", "THURSDAY",
                                                "FRIDAY", "SATURDAY", "SUNDAY"};
  unsigned mask = 0;
  for (const auto& d : days) {
    std::string name = d.is_string() ? std::string(d.get_string()) : "";
    int i = 0;
    while (i < 7 && kNames[i] != name) ++i;
    if (i == 7) return ctx.Problem("unknown day of week \"" + ValueText(d) + "\"");
    mask |= 1u << i;
  }
  return mask;
}

int WeekdayIndex(int64_t local_ms) {
  chr::weekday wd{chr::sys_days{chr::days{FloorDiv(local_ms, kDayMs)}}};
  return static_cast<int>(wd.iso_encoding()) - 1;
}

Result<int64_t> NextDayAndTime(int64_t t_ms, unsigned days_mask,
                               std::optional<TimeOfDay> time_of_day, const std::string& tz_id) {
  if (!days_mask && !time_of_day) return t_ms;
  FLOWD_ASSIGN_OR_RETURN(auto zone, crm::filter::TimeZone::Find(tz_id));
  int64_t local = zone->UtcToLocal(t_ms);
  int64_t day = FloorDiv(local, kDayMs);
  for (int i = 0; i < 15; ++i, ++day) {
    if (days_mask && !(days_mask & (1u << WeekdayIndex(day * kDayMs)))) continue;
    int64_t at = day * kDayMs;
    if (time_of_day) at += (time_of_day->hour * 60LL + time_of_day->minute) * 60'000;
    int64_t utc = zone->LocalToUtc(at);
    if (!time_of_day && i == 0) return t_ms;  // today is allowed: now
    if (utc >= t_ms) return utc;
  }
  return Error::Invalid("no allowed day of week");  // unreachable with a non-empty mask
}

std::optional<int64_t> ParseDateValue(std::string_view text, bool* date_only) {
  text = TrimAscii(text);
  *date_only = false;
  if (text.empty()) return std::nullopt;
  bool digits = text.find_first_not_of("-0123456789") == std::string_view::npos;
  if (digits && text.size() != 10) {
    int64_t ms = 0;
    auto [p, ec] = std::from_chars(text.data(), text.data() + text.size(), ms);
    if (ec == std::errc() && p == text.data() + text.size()) return ms;
    return std::nullopt;
  }
  if (text.size() == 10) {
    int y = 0;
    unsigned m = 0, d = 0;
    if (std::sscanf(std::string(text).c_str(), "%4d-%2u-%2u", &y, &m, &d) != 3) {
      return std::nullopt;
    }
    chr::year_month_day ymd{chr::year{y}, chr::month{m}, chr::day{d}};
    if (!ymd.ok()) return std::nullopt;
    *date_only = true;
    return int64_t{chr::sys_days{ymd}.time_since_epoch().count()} * kDayMs;
  }
  return ParseIso8601Ms(text);
}

uint64_t StableHash(std::string_view text) {
  uint64_t h = 1469598103934665603ull;  // FNV-1a, then a splitmix64 finaliser
  for (unsigned char c : text) {
    h ^= c;
    h *= 1099511628211ull;
  }
  h ^= h >> 30;
  h *= 0xbf58476d1ce4e5b9ull;
  h ^= h >> 27;
  h *= 0x94d049bb133111ebull;
  h ^= h >> 31;
  return h;
}

}  // namespace flowd::engine::actions
