#include "crm/default_properties.h"

#include <algorithm>
#include <cctype>
#include <initializer_list>
#include <map>
#include <utility>

#include "common/text.h"

namespace flowd::crm {
namespace {

using store::PropertyGroupRecord;
using store::PropertyOption;
using store::PropertyRecord;

struct Opt {
  const char* value;
  const char* label;
};

// A built-in property: hubspotDefined, definition read-only, shown in forms when editable.
PropertyRecord Prop(const char* name, const char* label, const char* type, const char* field_type,
                    const char* group) {
  PropertyRecord p;
  p.name = name;
  p.label = label;
  p.type = type;
  p.field_type = field_type;
  p.group_name = group;
  p.hubspot_defined = true;
  p.read_only_definition = true;
  p.form_field = true;
  return p;
}

PropertyRecord Text(const char* name, const char* label, const char* group) {
  return Prop(name, label, "string", "text", group);
}

PropertyRecord Enum(const char* name, const char* label, const char* field_type, const char* group,
                    std::initializer_list<Opt> options) {
  PropertyRecord p = Prop(name, label, "enumeration", field_type, group);
  int64_t order = 0;
  for (const Opt& o : options)
    p.options.push_back(PropertyOption{o.label, o.value, "", order++, false});
  return p;
}

PropertyRecord Owner(const char* label, const char* group) {
  PropertyRecord p = Prop("hubspot_owner_id", label, "enumeration", "select", group);
  p.referenced_object_type = "OWNER";
  p.external_options = true;
  return p;
}

// hs_object_id, createdate and lastmodifieddate: values maintained by the object store.
void AddRecordProperties(std::vector<PropertyRecord>& props, const char* group) {
  PropertyRecord id = Prop("hs_object_id", "Record ID", "number", "number", group);
  PropertyRecord created = Prop("createdate", "Create Date", "datetime", "date", group);
  PropertyRecord modified =
      Prop("lastmodifieddate", "Last Modified Date", "datetime", "date", group);
  for (PropertyRecord* p : {&id, &created, &modified}) {
    p->read_only_value = true;
    p->form_field = false;
    props.push_back(std::move(*p));
  }
}

const std::initializer_list<Opt> kLifecycleStages = {
    {"subscriber", "Subscriber"},
    {"lead", "Lead"},
    {"marketingqualifiedlead", "Marketing Qualified Lead"},
    {"salesqualifiedlead", "Sales Qualified Lead"},
    {"opportunity", "Opportunity"},
    {"customer", "Customer"},
    {"evangelist", "Evangelist"},
    {"other", "Other"}};

const std::initializer_list<Opt> kLeadStatuses = {{"NEW", "New"},
                                                  {"OPEN", "Open"},
                                                  {"IN_PROGRESS", "In Progress"},
                                                  {"OPEN_DEAL", "Open Deal"},
                                                  {"UNQUALIFIED", "Unqualified"},
                                                  {"ATTEMPTED_TO_CONTACT", "Attempted to Contact"},
                                                  {"CONNECTED", "Connected"},
                                                  {"BAD_TIMING", "Bad Timing"}};

std::vector<PropertyRecord> Contacts() {
  const char* g = "contactinformation";
  std::vector<PropertyRecord> p;
  PropertyRecord email = Text("email", "Email", g);
  email.has_unique_value = true;
  email.text_display_hint = "email";
  p.push_back(std::move(email));
  for (auto [name, label] : {std::pair{"firstname", "First Name"},
                             {"lastname", "Last Name"},
                             {"salutation", "Salutation"},
                             {"company", "Company Name"},
                             {"website", "Website URL"},
                             {"jobtitle", "Job Title"},
                             {"address", "Street Address"},
                             {"city", "City"},
                             {"state", "State/Region"},
                             {"zip", "Postal Code"},
                             {"country", "Country/Region"},
                             {"industry", "Industry"},
                             {"annualrevenue", "Annual Revenue"},
                             {"date_of_birth", "Date of birth"}}) {
    p.push_back(Text(name, label, g));
  }
  for (auto [name, label] : {std::pair{"phone", "Phone Number"},
                             {"mobilephone", "Mobile Phone Number"},
                             {"fax", "Fax Number"}}) {
    p.push_back(Prop(name, label, "string", "phonenumber", g));
  }
  p.push_back(Prop("message", "Message", "string", "textarea", g));
  p.push_back(Enum("lifecyclestage", "Lifecycle Stage", "radio", g, kLifecycleStages));
  p.push_back(Enum("hs_lead_status", "Lead Status", "radio", "sales_properties", kLeadStatuses));
  p.push_back(Owner("Contact owner", "sales_properties"));
  AddRecordProperties(p, g);
  return p;
}

std::vector<PropertyRecord> Companies() {
  const char* g = "companyinformation";
  std::vector<PropertyRecord> p;
  for (auto [name, label] : {std::pair{"name", "Company name"},
                             {"domain", "Company Domain Name"},
                             {"website", "Website URL"},
                             {"industry", "Industry"},
                             {"address", "Street Address"},
                             {"city", "City"},
                             {"state", "State/Region"},
                             {"zip", "Postal Code"},
                             {"country", "Country/Region"},
                             {"founded_year", "Year Founded"}}) {
    p.push_back(Text(name, label, g));
  }
  p.push_back(Prop("phone", "Phone Number", "string", "phonenumber", g));
  p.push_back(Prop("description", "Description", "string", "textarea", g));
  p.push_back(Prop("numberofemployees", "Number of Employees", "number", "number", g));
  PropertyRecord revenue = Prop("annualrevenue", "Annual Revenue", "number", "number", g);
  revenue.number_display_hint = "currency";
  p.push_back(std::move(revenue));
  p.push_back(Enum("type", "Type", "select", g,
                   {{"PROSPECT", "Prospect"},
                    {"PARTNER", "Partner"},
                    {"RESELLER", "Reseller"},
                    {"VENDOR", "Vendor"},
                    {"OTHER", "Other"}}));
  p.push_back(Enum("lifecyclestage", "Lifecycle Stage", "radio", g, kLifecycleStages));
  p.push_back(Enum("hs_lead_status", "Lead Status", "radio", g, kLeadStatuses));
  p.push_back(Owner("Company owner", g));
  AddRecordProperties(p, g);
  return p;
}

std::vector<PropertyRecord> Deals() {
  const char* g = "dealinformation";
  std::vector<PropertyRecord> p;
  p.push_back(Text("dealname", "Deal Name", g));
  PropertyRecord amount = Prop("amount", "Amount", "number", "number", g);
  amount.number_display_hint = "currency";
  p.push_back(std::move(amount));
  p.push_back(Enum("dealstage", "Deal Stage", "radio", g,
                   {{"appointmentscheduled", "Appointment Scheduled"},
                    {"qualifiedtobuy", "Qualified To Buy"},
                    {"presentationscheduled", "Presentation Scheduled"},
                    {"decisionmakerboughtin", "Decision Maker Bought-In"},
                    {"contractsent", "Contract Sent"},
                    {"closedwon", "Closed Won"},
                    {"closedlost", "Closed Lost"}}));
  p.push_back(Enum("pipeline", "Pipeline", "select", g, {{"default", "Sales Pipeline"}}));
  p.push_back(Prop("closedate", "Close Date", "datetime", "date", g));
  p.push_back(Enum("dealtype", "Deal Type", "radio", g,
                   {{"newbusiness", "New Business"}, {"existingbusiness", "Existing Business"}}));
  p.push_back(Enum("hs_priority", "Priority", "select", g,
                   {{"low", "Low"}, {"medium", "Medium"}, {"high", "High"}}));
  p.push_back(Prop("description", "Deal Description", "string", "textarea", g));
  p.push_back(Owner("Deal owner", g));
  AddRecordProperties(p, g);
  return p;
}

std::vector<PropertyRecord> Tickets() {
  const char* g = "ticketinformation";
  std::vector<PropertyRecord> p;
  p.push_back(Text("subject", "Ticket name", g));
  p.push_back(Prop("content", "Ticket description", "string", "textarea", g));
  p.push_back(Enum("hs_pipeline", "Pipeline", "select", g, {{"0", "Support Pipeline"}}));
  p.push_back(
      Enum("hs_pipeline_stage", "Ticket status", "radio", g,
           {{"1", "New"}, {"2", "Waiting on contact"}, {"3", "Waiting on us"}, {"4", "Closed"}}));
  p.push_back(Enum("hs_ticket_priority", "Priority", "select", g,
                   {{"LOW", "Low"}, {"MEDIUM", "Medium"}, {"HIGH", "High"}, {"URGENT", "Urgent"}}));
  p.push_back(Enum("hs_ticket_category", "Category", "checkbox", g,
                   {{"PRODUCT_ISSUE", "Product Issue"},
                    {"BILLING_ISSUE", "Billing Issue"},
                    {"FEATURE_REQUEST", "Feature Request"},
                    {"GENERAL_INQUIRY", "General Inquiry"}}));
  p.push_back(Enum("source_type", "Source", "select", g,
                   {{"CHAT", "Chat"}, {"EMAIL", "Email"}, {"FORM", "Form"}, {"PHONE", "Phone"}}));
  p.push_back(Owner("Ticket owner", g));
  AddRecordProperties(p, g);
  return p;
}

std::vector<PropertyRecord> Tasks() {
  const char* g = "task";
  std::vector<PropertyRecord> p;
  p.push_back(Text("hs_task_subject", "Task Title", g));
  p.push_back(Prop("hs_task_body", "Task notes", "string", "html", g));
  p.push_back(Enum("hs_task_status", "Task Status", "select", g,
                   {{"NOT_STARTED", "Not Started"},
                    {"IN_PROGRESS", "In Progress"},
                    {"WAITING", "Waiting"},
                    {"COMPLETED", "Completed"},
                    {"DEFERRED", "Deferred"}}));
  p.push_back(Enum("hs_task_priority", "Priority", "select", g,
                   {{"NONE", "None"}, {"LOW", "Low"}, {"MEDIUM", "Medium"}, {"HIGH", "High"}}));
  p.push_back(Enum("hs_task_type", "Task Type", "select", g,
                   {{"TODO", "To-do"},
                    {"CALL", "Call"},
                    {"EMAIL", "Email"},
                    {"LINKED_IN", "LinkedIn"},
                    {"MEETING", "Meeting"},
                    {"LINKED_IN_CONNECT", "Sales Navigator - Connection Request"},
                    {"LINKED_IN_MESSAGE", "Sales Navigator - InMail"}}));
  p.push_back(Prop("hs_timestamp", "Due date", "datetime", "date", g));
  p.push_back(Owner("Assigned to", g));
  AddRecordProperties(p, g);
  return p;
}

std::vector<PropertyRecord> Notes() {
  const char* g = "note";
  std::vector<PropertyRecord> p;
  p.push_back(Prop("hs_note_body", "Note body", "string", "html", g));
  p.push_back(Prop("hs_timestamp", "Activity date", "datetime", "date", g));
  p.push_back(Owner("Activity assigned to", g));
  AddRecordProperties(p, g);
  return p;
}

PropertyGroupRecord Group(const char* type, const char* name, const char* label, int64_t order) {
  PropertyGroupRecord g;
  g.object_type_id = type;
  g.name = name;
  g.label = label;
  g.display_order = order;
  g.hubspot_defined = true;
  return g;
}

struct Defaults {
  std::map<std::string, std::vector<PropertyRecord>, std::less<>> properties;
  std::map<std::string, std::vector<PropertyGroupRecord>, std::less<>> groups;
};

const Defaults& AllDefaults() {
  static const Defaults kDefaults = [] {
    Defaults d;
    d.properties["0-1"] = Contacts();
    d.properties["0-2"] = Companies();
    d.properties["0-3"] = Deals();
    d.properties["0-5"] = Tickets();
    d.properties["0-27"] = Tasks();
    d.properties["0-46"] = Notes();
    for (auto& [type, props] : d.properties) {
      std::sort(props.begin(), props.end(),
                [](const PropertyRecord& a, const PropertyRecord& b) { return a.name < b.name; });
      for (auto& p : props) p.object_type_id = type;
    }
    d.groups["0-1"] = {Group("0-1", "contactinformation", "Contact information", 0),
                       Group("0-1", "sales_properties", "Sales properties", 1)};
    d.groups["0-2"] = {Group("0-2", "companyinformation", "Company information", 0)};
    d.groups["0-3"] = {Group("0-3", "dealinformation", "Deal information", 0)};
    d.groups["0-5"] = {Group("0-5", "ticketinformation", "Ticket information", 0)};
    d.groups["0-27"] = {Group("0-27", "task", "Task information", 0)};
    d.groups["0-46"] = {Group("0-46", "note", "Note information", 0)};
    return d;
  }();
  return kDefaults;
}

}  // namespace

const std::vector<PropertyGroupRecord>& DefaultGroups(std::string_view object_type_id) {
  static const std::vector<PropertyGroupRecord> kNone;
  const auto& all = AllDefaults().groups;
  auto it = all.find(object_type_id);
  return it == all.end() ? kNone : it->second;
}

const std::vector<PropertyRecord>& DefaultProperties(std::string_view object_type_id) {
  static const std::vector<PropertyRecord> kNone;
  const auto& all = AllDefaults().properties;
  auto it = all.find(object_type_id);
  return it == all.end() ? kNone : it->second;
}

PropertyGroupRecord CustomObjectDefaultGroup(const std::string& schema_name,
                                             const std::string& singular_label) {
  PropertyGroupRecord g;
  // Group names are lower-case ([a-z0-9_]); schema names may have capitals.
  g.name = AsciiLower(schema_name + "_information");
  g.label = singular_label + " information";
  g.display_order = 0;
  g.hubspot_defined = true;
  return g;
}

std::vector<PropertyRecord> CustomObjectDefaultProperties(const std::string& group_name) {
  std::vector<PropertyRecord> p;
  AddRecordProperties(p, group_name.c_str());
  return p;
}

}  // namespace flowd::crm
