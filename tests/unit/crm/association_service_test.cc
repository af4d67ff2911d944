// AssociationService (crm/association_service.h) over an in-memory SQLite store, with a resolver
// that knows the standard types and the custom type "cars" (a schema created in the store).
#include "crm/association_service.h"

#include <gtest/gtest.h>

#include <algorithm>

#include "store/store.h"

namespace flowd::crm {
namespace {

constexpr int64_t kT0 = 1'700'000'000'000;

class TestResolver final : public ObjectTypeResolver {
 public:
  Result<ObjectTypeInfo> Resolve(int64_t account_id, std::string_view name) override {
    if (auto t = FindStandardObjectType(name)) return *t;
    if (!cars_id.empty() && (name == "cars" || name == cars_id)) {
      return MakeCustomObjectType(cars_id, "cars", "car", "model", account_id);
    }
    return ObjectTypeNotFound(name);
  }
  std::string cars_id;  // "2-N" once the schema exists
};

std::vector<int64_t> TypeIds(const std::vector<AssociationTypeInfo>& types) {
  std::vector<int64_t> out;
  for (const auto& t : types) out.push_back(t.type_id);
  return out;
}

class AssociationServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::Store::Open("sqlite::memory:");
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
    ASSERT_TRUE(store_->Migrate().ok());
    auto acct = store_->accounts().CreateAccount("A", kT0);
    ASSERT_TRUE(acct.ok());
    account_ = acct->id;
    auto other = store_->accounts().CreateAccount("B", kT0);
    ASSERT_TRUE(other.ok());
    other_ = other->id;
    // The custom object "cars", associated with contacts by its schema (not with deals).
    store::ObjectSchemaRecord cars;
    cars.name = "cars";
    cars.singular_label = "Car";
    cars.plural_label = "Cars";
    cars.primary_display_property = "model";
    cars.associations.push_back({0, 0, "", "0-1", "car_to_contact", 0, 0});
    auto schema = store_->properties().CreateSchema(account_, cars, {}, {}, kT0);
    ASSERT_TRUE(schema.ok()) << schema.error().message;
    resolver_.cars_id = schema->object_type_id();
    car_to_contact_ = schema->associations.at(0);
    svc_ = std::make_unique<AssociationService>(*store_, resolver_, clock_);
  }

  int64_t Record(const std::string& type, int64_t account = 0) {
    auto r =
        store_->objects().CreateObjects(account == 0 ? account_ : account, type, {{}}, {}, kT0);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? r->front().id : 0;
  }

  AssociationPair Pair(std::string_view from, std::string_view to) {
    auto p = svc_->ResolvePair(account_, from, to);
    EXPECT_TRUE(p.ok()) << p.error().message;
    return p.ok() ? *p : AssociationPair{};
  }

  std::vector<AssociatedObject> Listed(const AssociationPair& pair, int64_t from) {
    auto page = svc_->List(account_, pair, from, std::nullopt, 100);
    EXPECT_TRUE(page.ok()) << page.error().message;
    return page.ok() ? page->results : std::vector<AssociatedObject>{};
  }

  TestResolver resolver_;
  FakeClock clock_{kT0};
  std::unique_ptr<store::Store> store_;
  std::unique_ptr<AssociationService> svc_;
  int64_t account_ = 0;
  int64_t other_ = 0;
  store::SchemaAssociationRecord car_to_contact_;
};

