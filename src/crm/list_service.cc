// ListService: list definitions, filters, search and folders. Memberships are in
// list_members.cc.
#include "crm/list_service.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <charconv>
#include <set>

#include "common/text.h"
#include "crm/filter/filter_eval.h"
#include "crm/list_json.h"
#include "crm/list_util.h"

namespace flowd::crm {

namespace json = boost::json;
using list_internal::Detail;
using list_internal::ParseId;

namespace {

const std::vector<std::string_view> kProcessingTypes = {"MANUAL", "SNAPSHOT", "DYNAMIC"};
const std::vector<std::string_view> kSorts = {"name",      "-name",      "listId",    "-listId",
                                              "createdAt", "-createdAt", "updatedAt", "-updatedAt",
                                              "size",      "-size"};

bool Blank(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isspace(c); });
}

// A list name: 1..kMaxNameLength characters, not only spaces.
std::optional<ErrorDetail> CheckName(const std::string& name, const std::string& in) {
  if (name.empty() || Blank(name)) return Detail("The list name must not be empty", in, "REQUIRED");
  if (name.size() > ListService::kMaxNameLength) {
    return Detail("The list name must be at most " + std::to_string(ListService::kMaxNameLength) +
                      " characters",
                  in, "TOO_LONG");
  }
  return std::nullopt;
}

// Every list id a filter reads, with the object type its records must have ("" = unchecked).
void CollectLists(const filter::FilterDependencies& d, const std::string& type,
                  std::vector<std::pair<std::string, std::string>>& out) {
  for (const auto& id : d.list_ids) out.emplace_back(id, type);
  for (const auto& a : d.associations) CollectLists(a.reads, a.object_type_id, out);
}

std::optional<std::string> StringOf(const json::value& v) {
  if (v.is_string()) return std::string(v.get_string());
  if (v.is_int64()) return std::to_string(v.get_int64());
  if (v.is_uint64()) return std::to_string(v.get_uint64());
  return std::nullopt;
}

}  // namespace

ListService::ListService(store::ListStore& lists, store::ObjectStore& objects,
                         store::AssociationStore* associations, ObjectTypeResolver& types,
                         PropertyCatalog& properties, const Clock& clock, ListChangeSink* sink)
    : lists_(lists),
      objects_(objects),
      associations_(associations),
      types_(types),
      properties_(properties),
      clock_(clock),
      sink_(sink) {}

Result<store::ListRecord> ListService::Live(int64_t account_id, std::string_view list_id) {
  auto id = ParseId(list_id);
  if (!id)
    return Error::NotFound("List " + std::string(list_id.substr(0, 100)) + " does not exist");
  return lists_.GetList(account_id, *id, false);
}

Result<std::string> ListService::CheckFilter(int64_t account_id, const std::string& type,
                                             const json::value& branch, const std::string& path,
                                             int64_t self) {
  filter::PropertyLookup lookup = [&](const std::string& t) {
    return properties_.PropertiesOf(account_id, t);
  };
  filter::CompileOptions options;
  options.path = path;
  FLOWD_ASSIGN_OR_RETURN(filter::CompiledFilter compiled,
                         filter::CompileFilterBranch(branch, type, lookup, options));
  const filter::FilterDependencies deps = filter::DependenciesOf(compiled);
  std::vector<ErrorDetail> problems;
  if (associations_ == nullptr && !deps.associations.empty()) {
    problems.push_back(
        Detail("ASSOCIATION filters and branches are not available: this server runs without the "
               "associations store",
               path, "UNSUPPORTED_FILTER"));
  }
  std::vector<std::pair<std::string, std::string>> named;
  CollectLists(deps, type, named);
  for (const auto& [text, want_type] : named) {
    auto id = ParseId(text);
    if (id && *id == self) {
      problems.push_back(Detail("A list cannot filter on its own membership (list " + text + ")",
                                path, "INVALID_LIST_REFERENCE"));
      continue;
    }
    auto l = id ? lists_.GetList(account_id, *id, false)
                : Result<store::ListRecord>(Error::NotFound(""));
    if (!l.ok()) {
      if (l.error().code != ErrorCode::kNotFound) return std::move(l).error();
      problems.push_back(
          Detail("The filter names list " + text.substr(0, 100) + ", which does not exist", path,
                 "INVALID_LIST_REFERENCE"));
      continue;
    }
    if (!want_type.empty() && l->object_type_id != want_type) {
      problems.push_back(Detail("The filter names list " + text + ", which holds records of type " +
                                    l->object_type_id + ", not " + want_type,
                                path, "INVALID_LIST_REFERENCE"));
    }
  }
  if (!problems.empty()) return Error::InvalidList(std::move(problems));
  return json::serialize(NormalizeFilterBranch(branch));
}

