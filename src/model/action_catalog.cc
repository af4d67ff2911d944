// The built-in action types of reference §4.5 that flowd's engine implements.
#include "model/action_catalog.h"

#include <algorithm>
#include <boost/json/object.hpp>
#include <cctype>

namespace flowd::model {
namespace json = boost::json;

namespace {

ActionInputField Simple(std::string name, std::string label, std::string description, bool required,
                        std::string crm_type) {
  return ActionInputField{std::move(name), std::move(label),    std::move(description),
                          required,        std::move(crm_type), {}};
}

ActionInputField Enum(std::string name, std::string label, std::string description, bool required,
                      std::vector<std::string> options) {
  return ActionInputField{std::move(name), std::move(label), std::move(description),
                          required,        "enumeration",    std::move(options)};
}

// Object type id of contacts: the one type the marketing-email action applies to.
constexpr const char* kContact = "0-1";

std::vector<ActionType> MakeCatalogue() {
  std::vector<ActionType> types;
  types.push_back(ActionType{
      "0-1",
      "Delay for a set amount of time",
      "DELAYS",
      {},
      {Simple("delta", "Delay amount",
              "How many time units to wait (a whole number, e.g. \"1440\").", true, "number"),
       Enum("time_unit", "Time unit", "The unit of `delta`.", true,
            {"MINUTES", "HOURS", "DAYS", "WEEKS"})},
      false});
  types.push_back(ActionType{
      "0-35",
      "Delay until a date",
      "DELAYS",
      {},
      {Simple("date", "Date",
              "The date to wait for: a STATIC_VALUE (epoch milliseconds) or an OBJECT_PROPERTY "
              "(a date property of the enrolled record).",
              true, "json"),
       Simple("delta", "Offset amount",
              "Optional offset from the date, in time units (negative = before the date).", false,
              "number"),
       Enum("time_unit", "Offset unit", "The unit of `delta`.", false,
            {"MINUTES", "HOURS", "DAYS", "WEEKS"}),
       Simple("time_of_day", "Time of day", "Optional time of day to resume at: {hour, minute}.",
              false, "json")},
      false});
  types.push_back(ActionType{
      "0-29",
      "Delay until an event occurs",
      "DELAYS",
      {},
      {Simple("event_filter_branches", "Events",
              "The events to wait for on the enrolled record: filter branches with an eventTypeId "
              "and filters on the event's properties, as in EVENT_BASED enrollment triggers.",
              true, "json"),
       Simple("expiration_minutes", "Expiration",
              "Optional: minutes after which the enrollment continues without the event.", false,
              "number")},
      false});
  types.push_back(ActionType{
      "0-3",
      "Create task",
      "CRM",
      {},
      {Enum("task_type", "Task type", "The kind of task.", false, {"TODO", "CALL", "EMAIL"}),
       Simple("subject", "Title", "The task's title.", true, "string"),
       Simple("body", "Notes", "The task's notes (HTML).", false, "string"),
       Enum("priority", "Priority", "The task's priority.", false,
            {"NONE", "LOW", "MEDIUM", "HIGH"}),
       Simple("associations", "Associations",
              "Records to associate the task with: [{target: {associationCategory, "
              "associationTypeId}, value: {type: \"ENROLLED_OBJECT\"}}].",
              false, "json"),
       Simple("use_explicit_associations", "Use explicit associations",
              "Associate only with the records listed in `associations`.", false, "bool")},
      false});
  types.push_back(
      ActionType{"0-4",
                 "Send marketing email",
                 "COMMUNICATIONS",
                 {kContact},
                 {Simple("content_id", "Email", "The id of the automated marketing email to send.",
                         true, "number")},
                 false});
  types.push_back(ActionType{
      "0-5",
      "Set property value",
      "CRM",
      {},
      {Simple("property_name", "Property", "The internal name of the property to set.", true,
              "string"),
       Simple("value", "Value",
              "The value to set: an input value such as {type: \"STATIC_VALUE\", staticValue}.",
              true, "json"),
       Simple("association", "Association",
              "Optional {associationCategory, associationTypeId}: set the property on associated "
              "records instead of the enrolled one.",
              false, "json")},
      false});
  types.push_back(
      ActionType{"0-8",
                 "Send internal email notification",
                 "COMMUNICATIONS",
                 {},
                 {Simple("user_ids", "Recipients", "Ids of the users to notify.", true, "json"),
                  Simple("subject", "Subject", "The email's subject.", true, "string"),
                  Simple("body", "Body", "The email's body (HTML).", true, "string")},
                 false});
  types.push_back(
      ActionType{"0-9",
                 "Send in-app notification",
                 "COMMUNICATIONS",
                 {},
                 {Simple("user_ids", "Recipients", "Ids of the users to notify.", true, "json"),
                  Enum("delivery_method", "Delivery method", "How the notification is delivered.",
                       false, {"APP"}),
                  Simple("subject", "Subject", "The notification's title.", true, "string"),
                  Simple("body", "Body", "The notification's text.", true, "string")},
                 false});
  types.push_back(ActionType{
      "0-11",
      "Rotate record to owner",
      "CRM",
      {},
      {Simple("user_ids", "Owners",
              "The owners to rotate among, in order: owner ids (or the user ids of owners). Each "
              "enrollment that reaches the action takes the next one.",
              true, "json"),
       Simple("target_property", "Owner property",
              "The owner property to set (default \"hubspot_owner_id\").", false, "string"),
       Simple("overwrite_current_owner", "Overwrite the current owner",
              "\"false\": leave records that already have an owner as they are (default "
              "\"true\").",
              false, "bool")},
      false});
  types.push_back(ActionType{
      "0-15",
      "Enroll in another workflow",
      "WORKFLOWS",
      {},
      {Simple("flow_id", "Workflow",
              "The id of the flow to enroll the record in: an enabled flow of the same account "
              "and object type.",
              true, "number")},
      false});
  types.push_back(ActionType{
      "0-14",
      "Create record",
      "CRM",
      {},
      {Simple("object_type_id", "Object type", "The object type of the new record, e.g. \"0-3\".",
              true, "string"),
       Simple("properties", "Properties",
              "Property values of the new record: [{targetProperty, value}].", false, "json"),
       Simple("associations", "Associations",
              "Records to associate the new record with (as for create task).", false, "json"),
       Simple("use_explicit_associations", "Use explicit associations",
              "Associate only with the records listed in `associations`.", false, "bool")},
      false});
  types.push_back(
      ActionType{"0-63809083",
                 "Add to static list",
                 "LISTS",
                 {},
                 {Simple("listId", "List", "The id of the static list.", true, "number"),
                  Simple("targetObject", "Record",
                         "The record to add; defaults to {{ enrolled_object }}.", false, "string")},
                 false});
  types.push_back(ActionType{
      "0-63863438",
      "Remove from static list",
      "LISTS",
      {},
      {Simple("listId", "List", "The id of the static list.", true, "number"),
       Simple("targetObject", "Record", "The record to remove; defaults to {{ enrolled_object }}.",
              false, "string")},
      false});
  types.push_back(
      ActionType{"0-13",
                 "Add to / remove from static list (legacy)",
                 "LISTS",
                 {},
                 {Enum("operation", "Operation", "ADD or REMOVE.", true, {"ADD", "REMOVE"}),
                  Simple("list_id", "List", "The id of the static list.", true, "number")},
                 true});
  return types;
}

// "HALF_DAYS" → "Half days".
std::string OptionLabel(std::string_view value) {
  std::string out;
  for (size_t i = 0; i < value.size(); ++i) {
    char c = value[i] == '_' ? ' ' : value[i];
    out += i == 0 ? c : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return out;
}

json::object FieldDefinition(const ActionInputField& f) {
  json::object o;
  o["fieldDefinitionType"] = f.options.empty() ? "SIMPLE" : "ENUM";
  o["name"] = f.name;
  if (!f.label.empty()) o["label"] = f.label;
  if (!f.description.empty()) o["description"] = f.description;
  o["isRequired"] = f.required;
  o["type"] = f.crm_type;
  if (!f.options.empty()) {
    json::array options;
    for (size_t i = 0; i < f.options.size(); ++i) {
      json::object opt;
      opt["value"] = f.options[i];
      opt["label"] = OptionLabel(f.options[i]);
      opt["description"] = "";
      opt["displayOrder"] = static_cast<int64_t>(i);
      opt["doubleData"] = 0.0;
      opt["hidden"] = false;
      opt["readOnly"] = false;
      options.push_back(std::move(opt));
    }
    o["options"] = std::move(options);
  }
  return o;
}

}  // namespace

const std::vector<ActionType>& BuiltinActionTypes() {
  static const std::vector<ActionType>* types = new std::vector<ActionType>(MakeCatalogue());
  return *types;
}

const ActionType* FindBuiltinActionType(std::string_view action_type_id) {
  for (const ActionType& t : BuiltinActionTypes()) {
    if (t.action_type_id == action_type_id) return &t;
  }
  return nullptr;
}

json::array ActionTypeDefinitions(const std::optional<std::string>& object_type_id) {
  json::array out;
  for (const ActionType& t : BuiltinActionTypes()) {
    if (t.legacy) continue;
    if (object_type_id && !t.object_type_ids.empty() &&
        std::find(t.object_type_ids.begin(), t.object_type_ids.end(), *object_type_id) ==
            t.object_type_ids.end()) {
      continue;
    }
    json::object d;
    d["actionTypeId"] = t.action_type_id;
    d["actionName"] = t.name;
    d["groupId"] = t.group_id;
    json::array ots;
    if (t.object_type_ids.empty()) {
      // Applies to every object type: the one asked for, or else the standard types flows run
      // on (custom object types "2-…" are per account and cannot be listed here).
      if (object_type_id) {
        ots.push_back(json::value(*object_type_id));
      } else {
        for (const char* id : {"0-1", "0-2", "0-3", "0-5"}) ots.push_back(json::value(id));
      }
    } else {
      for (const std::string& id : t.object_type_ids) ots.push_back(json::value(id));
    }
    d["objectTypeIds"] = std::move(ots);
    json::array fields;
    for (const ActionInputField& f : t.fields) fields.push_back(FieldDefinition(f));
    d["inputFieldDefinitions"] = std::move(fields);
    out.push_back(std::move(d));
  }
  return out;
}

}  // namespace flowd::model