TEST_F(AssociationServiceTest, ResolvesTypesAndRefusesUnknownOrUnassociablePairs) {
  AssociationPair p = Pair("contact", "0-2");
  EXPECT_EQ(p.from.id, "0-1");
  EXPECT_EQ(p.to.name, "companies");
  auto unknown = svc_->ResolvePair(account_, "contacts", "spaceships");
  ASSERT_FALSE(unknown.ok());
  EXPECT_EQ(unknown.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(unknown.error().message.find("spaceships"), std::string::npos);
  auto notes = svc_->ResolvePair(account_, "tasks", "notes");
  ASSERT_FALSE(notes.ok());
  EXPECT_EQ(notes.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(AssociationServiceTest, LabelledWritesCarryTheDefaultTypeAndShowOnBothSides) {
  const int64_t c = Record("0-1");
  const int64_t co = Record("0-2");
  AssociationPair pair = Pair("contacts", "companies");
  auto written = svc_->CreateLabelled(account_, pair, {{c, co, {{"HUBSPOT_DEFINED", 1}}, ""}});
  ASSERT_TRUE(written.ok()) << written.error().message;
  ASSERT_EQ(written->size(), 1u);
  EXPECT_EQ((*written)[0].outcome, store::AssociateOutcome::kDone);
  EXPECT_EQ(TypeIds((*written)[0].types), std::vector<int64_t>{1}) << "the types asked for";
  auto listed = Listed(pair, c);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].to_id, co);
  EXPECT_EQ(TypeIds(listed[0].types), (std::vector<int64_t>{1, 279}));
  EXPECT_EQ(listed[0].types[0].label, "Primary");
  auto back = Listed(Pair("companies", "contacts"), co);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(TypeIds(back[0].types), (std::vector<int64_t>{2, 280}));
}

TEST_F(AssociationServiceTest, ListsEveryTypeProblemAndSelfAssociations) {
  const int64_t c = Record("0-1");
  const int64_t c2 = Record("0-1");
  auto r = svc_->CreateLabelled(account_, Pair("contacts", "contacts"),
                                {{c, c2, {{"HUBSPOT_DEFINED", 279}, {"USER_DEFINED", 10001}}, "x"},
                                 {c, c, {{"HUBSPOT_DEFINED", 449}}, "y"},
                                 {c, c2, {}, "z"}});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.error().code, ErrorCode::kInvalidArgument);
  std::vector<std::string> ins;
  for (const auto& d : r.error().details) ins.push_back(d.in);
  EXPECT_EQ(ins, (std::vector<std::string>{"x[0].associationTypeId", "x[1].associationTypeId", "y",
                                           "z"}));
  EXPECT_TRUE(Listed(Pair("contacts", "contacts"), c).empty()) << "nothing written";
}

TEST_F(AssociationServiceTest, MissingRecordsAreOutcomesAndListOfUnknownIs404) {
  const int64_t c = Record("0-1");
  const int64_t theirs = Record("0-2", other_);
  AssociationPair pair = Pair("contacts", "companies");
  auto r = svc_->CreateDefault(account_, pair, {{c, theirs}, {c + 1000, theirs}});
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ((*r)[0].outcome, store::AssociateOutcome::kToMissing);
  EXPECT_EQ((*r)[1].outcome, store::AssociateOutcome::kFromMissing);
  auto listed = svc_->List(account_, pair, theirs, std::nullopt, 10);
  ASSERT_FALSE(listed.ok());
  EXPECT_EQ(listed.error().code, ErrorCode::kNotFound);
}

TEST_F(AssociationServiceTest, PrimaryMovesAndRemovingTheDefaultRemovesEverything) {
  const int64_t c = Record("0-1");
  const int64_t co1 = Record("0-2");
  const int64_t co2 = Record("0-2");
  AssociationPair pair = Pair("contacts", "companies");
  ASSERT_TRUE(svc_->CreateLabelled(account_, pair,
                                   {{c, co1, {{"HUBSPOT_DEFINED", 1}}, ""},
                                    {c, co2, {{"HUBSPOT_DEFINED", 1}}, ""}})
                  .ok());
  auto listed = Listed(pair, c);
  ASSERT_EQ(listed.size(), 2u);
  EXPECT_EQ(TypeIds(listed[0].types), std::vector<int64_t>{279});
  EXPECT_EQ(TypeIds(listed[1].types), (std::vector<int64_t>{1, 279}));
  // Removing the label keeps the association; removing the default removes it.
  ASSERT_TRUE(svc_->RemoveTypes(account_, pair, {{c, co2, {{"HUBSPOT_DEFINED", 1}}, ""}}).ok());
  EXPECT_EQ(TypeIds(Listed(pair, c)[1].types), std::vector<int64_t>{279});
  ASSERT_TRUE(svc_->RemoveTypes(account_, pair, {{c, co2, {{"HUBSPOT_DEFINED", 279}}, ""}}).ok());
  ASSERT_EQ(Listed(pair, c).size(), 1u);
  auto bad = svc_->RemoveTypes(account_, pair, {{c, co1, {{"HUBSPOT_DEFINED", 3}}, "in"}});
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.error().details.at(0).in, "in[0].associationTypeId");
  ASSERT_TRUE(svc_->RemoveAll(account_, Pair("companies", "contacts"), {{co1, c}}).ok());
  EXPECT_TRUE(Listed(pair, c).empty());
}

