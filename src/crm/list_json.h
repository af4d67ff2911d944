// CRM lists as JSON (the lists spec's PublicObjectList, PublicObjectListSearchResult,
// PublicListFolder) and the canonical stored form of a filterBranch.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <map>
#include <string>
#include <vector>

#include "store/list_store.h"

namespace flowd::crm {

// `branch` with the spec's required fields filled in where a lenient request left them out
// (filterBranchOperator, filters, filterBranches, includeObjectsWithNoValueSet, the TIME_POINT /
// TIME_RANGED tags), so that a stored filter reads back complete. Everything else is kept.
boost::json::value NormalizeFilterBranch(const boost::json::value& branch);

// PublicObjectList; filterBranch only with `include_filters`.
boost::json::object RenderList(const store::ListRecord& list, bool include_filters);
// PublicObjectListSearchResult with its additionalProperties.
boost::json::object RenderSearchResult(const store::ListRecord& list,
                                       const std::map<std::string, std::string>& additional);
// PublicListFolder: `folder` (id 0 = the root) with its lists and, recursively, its subfolders
// (whose childLists are empty, as HubSpot's are).
boost::json::object RenderFolder(const store::FolderRecord& folder,
                                 const std::vector<store::FolderRecord>& all,
                                 const std::vector<int64_t>& child_lists);

}  // namespace flowd::crm
