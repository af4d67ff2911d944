#include "crm/list_json.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>

#include "common/time_format.h"

namespace flowd::crm {
namespace {

namespace json = boost::json;

void NormalizeOperation(json::value& v) {
  json::object* o = v.if_object();
  if (o == nullptr) return;
  if (!o->contains("includeObjectsWithNoValueSet"))
    o->emplace("includeObjectsWithNoValueSet", false);
  const json::value* type = o->if_contains("operationType");
  const json::value* tag = o->if_contains("type");
  const bool ranged = (type && type->is_string() && type->as_string() == "TIME_RANGED") ||
                      (tag && tag->is_string() && tag->as_string() == "TIME_RANGED");
  if (ranged) {
    (*o)["type"] = "TIME_RANGED";
    if (!o->contains("operationType")) o->emplace("operationType", "TIME_RANGED");
  } else if (type && type->is_string() && type->as_string() == "TIME_POINT" &&
             !o->contains("type")) {
    o->emplace("type", "TIME_POINT");
  }
}

void NormalizeRefinement(json::object& filter, const char* slot) {
  json::value* r = filter.if_contains(slot);
  if (r == nullptr || !r->is_object()) return;
  const json::value* type = r->as_object().if_contains("type");
  const json::value* op_type = r->as_object().if_contains("operationType");
  const bool time_op =
      (type && type->is_string() &&
       (type->as_string() == "TIME_POINT" || type->as_string() == "TIME_RANGED")) ||
      (op_type && op_type->is_string() && op_type->as_string() == "TIME_POINT");
  if (time_op) NormalizeOperation(*r);
}

void NormalizeFilter(json::value& v) {
  json::object* o = v.if_object();
  if (o == nullptr) return;
  if (json::value* op = o->if_contains("operation")) NormalizeOperation(*op);
  if (json::value* lines = o->if_contains("filterLines"); lines && lines->is_array()) {
    for (json::value& line : lines->as_array()) {
      if (json::object* lo = line.if_object()) {
        if (json::value* op = lo->if_contains("operation")) NormalizeOperation(*op);
      }
    }
  }
  NormalizeRefinement(*o, "pruningRefineBy");
  NormalizeRefinement(*o, "coalescingRefineBy");
}

void NormalizeBranch(json::value& v, int depth) {
  json::object* o = v.if_object();
  if (o == nullptr || depth > 64) return;
  const json::value* type = o->if_contains("filterBranchType");
  if (!o->contains("filterBranchOperator") && type && type->is_string()) {
    const json::string& t = type->as_string();
    o->emplace("filterBranchOperator",
               t == "UNIFIED_EVENTS" || t == "ASSOCIATION" ? json::string("AND") : t);
  }
  if (!o->contains("filters")) o->emplace("filters", json::array());
  if (!o->contains("filterBranches")) o->emplace("filterBranches", json::array());
  if (json::value* f = o->if_contains("filters"); f && f->is_array()) {
    for (json::value& x : f->as_array()) NormalizeFilter(x);
  }
  if (json::value* b = o->if_contains("filterBranches"); b && b->is_array()) {
    for (json::value& x : b->as_array()) NormalizeBranch(x, depth + 1);
  }
  NormalizeRefinement(*o, "pruningRefineBy");
  NormalizeRefinement(*o, "coalescingRefineBy");
}

}  // namespace

json::value NormalizeFilterBranch(const json::value& branch) {
  json::value out = branch;
  NormalizeBranch(out, 0);
  return out;
}

json::object RenderList(const store::ListRecord& l, bool include_filters) {
  json::object o{{"listId", std::to_string(l.id)},
                 {"listVersion", l.list_version},
                 {"name", l.name},
                 {"objectTypeId", l.object_type_id},
                 {"processingStatus", l.processing_status},
                 {"processingType", l.processing_type},
                 {"createdAt", FormatIso8601Ms(l.created_at_ms)},
                 {"updatedAt", FormatIso8601Ms(l.updated_at_ms)},
                 {"size", l.size}};
  if (!l.created_by_id.empty()) o["createdById"] = l.created_by_id;
  if (!l.updated_by_id.empty()) o["updatedById"] = l.updated_by_id;
  if (l.filters_updated_at_ms) o["filtersUpdatedAt"] = FormatIso8601Ms(*l.filters_updated_at_ms);
  if (l.deleted_at_ms) o["deletedAt"] = FormatIso8601Ms(*l.deleted_at_ms);
  if (include_filters && l.filter_json) {
    boost::system::error_code ec;
    json::value f = json::parse(*l.filter_json, ec);
    if (!ec) o["filterBranch"] = std::move(f);
  }
  return o;
}

json::object RenderSearchResult(const store::ListRecord& l,
                                const std::map<std::string, std::string>& additional) {
  json::object o = RenderList(l, false);
  o.erase("size");
  json::object props;
  for (const auto& [k, v] : additional) props[k] = v;
  o["additionalProperties"] = std::move(props);
  return o;
}

json::object RenderFolder(const store::FolderRecord& folder,
                          const std::vector<store::FolderRecord>& all,
                          const std::vector<int64_t>& child_lists) {
  json::array lists;
  for (int64_t id : child_lists) lists.emplace_back(id);  // integers in the spec
  json::array nodes;
  for (const auto& f : all) {
    if (f.parent_id == folder.id && f.id != folder.id) nodes.push_back(RenderFolder(f, all, {}));
  }
  json::object o{{"id", std::to_string(folder.id)},
                 {"name", folder.id == 0 ? std::string("Root") : folder.name},
                 {"parentFolderId", std::to_string(folder.parent_id)},
                 {"childLists", std::move(lists)},
                 {"childNodes", std::move(nodes)}};
  if (folder.id != 0) {
    o["createdAt"] = FormatIso8601Ms(folder.created_at_ms);
    o["updatedAt"] = FormatIso8601Ms(folder.updated_at_ms);
    o["updatedContentsAt"] = FormatIso8601Ms(folder.updated_contents_at_ms);
  }
  return o;
}

}  // namespace flowd::crm
