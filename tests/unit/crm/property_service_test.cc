// PropertyService: the catalog (built-ins merged with stored definitions, cache invalidation and
// expiry), definition rules, archive and group rules, batches.
#include "crm/property_service.h"

#include <gtest/gtest.h>

#include <set>

#include "crm/default_properties.h"
#include "crm/property_json.h"
#include "crm_test_util.h"

namespace flowd::crm {
namespace {

using testing::CodeOf;
using testing::Json;

class PropertyServiceTest : public testing::CrmStoreTest {
 protected:
  void SetUp() override {
    CrmStoreTest::SetUp();
    service_ = std::make_unique<PropertyService>(store_->properties(), clock_);
  }

  Result<store::PropertyRecord> Create(std::string_view body, SensitiveAccess access = {}) {
    return service_->Create(a_, contacts_, Json(body), access);
  }

  ObjectTypeInfo contacts_ = *FindStandardObjectType("contacts");
  std::unique_ptr<PropertyService> service_;
};

constexpr std::string_view kFavorite = R"({"name":"favorite_color","label":"Favorite color",
  "type":"enumeration","fieldType":"select","groupName":"contactinformation",
  "options":[{"label":"Red","value":"red","hidden":false},{"label":"Blue","value":"blue"}]})";

// ---------------------------------------------------------------- built-ins

TEST(DefaultPropertiesTest, EveryStandardTypeHasTheRecordPropertiesAndItsGroups) {
  for (const auto& type : StandardObjectTypes()) {
    const auto& props = DefaultProperties(type.id);
    ASSERT_FALSE(props.empty()) << type.id;
    std::set<std::string> groups;
    for (const auto& g : DefaultGroups(type.id)) groups.insert(g.name);
    std::set<std::string> names;
    for (const auto& p : props) {
      names.insert(p.name);
      EXPECT_EQ(p.object_type_id, type.id);
      EXPECT_TRUE(p.hubspot_defined) << p.name;
      EXPECT_TRUE(p.read_only_definition) << p.name;
      EXPECT_TRUE(groups.count(p.group_name)) << type.id << " " << p.name << " " << p.group_name;
      // Every built-in follows the type/fieldType matrix the API enforces.
      std::vector<ErrorDetail> problems;
      boost::json::object as_input = RenderProperty(p);
      as_input["name"] = "x_" + p.name;  // built-in names are reserved; the rules are what counts
      as_input.erase("options");
      if (p.type == "enumeration" && !p.external_options) {
        as_input["options"] = RenderProperty(p).at("options");
      }
      if (p.external_options) as_input["referencedObjectType"] = "OWNER";
      EXPECT_TRUE(ParsePropertyCreate(as_input, "", nullptr, problems).has_value())
          << type.id << " " << p.name << ": " << (problems.empty() ? "" : problems[0].message);
    }
    for (const char* always : {"hs_object_id", "createdate", "lastmodifieddate"}) {
      EXPECT_TRUE(names.count(always)) << type.id << " lacks " << always;
    }
    EXPECT_EQ(names.count(type.primary_display_property), 1u) << type.id;
  }
}

TEST(DefaultPropertiesTest, HubSpotsOptionsAndFlags) {
  auto find = [](const char* type, const char* name) {
    for (const auto& p : DefaultProperties(type)) {
      if (p.name == name) return p;
    }
    ADD_FAILURE() << type << " " << name;
    return store::PropertyRecord{};
  };
  EXPECT_TRUE(find("0-1", "email").has_unique_value);
  auto values = [](const store::PropertyRecord& p) {
    std::vector<std::string> out;
    for (const auto& o : p.options) out.push_back(o.value);
    return out;
  };
  EXPECT_EQ(values(find("0-1", "lifecyclestage")),
            (std::vector<std::string>{"subscriber", "lead", "marketingqualifiedlead",
                                      "salesqualifiedlead", "opportunity", "customer", "evangelist",
                                      "other"}));
  EXPECT_EQ(values(find("0-3", "dealstage")),
            (std::vector<std::string>{"appointmentscheduled", "qualifiedtobuy",
                                      "presentationscheduled", "decisionmakerboughtin",
                                      "contractsent", "closedwon", "closedlost"}));
  EXPECT_EQ(values(find("0-5", "hs_pipeline_stage")),
            (std::vector<std::string>{"1", "2", "3", "4"}));
  EXPECT_EQ(
      values(find("0-27", "hs_task_status")),
      (std::vector<std::string>{"NOT_STARTED", "IN_PROGRESS", "WAITING", "COMPLETED", "DEFERRED"}));
  auto owner = find("0-1", "hubspot_owner_id");
  EXPECT_EQ(owner.referenced_object_type, "OWNER");
  EXPECT_TRUE(owner.external_options);
  EXPECT_TRUE(find("0-46", "createdate").read_only_value);
  EXPECT_EQ(find("0-27", "hs_timestamp").type, "datetime");
  EXPECT_TRUE(DefaultProperties("2-5").empty());
}