TEST_F(AssociationServiceTest, CustomPairsTakeTheirTypesFromTheSchema) {
  const int64_t car = Record(resolver_.cars_id);
  const int64_t c = Record("0-1");
  AssociationPair pair = Pair("cars", "contacts");
  auto def = svc_->DefaultType(account_, pair);
  ASSERT_TRUE(def.ok()) << def.error().message;
  EXPECT_EQ(def->category, "USER_DEFINED");
  EXPECT_EQ(def->type_id, car_to_contact_.id);
  EXPECT_EQ(def->name, "car_to_contact");
  EXPECT_FALSE(def->label.has_value());
  auto inverse = svc_->DefaultType(account_, Pair("contacts", resolver_.cars_id));
  ASSERT_TRUE(inverse.ok());
  EXPECT_EQ(inverse->type_id, car_to_contact_.inverse_id);
  auto written = svc_->CreateDefault(account_, pair, {{car, c}});
  ASSERT_TRUE(written.ok()) << written.error().message;
  EXPECT_EQ((*written)[0].outcome, store::AssociateOutcome::kDone);
  auto back = Listed(Pair("contacts", "cars"), c);
  ASSERT_EQ(back.size(), 1u);
  EXPECT_EQ(TypeIds(back[0].types), std::vector<int64_t>{car_to_contact_.inverse_id});
  // Labels between a custom object and a standard one.
  auto label = svc_->CreateLabel(account_, pair, "driver", "Driver", std::nullopt);
  ASSERT_TRUE(label.ok()) << label.error().message;
  auto types = svc_->ListTypes(account_, pair);
  ASSERT_TRUE(types.ok());
  EXPECT_EQ(TypeIds(*types), (std::vector<int64_t>{car_to_contact_.id, (*label)[0].type_id}));
  // No definition between cars and deals: not associable.
  auto deals = svc_->ResolvePair(account_, "cars", "deals");
  ASSERT_FALSE(deals.ok());
  EXPECT_EQ(deals.error().code, ErrorCode::kInvalidArgument);
}

TEST_F(AssociationServiceTest, LabelsAreDefinedUsedRenamedAndDeleted) {
  const int64_t c = Record("0-1");
  const int64_t d = Record("0-3");
  AssociationPair pair = Pair("contacts", "deals");
  auto created = svc_->CreateLabel(account_, pair, "decision_maker", "Decision maker",
                                   std::string("Decided by"));
  ASSERT_TRUE(created.ok()) << created.error().message;
  ASSERT_EQ(created->size(), 2u);
  const int64_t label = (*created)[0].type_id;
  auto types = svc_->ListTypes(account_, pair);
  ASSERT_TRUE(types.ok());
  EXPECT_EQ(TypeIds(*types), (std::vector<int64_t>{4, label}));
  ASSERT_TRUE(svc_->CreateLabelled(account_, pair, {{c, d, {{"USER_DEFINED", label}}, ""}}).ok());
  auto listed = Listed(pair, c);
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(TypeIds(listed[0].types), (std::vector<int64_t>{4, label}));
  auto back = Listed(Pair("deals", "contacts"), d);
  EXPECT_EQ(back[0].types[1].label, "Decided by");

  ASSERT_TRUE(svc_->UpdateLabel(account_, pair, label, "Signer", std::nullopt).ok());
  EXPECT_EQ(Listed(pair, c)[0].types[1].label, "Signer");
  auto hubspot = svc_->UpdateLabel(account_, pair, 4, "x", std::nullopt);
  ASSERT_FALSE(hubspot.ok());
  EXPECT_EQ(hubspot.error().code, ErrorCode::kInvalidArgument);
  auto blank = svc_->UpdateLabel(account_, pair, label, "  ", std::nullopt);
  ASSERT_FALSE(blank.ok());
  EXPECT_EQ(blank.error().details.at(0).in, "label");

  ASSERT_TRUE(svc_->DeleteLabel(account_, pair, label).ok());
  EXPECT_EQ(TypeIds(Listed(pair, c)[0].types), std::vector<int64_t>{4});
  auto again = svc_->DeleteLabel(account_, pair, label);
  ASSERT_FALSE(again.ok());
  EXPECT_EQ(again.error().code, ErrorCode::kNotFound);

  auto tasks = svc_->CreateLabel(account_, Pair("contacts", "tasks"), "n", "L", std::nullopt);
  ASSERT_FALSE(tasks.ok());
  EXPECT_EQ(tasks.error().code, ErrorCode::kInvalidArgument);
  auto taken =
      svc_->CreateLabel(account_, Pair("deals", "contacts"), "decision_maker", "L", std::nullopt);
  ASSERT_TRUE(taken.ok()) << "the deleted label's name is free again";
  auto dup = svc_->CreateLabel(account_, pair, "decision_maker", "L", std::nullopt);
  ASSERT_FALSE(dup.ok());
  EXPECT_EQ(dup.error().code, ErrorCode::kConflict);
  auto too_long = svc_->CreateLabel(account_, pair, std::string(101, 'n'), "", std::nullopt);
  ASSERT_FALSE(too_long.ok());
  EXPECT_EQ(too_long.error().details.size(), 2u);
}

