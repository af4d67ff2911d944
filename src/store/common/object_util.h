// Backend-independent halves of the object store: what both backends compute around their SQL
// (write de-duplication, maintained properties, event bodies, error texts). Internal to store/.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "store/object_store.h"

namespace flowd::store::internal {

// The last write of each property name wins; order of first appearance kept.
std::vector<PropertyWrite> LastWriteWins(const std::vector<PropertyWrite>& writes);

// hs_object_id, createdate, lastmodifieddate from the record's columns.
void AddMaintainedProperties(ObjectRecord& record);
// True for the three names above (they are never stored as values; writes to them are ignored).
bool IsMaintainedProperty(const std::string& name);

// JSON object text of an event's properties, and back (malformed text gives an empty map).
std::string EventPropertiesJson(const std::map<std::string, std::string>& properties);
// The same for writes in name order with unique names (what the map would hold).
std::string EventPropertiesJson(std::span<const PropertyWrite> writes);
std::map<std::string, std::string> ParseEventProperties(const std::string& json);

// A JSON array of strings ("[\"a\",\"b\"]"), for SQLite's json_each.
std::string JsonStringArray(std::span<const std::string> values);

// The properties of a 4-655002 event.
std::map<std::string, std::string> ChangeEventProperties(const std::string& name,
                                                         const std::string& value,
                                                         const std::string& previous);

Error ObjectNotFound(const std::string& object_type_id, int64_t id);
// A unique-value clash: names the property, the value and the record holding it.
Error UniqueValueTaken(const std::string& property, const std::string& value, int64_t holder_id);

// The found records back into the order of `ids` (duplicates once).
std::vector<ObjectRecord> InRequestedOrder(std::vector<ObjectRecord> found,
                                           const std::vector<int64_t>& ids);

}  // namespace flowd::store::internal