TEST(DefaultPropertiesTest, OwnerIdsAreValidValuesOfExternalOptions) {
  store::PropertyRecord owner;
  for (const auto& p : DefaultProperties("0-1")) {
    if (p.name == "hubspot_owner_id") owner = p;
  }
  auto ok = NormalizePropertyValue(owner, "0012345");
  ASSERT_TRUE(std::holds_alternative<std::string>(ok));
  EXPECT_EQ(std::get<std::string>(ok), "12345");
  for (const char* bad : {"abc", "-4", "0", "1.5", "99999999999999999999999"}) {
    EXPECT_TRUE(std::holds_alternative<ErrorDetail>(NormalizePropertyValue(owner, bad))) << bad;
  }
}

// ---------------------------------------------------------------- catalog

TEST_F(PropertyServiceTest, CatalogMergesBuiltInsWithStoredAndFollowsWrites) {
  CRM_ASSERT_OK_AND_ASSIGN(auto before, service_->PropertiesOf(a_, "0-1"));
  ASSERT_NE(before->Find("email"), nullptr);
  EXPECT_EQ(before->Find("favorite_color"), nullptr);
  CRM_ASSERT_OK(Create(kFavorite));
  CRM_ASSERT_OK_AND_ASSIGN(auto after, service_->PropertiesOf(a_, "0-1"));
  ASSERT_NE(after->Find("favorite_color"), nullptr);
  EXPECT_EQ(after->Find("favorite_color")->options.size(), 2u);
  // The old snapshot is unchanged (immutable), other accounts and types do not see it.
  EXPECT_EQ(before->Find("favorite_color"), nullptr);
  CRM_ASSERT_OK_AND_ASSIGN(auto other, service_->PropertiesOf(b_, "0-1"));
  EXPECT_EQ(other->Find("favorite_color"), nullptr);
  CRM_ASSERT_OK_AND_ASSIGN(auto deals, service_->PropertiesOf(a_, "0-3"));
  EXPECT_EQ(deals->Find("favorite_color"), nullptr);
  CRM_ASSERT_OK(service_->Archive(a_, contacts_, "favorite_color"));
  CRM_ASSERT_OK_AND_ASSIGN(auto archived, service_->PropertiesOf(a_, "0-1"));
  EXPECT_EQ(archived->Find("favorite_color"), nullptr);
  // Unknown types: the empty set.
  CRM_ASSERT_OK_AND_ASSIGN(auto unknown, service_->PropertiesOf(a_, "2-999"));
  EXPECT_TRUE(unknown->by_name.empty());
}

TEST_F(PropertyServiceTest, ChangesMadeElsewhereAreSeenAfterTheTtl) {
  CRM_ASSERT_OK_AND_ASSIGN(auto first, service_->PropertiesOf(a_, "0-1"));
  // Another process writes straight to the shared store.
  store::PropertyRecord p;
  p.object_type_id = "0-1";
  p.name = "elsewhere";
  p.label = "Elsewhere";
  p.type = "string";
  p.field_type = "text";
  p.group_name = "contactinformation";
  CRM_ASSERT_OK(store_->properties().CreateProperties(a_, {p}, clock_.NowMs()));
  CRM_ASSERT_OK_AND_ASSIGN(auto cached, service_->PropertiesOf(a_, "0-1"));
  EXPECT_EQ(cached.get(), first.get()) << "served from the cache within the TTL";
  clock_.AdvanceMs(kCatalogTtlMs);
  CRM_ASSERT_OK_AND_ASSIGN(auto fresh, service_->PropertiesOf(a_, "0-1"));
  EXPECT_NE(fresh->Find("elsewhere"), nullptr);
}