Result<store::ListRecord> ListService::Create(const ListActor& actor, const json::value& body) {
  const json::object* o = body.if_object();
  if (o == nullptr) return Error::InvalidList({Detail("The body must be a JSON object", "", "")});
  std::vector<ErrorDetail> problems;
  store::ListRecord l;
  const json::value* name = o->if_contains("name");
  if (name == nullptr || !name->is_string()) {
    problems.push_back(Detail("name is required and must be a string", "name", "REQUIRED"));
  } else {
    l.name = std::string(name->get_string());
    if (auto p = CheckName(l.name, "name")) problems.push_back(*p);
  }
  std::optional<ObjectTypeInfo> type;
  const json::value* t = o->if_contains("objectTypeId");
  if (t == nullptr || !t->is_string()) {
    problems.push_back(
        Detail("objectTypeId is required and must be a string", "objectTypeId", "REQUIRED"));
  } else {
    auto resolved = types_.Resolve(actor.account_id, std::string_view(t->get_string()));
    if (resolved.ok()) {
      type = std::move(resolved).value();
    } else if (resolved.error().code == ErrorCode::kInvalidArgument ||
               resolved.error().code == ErrorCode::kNotFound) {
      problems.push_back(
          Detail("Unknown object type " + std::string(t->get_string()).substr(0, 100),
                 "objectTypeId", "INVALID_OBJECT_TYPE"));
    } else {
      return std::move(resolved).error();
    }
  }
  const json::value* pt = o->if_contains("processingType");
  if (pt == nullptr || !pt->is_string() ||
      std::find(kProcessingTypes.begin(), kProcessingTypes.end(), pt->get_string()) ==
          kProcessingTypes.end()) {
    problems.push_back(
        Detail("processingType is required and must be one of MANUAL, SNAPSHOT, "
               "DYNAMIC",
               "processingType", "INVALID_ENUM_VALUE"));
  } else {
    l.processing_type = std::string(pt->get_string());
  }
  if (const json::value* f = o->if_contains("listFolderId"); f && !f->is_null()) {
    auto text = StringOf(*f);
    auto id = text ? ParseId(*text, /*allow_zero=*/true) : std::nullopt;
    if (!id) {
      problems.push_back(
          Detail("listFolderId must be a folder id", "listFolderId", "INVALID_TYPE"));
    } else if (*id != 0) {
      FLOWD_ASSIGN_OR_RETURN(auto folders, lists_.ListFolders(actor.account_id));
      if (std::none_of(folders.begin(), folders.end(),
                       [&](const store::FolderRecord& x) { return x.id == *id; })) {
        problems.push_back(
            Detail("Folder " + *text + " does not exist", "listFolderId", "INVALID_FOLDER"));
      }
      l.folder_id = *id;
    }
  }
  if (const json::value* cp = o->if_contains("customProperties"); cp && !cp->is_null()) {
    json::object props;
    if (!cp->is_object() || cp->get_object().size() > kMaxCustomProperties) {
      problems.push_back(Detail("customProperties must be an object of at most " +
                                    std::to_string(kMaxCustomProperties) + " string values",
                                "customProperties", "INVALID_TYPE"));
    } else {
      for (const auto& [k, v] : cp->get_object()) {
        if (!v.is_string() || v.get_string().size() > kMaxPropertyValueBytes) {
          problems.push_back(Detail("customProperties." + std::string(k) + " must be a string",
                                    "customProperties." + std::string(k), "INVALID_TYPE"));
          continue;
        }
        props[k] = v;
      }
      l.custom_properties_json = json::serialize(props);
    }
  }
  const json::value* branch = o->if_contains("filterBranch");
  if (branch && branch->is_null()) branch = nullptr;
  if (l.processing_type == "MANUAL" && branch) {
    problems.push_back(
        Detail("MANUAL lists have no filters: use processingType DYNAMIC or "
               "SNAPSHOT with a filterBranch",
               "filterBranch", "INVALID_FILTER"));
  }
  if (l.processing_type == "DYNAMIC" && !branch) {
    problems.push_back(
        Detail("filterBranch is required for DYNAMIC lists", "filterBranch", "REQUIRED"));
  }
  if (!problems.empty()) return Error::InvalidList(std::move(problems));
  l.object_type_id = type->id;
  if (branch) {
    FLOWD_ASSIGN_OR_RETURN(std::string canonical, CheckFilter(actor.account_id, l.object_type_id,
                                                              *branch, "filterBranch", 0));
    l.filter_json = std::move(canonical);
    l.backfill_after = 0;
  }
  l.processing_status = l.filter_json ? "PROCESSING" : "COMPLETE";
  l.created_by_id = actor.user_id;
  l.updated_by_id = actor.user_id;
  FLOWD_ASSIGN_OR_RETURN(store::ListRecord created,
                         lists_.CreateList(actor.account_id, l, clock_.NowMs()));
  if (sink_) sink_->ListsChanged(actor.account_id);
  return created;
}