TEST_F(AssociationServiceTest, AssociationsOfNewRecordsInferTheirObjectType) {
  const int64_t co = Record("0-2");
  const int64_t d = Record("0-3");
  const ObjectTypeInfo contacts = *FindStandardObjectType("contacts");
  std::vector<NewRecordAssociation> good = {{co, {{"HUBSPOT_DEFINED", 1}}},
                                            {d, {{"HUBSPOT_DEFINED", 4}}}};
  ASSERT_TRUE(svc_->ValidateForNewRecord(account_, contacts, good).ok());
  std::vector<NewRecordAssociation> bad = {
      {co, {{"HUBSPOT_DEFINED", 3}}},                            // deal→contact: wrong side
      {d + 999, {{"HUBSPOT_DEFINED", 4}}},                       // no such deal
      {co, {{"HUBSPOT_DEFINED", 279}, {"HUBSPOT_DEFINED", 4}}},  // two object types
      {co, {}},
  };
  auto r = svc_->ValidateForNewRecord(account_, contacts, bad);
  ASSERT_FALSE(r.ok());
  std::vector<std::string> ins;
  for (const auto& e : r.error().details) ins.push_back(e.in);
  EXPECT_EQ(ins, (std::vector<std::string>{"associations[0].types[0].associationTypeId",
                                           "associations[2].types[1].associationTypeId",
                                           "associations[3].types"}))
      << "record existence is checked once the types are valid";
  bad.erase(bad.begin());
  bad.erase(bad.begin() + 1, bad.end());
  auto missing = svc_->ValidateForNewRecord(account_, contacts, bad);
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.error().details.at(0).in, "associations[0].to.id");

  const int64_t c = Record("0-1");
  ASSERT_TRUE(svc_->AssociateNewRecord(account_, contacts, c, good).ok());
  auto companies = svc_->ListForRecord(account_, "0-1", c, "0-2", std::nullopt, 10);
  ASSERT_TRUE(companies.ok());
  ASSERT_EQ(companies->results.size(), 1u);
  EXPECT_EQ(TypeIds(companies->results[0].types), (std::vector<int64_t>{1, 279}));
  auto deals = svc_->ListForRecord(account_, "0-1", c, "0-3", std::nullopt, 10);
  ASSERT_TRUE(deals.ok());
  EXPECT_EQ(TypeIds(deals->results.at(0).types), std::vector<int64_t>{4});
}

TEST_F(AssociationServiceTest, BatchReadPagesEachRecordAndFlagsUnknownOnes) {
  const int64_t c = Record("0-1");
  std::vector<RecordPair> pairs;
  for (int i = 0; i < 3; ++i) pairs.push_back({c, Record("0-3")});
  AssociationPair pair = Pair("contacts", "deals");
  ASSERT_TRUE(svc_->CreateDefault(account_, pair, pairs).ok());
  auto items = svc_->BatchRead(account_, pair, {{c, std::nullopt}, {42, std::nullopt}}, 2);
  ASSERT_TRUE(items.ok());
  ASSERT_EQ(items->size(), 2u);
  EXPECT_TRUE((*items)[0].from_exists);
  ASSERT_EQ((*items)[0].page.results.size(), 2u);
  ASSERT_TRUE((*items)[0].page.next_after.has_value());
  EXPECT_FALSE((*items)[1].from_exists);
  auto rest = svc_->BatchRead(account_, pair, {{c, (*items)[0].page.next_after}}, 2);
  ASSERT_TRUE(rest.ok());
  ASSERT_EQ((*rest)[0].page.results.size(), 1u);
  EXPECT_EQ((*rest)[0].page.results[0].to_id, pairs[2].to_id);
  EXPECT_FALSE((*rest)[0].page.next_after.has_value());
}

}  // namespace
}  // namespace flowd::crm