// ---------------------------------------------------------------- create rules

TEST_F(PropertyServiceTest, TypeAndFieldTypeMatrix) {
  struct Case {
    const char* type;
    const char* field;
    bool ok;
  };
  const Case cases[] = {
      {"string", "text", true},
      {"string", "textarea", true},
      {"string", "html", true},
      {"string", "file", true},
      {"string", "phonenumber", true},
      {"string", "number", false},
      {"string", "select", false},
      {"number", "number", true},
      {"number", "text", false},
      {"bool", "booleancheckbox", true},
      {"bool", "checkbox", false},
      {"date", "date", true},
      {"datetime", "date", true},
      {"date", "text", false},
      {"phone_number", "phonenumber", true},
      {"phone_number", "text", false},
      {"enumeration", "select", true},
      {"enumeration", "radio", true},
      {"enumeration", "checkbox", true},
      {"enumeration", "booleancheckbox", true},
      {"enumeration", "text", false},
      {"number", "calculation_equation", false},
  };
  int i = 0;
  for (const Case& c : cases) {
    std::string body =
        std::string(R"({"name":"p)") + std::to_string(i++) +
        R"(","label":"P","groupName":"contactinformation","type":")" + c.type +
        R"(","fieldType":")" + c.field + R"(")" +
        (std::string(c.type) == "enumeration" ? R"(,"options":[{"label":"A","value":"a"}])" : "") +
        "}";
    auto r = Create(body);
    EXPECT_EQ(r.ok(), c.ok) << c.type << "/" << c.field << ": "
                            << (r.ok() ? "" : r.error().message);
    if (!r.ok()) {
      EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
    }
  }
}

TEST_F(PropertyServiceTest, EveryProblemIsListedInOne400) {
  auto r = Create(R"({"name":"Bad Name","label":"","type":"enumeration","fieldType":"text",
    "dataSensitivity":"secret","displayOrder":"x","hidden":3,
    "options":[{"label":"A","value":"a;b"},{"label":"","value":""},{"label":"C","value":"c"},
               {"label":"C2","value":"c"}]})");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  std::set<std::string> ins;
  for (const auto& d : r.error().details) ins.insert(d.in);
  for (const char* in :
       {"name", "label", "groupName", "dataSensitivity", "displayOrder", "hidden",
        "options[0].value", "options[1].label", "options[1].value", "options[3].value"}) {
    EXPECT_TRUE(ins.count(in)) << "no problem reported at " << in;
  }
}

TEST_F(PropertyServiceTest, CreateRules) {
  CRM_ASSERT_OK_AND_ASSIGN(store::PropertyRecord created, Create(kFavorite));
  EXPECT_EQ(created.object_type_id, "0-1");
  EXPECT_EQ(created.created_at_ms, clock_.NowMs());
  EXPECT_FALSE(created.hubspot_defined);
  EXPECT_EQ(CodeOf(Create(kFavorite)), ErrorCode::kConflict);
  EXPECT_EQ(CodeOf(Create(R"({"name":"email","label":"E","type":"string","fieldType":"text",
    "groupName":"contactinformation"})")),
            ErrorCode::kConflict);
  EXPECT_EQ(CodeOf(Create(R"({"name":"hs_mine","label":"E","type":"string","fieldType":"text",
    "groupName":"contactinformation"})")),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(Create(R"({"name":"x","label":"X","type":"string","fieldType":"text",
    "groupName":"nosuchgroup"})")),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(Create(R"({"name":"x","label":"X","type":"enumeration","fieldType":"select",
    "groupName":"contactinformation"})")),
            ErrorCode::kInvalidArgument)
      << "enumerations need options";
  EXPECT_EQ(CodeOf(Create(R"({"name":"x","label":"X","type":"string","fieldType":"textarea",
    "hasUniqueValue":true,"groupName":"contactinformation"})")),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(Create(R"({"name":"x","label":"X","type":"number","fieldType":"number",
    "calculationFormula":"1+1","groupName":"contactinformation"})")),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(Create(R"({"name":"x","label":"X","type":"string","fieldType":"text",
    "referencedObjectType":"COMPANY","groupName":"contactinformation"})")),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(Create(R"([1,2])")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(Create(std::string(R"({"name":")") + std::string(101, 'a') +
                          R"(","label":"X","type":"string","fieldType":"text",
    "groupName":"contactinformation"})")),
            ErrorCode::kInvalidArgument);
  // bool gets Yes/No unless given; given ones must be exactly true/false.
  CRM_ASSERT_OK_AND_ASSIGN(store::PropertyRecord flag, Create(R"({"name":"vip","label":"VIP",
    "type":"bool","fieldType":"booleancheckbox","groupName":"contactinformation"})"));
  ASSERT_EQ(flag.options.size(), 2u);
  EXPECT_EQ(flag.options[0].value, "true");
  EXPECT_EQ(CodeOf(Create(R"({"name":"vip2","label":"VIP","type":"bool",
    "fieldType":"booleancheckbox","groupName":"contactinformation",
    "options":[{"label":"Y","value":"yes"},{"label":"N","value":"no"}]})")),
            ErrorCode::kInvalidArgument);
  // Unique numbers and owner references are fine.
  CRM_ASSERT_OK(Create(R"({"name":"member_no","label":"No","type":"number","fieldType":"number",
    "hasUniqueValue":true,"groupName":"contactinformation"})"));
  CRM_ASSERT_OK_AND_ASSIGN(store::PropertyRecord owner, Create(R"({"name":"second_owner",
    "label":"Second owner","type":"enumeration","fieldType":"select",
    "referencedObjectType":"OWNER","externalOptions":true,"groupName":"sales_properties"})"));
  EXPECT_TRUE(owner.external_options);
}