Result<store::ListRecord> ListService::Get(int64_t account_id, std::string_view list_id) {
  return Live(account_id, list_id);
}

Result<std::vector<store::ListRecord>> ListService::GetMany(int64_t account_id,
                                                            const std::vector<std::string>& ids) {
  std::vector<int64_t> parsed;
  for (const auto& s : ids) {
    if (auto id = ParseId(s)) parsed.push_back(*id);
  }
  if (!ids.empty() && parsed.empty()) return std::vector<store::ListRecord>{};
  return lists_.GetLists(account_id, parsed);
}

Result<store::ListRecord> ListService::GetByName(int64_t account_id, std::string_view object_type,
                                                 std::string_view name) {
  FLOWD_ASSIGN_OR_RETURN(ObjectTypeInfo type, types_.Resolve(account_id, object_type));
  FLOWD_ASSIGN_OR_RETURN(auto found, lists_.FindListByName(account_id, type.id, std::string(name)));
  if (!found) {
    return Error::NotFound("No list named '" + std::string(name.substr(0, 200)) +
                           "' holds records of type " + type.id);
  }
  return *found;
}

Result<ListSearchResult> ListService::Search(int64_t account_id, const json::value& body) {
  const json::object empty;
  const json::object* o = body.is_null() ? &empty : body.if_object();
  if (o == nullptr) return Error::InvalidList({Detail("The body must be a JSON object", "", "")});
  std::vector<ErrorDetail> problems;
  auto int_field = [&](std::string_view key, int64_t def, int64_t min, int64_t max) -> int64_t {
    const json::value* v = o->if_contains(key);
    if (v == nullptr || v->is_null()) return def;
    if (!v->is_int64() || v->get_int64() < min || v->get_int64() > max) {
      problems.push_back(Detail(std::string(key) + " must be an integer between " +
                                    std::to_string(min) + " and " + std::to_string(max),
                                std::string(key), "INVALID_INTEGER"));
      return def;
    }
    return v->get_int64();
  };
  auto strings = [&](std::string_view key) -> std::vector<std::string> {
    std::vector<std::string> out;
    const json::value* v = o->if_contains(key);
    if (v == nullptr || v->is_null()) return out;
    if (!v->is_array()) {
      problems.push_back(Detail(std::string(key) + " must be an array of strings", std::string(key),
                                "INVALID_TYPE"));
      return out;
    }
    for (const auto& e : v->get_array()) {
      auto s = StringOf(e);
      if (!s) {
        problems.push_back(Detail(std::string(key) + " must be an array of strings",
                                  std::string(key), "INVALID_TYPE"));
        return {};
      }
      out.push_back(*s);
    }
    return out;
  };
  const int64_t offset = int_field("offset", 0, 0, 1'000'000'000);
  const int64_t count = int_field("count", 20, 1, kMaxSearchCount);
  const auto types = strings("processingTypes");
  for (const auto& t : types) {
    if (std::find(kProcessingTypes.begin(), kProcessingTypes.end(), t) == kProcessingTypes.end()) {
      problems.push_back(
          Detail("processingTypes may hold MANUAL, SNAPSHOT and DYNAMIC, got " + t.substr(0, 100),
                 "processingTypes", "INVALID_ENUM_VALUE"));
    }
  }
  const auto list_ids = strings("listIds");
  const auto additional = strings("additionalProperties");
  std::string query;
  if (const json::value* q = o->if_contains("query"); q && !q->is_null()) {
    if (!q->is_string()) {
      problems.push_back(Detail("query must be a string", "query", "INVALID_TYPE"));
    } else {
      query = AsciiLower(std::string_view(q->get_string()));
    }
  }
  std::string sort = "listId";
  if (const json::value* s = o->if_contains("sort"); s && !s->is_null()) {
    if (!s->is_string() ||
        std::find(kSorts.begin(), kSorts.end(), s->get_string()) == kSorts.end()) {
      problems.push_back(
          Detail("sort must be one of name, listId, createdAt, updatedAt, size, "
                 "each optionally prefixed with - for descending order",
                 "sort", "INVALID_SORT"));
    } else {
      sort = std::string(s->get_string());
    }
  }
  std::optional<std::string> object_type;
  if (const json::value* t = o->if_contains("objectTypeId"); t && !t->is_null()) {
    auto resolved = t->is_string() ? types_.Resolve(account_id, std::string_view(t->get_string()))
                                   : Result<ObjectTypeInfo>(Error::Invalid(""));
    if (!resolved.ok()) {
      problems.push_back(
          Detail("objectTypeId must name an object type", "objectTypeId", "INVALID_OBJECT_TYPE"));
    } else {
      object_type = resolved->id;
    }
  }
  if (!problems.empty()) return Error::InvalidList(std::move(problems));

  FLOWD_ASSIGN_OR_RETURN(std::vector<store::ListRecord> all, GetMany(account_id, list_ids));
  // References by other lists' filters, for hs_list_reference_count.
  std::map<std::string, int64_t> references;
  for (const auto& l : all) {
    if (!l.filter_json) continue;
    boost::system::error_code ec;
    json::value f = json::parse(*l.filter_json, ec);
    if (ec) continue;
    auto deps = filter::DependenciesOf(f, l.object_type_id);
    if (!deps.ok()) continue;
    std::vector<std::pair<std::string, std::string>> named;
    CollectLists(*deps, "", named);
    std::set<std::string> distinct;
    for (const auto& n : named) distinct.insert(n.first);
    for (const auto& id : distinct) ++references[id];
  }
  FLOWD_ASSIGN_OR_RETURN(auto folders, lists_.ListFolders(account_id));
  std::vector<store::ListRecord> matched;
  for (auto& l : all) {
    if (!query.empty() && AsciiLower(l.name).find(query) == std::string::npos) continue;
    if (!types.empty() && std::find(types.begin(), types.end(), l.processing_type) == types.end()) {
      continue;
    }
    if (object_type && l.object_type_id != *object_type) continue;
    matched.push_back(std::move(l));
  }
  const bool desc = sort[0] == '-';
  const std::string key = desc ? sort.substr(1) : sort;
  std::stable_sort(
      matched.begin(), matched.end(), [&](const store::ListRecord& a, const store::ListRecord& b) {
        auto less = [&](const store::ListRecord& x, const store::ListRecord& y) {
          if (key == "name") {
            return std::make_pair(AsciiLower(x.name), x.id) <
                   std::make_pair(AsciiLower(y.name), y.id);
          }
          if (key == "createdAt") {
            return std::make_pair(x.created_at_ms, x.id) < std::make_pair(y.created_at_ms, y.id);
          }
          if (key == "updatedAt") {
            return std::make_pair(x.updated_at_ms, x.id) < std::make_pair(y.updated_at_ms, y.id);
          }
          if (key == "size") {
            return std::make_pair(x.size, x.id) < std::make_pair(y.size, y.id);
          }
          return x.id < y.id;
        };
        return desc ? less(b, a) : less(a, b);
      });
  ListSearchResult r;
  r.total = static_cast<int64_t>(matched.size());
  const int64_t end = std::min<int64_t>(r.total, offset + count);
  for (int64_t i = offset; i < end; ++i) {
    const store::ListRecord& l = matched[static_cast<size_t>(i)];
    std::map<std::string, std::string> props;
    props["hs_list_size"] = std::to_string(l.size);
    if (l.last_added_at_ms) props["hs_last_record_added_at"] = std::to_string(*l.last_added_at_ms);
    if (l.last_removed_at_ms) {
      props["hs_last_record_removed_at"] = std::to_string(*l.last_removed_at_ms);
    }
    for (const auto& f : folders) {
      if (f.id == l.folder_id) props["hs_folder_name"] = f.name;
    }
    props["hs_list_reference_count"] = std::to_string(references[std::to_string(l.id)]);
    boost::system::error_code ec;
    json::value custom = json::parse(l.custom_properties_json, ec);
    if (!ec && custom.is_object()) {
      for (const auto& name : additional) {
        const json::value* v = custom.get_object().if_contains(name);
        if (v && v->is_string() && !v->get_string().empty()) {
          props[name] = std::string(v->get_string());
        }
      }
    }
    r.lists.push_back(l);
    r.additional.push_back(std::move(props));
  }
  r.offset = std::max<int64_t>(offset, end);
  r.has_more = end < r.total;
  return r;
}

Result<store::ListRecord> ListService::Rename(const ListActor& actor, std::string_view list_id,
                                              const std::string* name) {
  FLOWD_ASSIGN_OR_RETURN(store::ListRecord l, Live(actor.account_id, list_id));
  if (name == nullptr) {
    return Error::InvalidList({Detail("listName is required", "listName", "REQUIRED")});
  }
  if (auto p = CheckName(*name, "listName")) return Error::InvalidList({*p});
  store::ListUpdate u;
  u.name = *name;
  u.updated_by_id = actor.user_id;
  return lists_.UpdateList(actor.account_id, l.id, u, clock_.NowMs());
}

Result<store::ListRecord> ListService::UpdateFilters(const ListActor& actor,
                                                     std::string_view list_id,
                                                     const json::value& body) {
  FLOWD_ASSIGN_OR_RETURN(store::ListRecord l, Live(actor.account_id, list_id));
  const json::object* o = body.if_object();
  const json::value* branch = o ? o->if_contains("filterBranch") : nullptr;
  if (branch == nullptr || branch->is_null()) {
    return Error::InvalidList({Detail("filterBranch is required", "filterBranch", "REQUIRED")});
  }
  if (l.processing_type != "DYNAMIC") {
    return Error::InvalidList({Detail("Only the filters of DYNAMIC lists can be updated; list " +
                                          std::to_string(l.id) + " is " + l.processing_type,
                                      "filterBranch", "INVALID_PROCESSING_TYPE")});
  }
  FLOWD_ASSIGN_OR_RETURN(std::string canonical, CheckFilter(actor.account_id, l.object_type_id,
                                                            *branch, "filterBranch", l.id));
  store::ListUpdate u;
  u.filter_json = std::move(canonical);
  u.backfill_after = std::optional<int64_t>(0);
  u.processing_status = "PROCESSING";
  u.updated_by_id = actor.user_id;
  FLOWD_ASSIGN_OR_RETURN(store::ListRecord updated,
                         lists_.UpdateList(actor.account_id, l.id, u, clock_.NowMs()));
  if (sink_) sink_->ListsChanged(actor.account_id);
  return updated;
}

Status ListService::Delete(int64_t account_id, std::string_view list_id) {
  FLOWD_ASSIGN_OR_RETURN(store::ListRecord l, Live(account_id, list_id));
  FLOWD_TRY(lists_.DeleteList(account_id, l.id, clock_.NowMs()));
  if (sink_) sink_->ListsChanged(account_id);
  return Status::Ok();
}

Status ListService::Restore(int64_t account_id, std::string_view list_id) {
  auto id = ParseId(list_id);
  if (!id)
    return Error::NotFound("List " + std::string(list_id.substr(0, 100)) + " does not exist");
  FLOWD_ASSIGN_OR_RETURN(store::ListRecord l, lists_.RestoreList(account_id, *id, clock_.NowMs()));
  if (l.processing_type == "DYNAMIC") {
    // Changes made while it was deleted were not applied to it: evaluate it anew.
    store::ListUpdate u;
    u.backfill_after = std::optional<int64_t>(0);
    u.processing_status = "PROCESSING";
    FLOWD_TRY(lists_.UpdateList(account_id, l.id, u, clock_.NowMs()));
  }
  if (sink_) sink_->ListsChanged(account_id);
  return Status::Ok();
}

}  // namespace flowd::crm