TEST_F(PropertyServiceTest, SensitiveDefinitionsNeedTheSensitiveWriteScope) {
  constexpr std::string_view kSsn = R"({"name":"ssn","label":"SSN","type":"string",
    "fieldType":"text","groupName":"contactinformation","dataSensitivity":"sensitive"})";
  EXPECT_EQ(CodeOf(Create(kSsn)), ErrorCode::kPermissionDenied);
  EXPECT_EQ(CodeOf(Create(kSsn, {false, true})), ErrorCode::kPermissionDenied);
  CRM_ASSERT_OK_AND_ASSIGN(store::PropertyRecord ssn, Create(kSsn, {true, false}));
  EXPECT_EQ(ssn.data_sensitivity, "sensitive");
  // The default list shows non-sensitive definitions; asking for sensitive ones shows them.
  CRM_ASSERT_OK_AND_ASSIGN(auto plain, service_->List(a_, contacts_, {false, "non_sensitive", {}}));
  for (const auto& p : plain) EXPECT_NE(p.name, "ssn");
  CRM_ASSERT_OK_AND_ASSIGN(auto sensitive, service_->List(a_, contacts_, {false, "sensitive", {}}));
  ASSERT_EQ(sensitive.size(), 1u);
  EXPECT_EQ(sensitive[0].name, "ssn");
}

// ---------------------------------------------------------------- update, archive

TEST_F(PropertyServiceTest, UpdateRules) {
  CRM_ASSERT_OK(Create(kFavorite));
  CRM_ASSERT_OK_AND_ASSIGN(
      store::PropertyRecord updated,
      service_->Update(a_, contacts_, "favorite_color", Json(R"({"label":"Colour","options":[
                                              {"label":"Green","value":"green"}]})")));
  EXPECT_EQ(updated.label, "Colour");
  ASSERT_EQ(updated.options.size(), 1u);
  EXPECT_EQ(updated.options[0].value, "green");
  CRM_ASSERT_OK_AND_ASSIGN(auto set, service_->PropertiesOf(a_, "0-1"));
  EXPECT_EQ(set->Find("favorite_color")->label, "Colour");
  EXPECT_EQ(
      CodeOf(service_->Update(a_, contacts_, "favorite_color", Json(R"({"fieldType":"text"})"))),
      ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(service_->Update(a_, contacts_, "favorite_color", Json(R"({"name":"other"})"))),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      CodeOf(service_->Update(a_, contacts_, "favorite_color", Json(R"({"groupName":"missing"})"))),
      ErrorCode::kInvalidArgument);
  // A type change brings its own options.
  CRM_ASSERT_OK_AND_ASSIGN(store::PropertyRecord text,
                           service_->Update(a_, contacts_, "favorite_color",
                                            Json(R"({"type":"string","fieldType":"text"})")));
  EXPECT_TRUE(text.options.empty());
  EXPECT_EQ(CodeOf(service_->Update(a_, contacts_, "email", Json(R"({"label":"Mail"})"))),
            ErrorCode::kInvalidArgument)
      << "built-in definitions are read-only";
  EXPECT_EQ(CodeOf(service_->Update(a_, contacts_, "nope", Json(R"({"label":"x"})"))),
            ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(service_->Update(b_, contacts_, "favorite_color", Json(R"({"label":"x"})"))),
            ErrorCode::kNotFound)
      << "accounts are walls";
}

TEST_F(PropertyServiceTest, ArchiveKeepsTheNameAndListsArchivedOnes) {
  CRM_ASSERT_OK(Create(kFavorite));
  EXPECT_EQ(CodeOf(service_->Archive(a_, contacts_, "email")), ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(service_->Archive(a_, contacts_, "nope")), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(service_->Archive(b_, contacts_, "favorite_color")), ErrorCode::kNotFound);
  clock_.AdvanceMs(5);
  CRM_ASSERT_OK(service_->Archive(a_, contacts_, "favorite_color"));
  EXPECT_EQ(CodeOf(service_->Archive(a_, contacts_, "favorite_color")), ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(service_->Get(a_, contacts_, "favorite_color", false)), ErrorCode::kNotFound);
  CRM_ASSERT_OK_AND_ASSIGN(store::PropertyRecord archived,
                           service_->Get(a_, contacts_, "favorite_color", true));
  EXPECT_EQ(archived.archived_at_ms, clock_.NowMs());
  CRM_ASSERT_OK_AND_ASSIGN(auto list, service_->List(a_, contacts_, {true, std::nullopt, {}}));
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(CodeOf(Create(kFavorite)), ErrorCode::kConflict) << "archived names are kept";
}

// ---------------------------------------------------------------- batches

TEST_F(PropertyServiceTest, BatchCreateReportsEachFailedInput) {
  CRM_ASSERT_OK_AND_ASSIGN(PropertyBatchResult r,
                           service_->BatchCreate(a_, contacts_, Json(R"({"inputs":[
        {"name":"one","label":"One","type":"string","fieldType":"text","groupName":"contactinformation"},
        {"name":"email","label":"E","type":"string","fieldType":"text","groupName":"contactinformation"},
        {"name":"Bad","label":"B","type":"string","fieldType":"text","groupName":"contactinformation"},
        {"name":"one","label":"Again","type":"string","fieldType":"text","groupName":"contactinformation"},
        {"name":"two","label":"Two","type":"number","fieldType":"number","groupName":"contactinformation"}
      ]})"),
                                                 {}));
  ASSERT_EQ(r.results.size(), 2u);
  EXPECT_EQ(r.results[0].name, "one");
  EXPECT_EQ(r.results[1].name, "two");
  ASSERT_EQ(r.errors.size(), 3u);
  EXPECT_EQ(r.errors[0].code, ErrorCode::kConflict);
  EXPECT_EQ(r.errors[0].context.at("names"), std::vector<std::string>{"email"});
  EXPECT_EQ(r.errors[1].code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(r.errors[2].code, ErrorCode::kConflict);
  std::string many = R"({"inputs":[)";
  for (int i = 0; i <= 100; ++i) many += std::string(i ? "," : "") + R"({"name":"n"})";
  many += "]}";
  EXPECT_EQ(CodeOf(service_->BatchCreate(a_, contacts_, Json(many), {})),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(CodeOf(service_->BatchCreate(a_, contacts_, Json(R"({"inputs":{}})"), {})),
            ErrorCode::kInvalidArgument);
}

TEST_F(PropertyServiceTest, BatchReadAndArchive) {
  CRM_ASSERT_OK(Create(kFavorite));
  CRM_ASSERT_OK_AND_ASSIGN(
      PropertyBatchResult r,
      service_->BatchRead(a_, contacts_,
                          Json(R"({"archived":false,"dataSensitivity":"non_sensitive",
                            "inputs":[{"name":"email"},{"name":"missing"},{"name":"favorite_color"}]})")));
  ASSERT_EQ(r.results.size(), 2u);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].code, ErrorCode::kNotFound);
  EXPECT_EQ(CodeOf(service_->BatchArchive(
                a_, contacts_, Json(R"({"inputs":[{"name":"favorite_color"},{"name":"email"}]})"))),
            ErrorCode::kInvalidArgument);
  CRM_ASSERT_OK(service_->Get(a_, contacts_, "favorite_color", false));
  CRM_ASSERT_OK(service_->BatchArchive(
      a_, contacts_, Json(R"({"inputs":[{"name":"favorite_color"},{"name":"never_existed"}]})")));
  EXPECT_EQ(CodeOf(service_->Get(a_, contacts_, "favorite_color", false)), ErrorCode::kNotFound);
}

// ---------------------------------------------------------------- groups

TEST_F(PropertyServiceTest, Groups) {
  CRM_ASSERT_OK_AND_ASSIGN(auto groups, service_->ListGroups(a_, contacts_));
  ASSERT_GE(groups.size(), 1u);
  EXPECT_EQ(groups[0].name, "contactinformation");
  EXPECT_EQ(CodeOf(service_->CreateGroup(a_, contacts_,
                                         Json(R"({"name":"contactinformation","label":"x"})"))),
            ErrorCode::kConflict);
  CRM_ASSERT_OK_AND_ASSIGN(
      store::PropertyGroupRecord g,
      service_->CreateGroup(a_, contacts_, Json(R"({"name":"billing","label":"Billing",
                                                   "displayOrder":3})")));
  EXPECT_EQ(g.display_order, 3);
  EXPECT_EQ(CodeOf(service_->CreateGroup(a_, contacts_, Json(R"({"name":"billing","label":"B"})"))),
            ErrorCode::kConflict);
  EXPECT_EQ(CodeOf(service_->CreateGroup(a_, contacts_, Json(R"({"name":"Bad-Name"})"))),
            ErrorCode::kInvalidArgument);
  CRM_ASSERT_OK(Create(R"({"name":"iban","label":"IBAN","type":"string","fieldType":"text",
    "groupName":"billing"})"));
  EXPECT_EQ(CodeOf(service_->DeleteGroup(a_, contacts_, "billing")), ErrorCode::kInvalidArgument)
      << "a group with live properties stays";
  EXPECT_EQ(CodeOf(service_->DeleteGroup(a_, contacts_, "contactinformation")),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      CodeOf(service_->UpdateGroup(a_, contacts_, "contactinformation", Json(R"({"label":"x"})"))),
      ErrorCode::kInvalidArgument);
  CRM_ASSERT_OK_AND_ASSIGN(
      store::PropertyGroupRecord renamed,
      service_->UpdateGroup(a_, contacts_, "billing", Json(R"({"label":"Payments"})")));
  EXPECT_EQ(renamed.label, "Payments");
  EXPECT_EQ(renamed.display_order, 3);
  EXPECT_EQ(CodeOf(service_->GetGroup(b_, contacts_, "billing")), ErrorCode::kNotFound);
  CRM_ASSERT_OK(service_->Archive(a_, contacts_, "iban"));
  CRM_ASSERT_OK(service_->DeleteGroup(a_, contacts_, "billing"));
  EXPECT_EQ(CodeOf(service_->GetGroup(a_, contacts_, "billing")), ErrorCode::kNotFound);
}

TEST(PropertyScopesTest, ReadAndWriteScopes) {
  auto contacts = *FindStandardObjectType("contacts");
  auto read = PropertyReadScopes(contacts);
  for (const char* s : {"crm.objects.contacts.read", "crm.objects.contacts.write",
                        "crm.schemas.contacts.read", "automation"}) {
    EXPECT_NE(std::find(read.begin(), read.end(), s), read.end()) << s;
  }
  EXPECT_EQ(PropertyWriteScopes(contacts), std::vector<std::string>{"crm.schemas.contacts.write"});
  auto tickets = PropertyWriteScopes(*FindStandardObjectType("tickets"));
  EXPECT_NE(std::find(tickets.begin(), tickets.end(), "tickets"), tickets.end());
  auto tasks = PropertyWriteScopes(*FindStandardObjectType("tasks"));
  EXPECT_NE(std::find(tasks.begin(), tasks.end(), "crm.schemas.contacts.write"), tasks.end());
  auto custom = MakeCustomObjectType("2-1", "cars", "car", "name", 1);
  EXPECT_EQ(PropertyWriteScopes(custom), std::vector<std::string>{"crm.schemas.custom.write"});
}

}  // namespace
}  // namespace flowd::crm
