// The AssociationStore part of the Store contract (src/store/association_store.h).
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "conformance.h"

namespace flowd::store {
namespace {

using Single = AssociationTypeWrite::Single;

const AssociationTypeWrite kContactCompany{"HUBSPOT_DEFINED", 279, 280, Single::kNone};
const AssociationTypeWrite kPrimaryCompany{"HUBSPOT_DEFINED", 1, 2, Single::kFrom};
const AssociationTypeWrite kCompanyPrimaryContact{"HUBSPOT_DEFINED", 2, 1, Single::kTo};

class AssociationStoreTest : public StoreConformanceTest {
 protected:
  AssociationStore& assoc() { return store_->associations(); }

  // `n` live records of `type` in `account`.
  std::vector<int64_t> Records(int64_t account, const std::string& type, size_t n) {
    std::vector<std::vector<PropertyWrite>> inputs(n);
    auto created = store_->objects().CreateObjects(account, type, inputs, {}, kT0);
    EXPECT_TRUE(created.ok()) << created.error().message;
    std::vector<int64_t> ids;
    if (created.ok()) {
      for (const auto& r : *created) ids.push_back(r.id);
    }
    return ids;
  }

  static AssociationWrite Contact2Company(int64_t contact, int64_t company,
                                          std::vector<AssociationTypeWrite> types = {
                                              kContactCompany}) {
    return AssociationWrite{"0-1", contact, "0-2", company, std::move(types)};
  }

  std::vector<AssociationTypeKey> Between(int64_t account, const std::string& from_type,
                                          int64_t from, const std::string& to_type, int64_t to) {
    auto r = assoc().TypesBetween(account, from_type, from, to_type, to);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? *r : std::vector<AssociationTypeKey>{};
  }

  AssociationPage Page(int64_t account, const std::string& from_type, int64_t from,
                       const std::string& to_type, std::optional<int64_t> after, size_t limit) {
    auto r = assoc().ListAssociations(account, from_type, {{from, after}}, to_type, limit);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? r->front() : AssociationPage{};
  }
};

std::vector<AssociationTypeKey> Keys(std::initializer_list<std::pair<const char*, int64_t>> l) {
  std::vector<AssociationTypeKey> out;
  for (const auto& [c, t] : l) out.push_back({c, t});
  return out;
}

TEST_P(AssociationStoreTest, WritesBothDirectionsIdempotently) {
  auto contacts = Records(a_.id, "0-1", 1);
  auto companies = Records(a_.id, "0-2", 1);
  const int64_t c = contacts[0];
  const int64_t co = companies[0];
  for (int i = 0; i < 2; ++i) {
    ASSERT_OK_AND_ASSIGN(auto outcomes,
                         assoc().Associate(a_.id, {Contact2Company(c, co)}, kT0 + i));
    EXPECT_EQ(outcomes, std::vector<AssociateOutcome>{AssociateOutcome::kDone});
  }
  EXPECT_EQ(Between(a_.id, "0-1", c, "0-2", co), Keys({{"HUBSPOT_DEFINED", 279}}));
  EXPECT_EQ(Between(a_.id, "0-2", co, "0-1", c), Keys({{"HUBSPOT_DEFINED", 280}}));
  // Accounts are walls: B sees nothing, and cannot associate A's records.
  EXPECT_TRUE(Between(b_.id, "0-1", c, "0-2", co).empty());
  ASSERT_OK_AND_ASSIGN(auto b_try, assoc().Associate(b_.id, {Contact2Company(c, co)}, kT0));
  EXPECT_EQ(b_try, std::vector<AssociateOutcome>{AssociateOutcome::kFromMissing});
  EXPECT_FALSE(Page(b_.id, "0-1", c, "0-2", std::nullopt, 10).from_exists);
}

TEST_P(AssociationStoreTest, ReportsMissingRecordsPerWriteAndWritesTheRest) {
  auto contacts = Records(a_.id, "0-1", 2);
  auto companies = Records(a_.id, "0-2", 1);
  ASSERT_OK(store_->objects().ArchiveObjects(a_.id, "0-1", {contacts[1]}, kT0));
  ASSERT_OK_AND_ASSIGN(
      auto outcomes,
      assoc().Associate(a_.id,
                        {Contact2Company(contacts[0], companies[0]),
                         Contact2Company(contacts[1], companies[0]),   // archived from
                         Contact2Company(contacts[0], 999),            // unknown to
                         Contact2Company(companies[0], companies[0]),  // wrong type: a company
                         Contact2Company(contacts[0], companies[0],
                                         {{"USER_DEFINED", 10001, 10002, Single::kNone}})},
                        kT0));
  EXPECT_EQ(outcomes, (std::vector<AssociateOutcome>{
                          AssociateOutcome::kDone, AssociateOutcome::kFromMissing,
                          AssociateOutcome::kToMissing, AssociateOutcome::kFromMissing,
                          AssociateOutcome::kTypeMissing}));
  EXPECT_EQ(Between(a_.id, "0-1", contacts[0], "0-2", companies[0]),
            Keys({{"HUBSPOT_DEFINED", 279}}));
  EXPECT_TRUE(Between(a_.id, "0-1", contacts[1], "0-2", companies[0]).empty());
}

TEST_P(AssociationStoreTest, SingleTypesMoveToTheNewRecord) {
  auto contacts = Records(a_.id, "0-1", 2);
  auto companies = Records(a_.id, "0-2", 2);
  const int64_t c = contacts[0];
  ASSERT_OK(assoc().Associate(
      a_.id, {Contact2Company(c, companies[0], {kContactCompany, kPrimaryCompany})}, kT0));
  // The contact's primary company moves to companies[1]; the unlabeled association stays.
  ASSERT_OK(assoc().Associate(
      a_.id, {Contact2Company(c, companies[1], {kContactCompany, kPrimaryCompany})}, kT0));
  EXPECT_EQ(Between(a_.id, "0-1", c, "0-2", companies[0]), Keys({{"HUBSPOT_DEFINED", 279}}));
  EXPECT_EQ(Between(a_.id, "0-2", companies[0], "0-1", c), Keys({{"HUBSPOT_DEFINED", 280}}));
  EXPECT_EQ(Between(a_.id, "0-1", c, "0-2", companies[1]),
            Keys({{"HUBSPOT_DEFINED", 1}, {"HUBSPOT_DEFINED", 279}}));
  // Written from the company's side (single on the to record): moves back to companies[0].
  ASSERT_OK(assoc().Associate(
      a_.id, {AssociationWrite{"0-2", companies[0], "0-1", c, {kCompanyPrimaryContact}}}, kT0));
  EXPECT_EQ(Between(a_.id, "0-1", c, "0-2", companies[1]), Keys({{"HUBSPOT_DEFINED", 279}}));
  EXPECT_EQ(Between(a_.id, "0-2", companies[0], "0-1", c),
            Keys({{"HUBSPOT_DEFINED", 2}, {"HUBSPOT_DEFINED", 280}}));
  // Another contact's primary company is independent.
  ASSERT_OK(assoc().Associate(
      a_.id, {Contact2Company(contacts[1], companies[0], {kPrimaryCompany})}, kT0));
  EXPECT_EQ(Between(a_.id, "0-2", companies[0], "0-1", c),
            Keys({{"HUBSPOT_DEFINED", 2}, {"HUBSPOT_DEFINED", 280}}));
}

TEST_P(AssociationStoreTest, DissociateRemovesTypesOrEverythingBothWays) {
  auto contacts = Records(a_.id, "0-1", 1);
  auto companies = Records(a_.id, "0-2", 2);
  const int64_t c = contacts[0];
  ASSERT_OK(assoc().Associate(a_.id,
                              {Contact2Company(c, companies[0], {kContactCompany, kPrimaryCompany}),
                               Contact2Company(c, companies[1])},
                              kT0));
  ASSERT_OK(assoc().Dissociate(
      a_.id, {AssociationRemoval{"0-1", c, "0-2", companies[0], {kPrimaryCompany}}}, kT0));
  EXPECT_EQ(Between(a_.id, "0-1", c, "0-2", companies[0]), Keys({{"HUBSPOT_DEFINED", 279}}));
  EXPECT_EQ(Between(a_.id, "0-2", companies[0], "0-1", c), Keys({{"HUBSPOT_DEFINED", 280}}));
  // Removing from the other side, every type: both directions go; missing ones are no error.
  ASSERT_OK(assoc().Dissociate(a_.id,
                               {AssociationRemoval{"0-2", companies[0], "0-1", c, {}},
                                AssociationRemoval{"0-2", 777, "0-1", c, {}}},
                               kT0));
  EXPECT_TRUE(Between(a_.id, "0-1", c, "0-2", companies[0]).empty());
  EXPECT_TRUE(Between(a_.id, "0-2", companies[0], "0-1", c).empty());
  EXPECT_EQ(Between(a_.id, "0-1", c, "0-2", companies[1]), Keys({{"HUBSPOT_DEFINED", 279}}));
  // Another account's removal touches nothing.
  ASSERT_OK(
      assoc().Dissociate(b_.id, {AssociationRemoval{"0-1", c, "0-2", companies[1], {}}}, kT0));
  EXPECT_EQ(Between(a_.id, "0-1", c, "0-2", companies[1]), Keys({{"HUBSPOT_DEFINED", 279}}));
}

// Every association row that changes is one kEventAssociationChanged event on its from record,
// written with the change; writing what exists or removing what does not writes none.
TEST_P(AssociationStoreTest, ChangesAreLoggedAsEvents) {
  auto contacts = Records(a_.id, "0-1", 1);
  auto companies = Records(a_.id, "0-2", 1);
  const int64_t c = contacts[0];
  const int64_t co = companies[0];
  ASSERT_OK_AND_ASSIGN(auto before, store_->objects().ReadEvents(0, 100000));
  const int64_t start = before.empty() ? 0 : before.back().seq;
  ASSERT_OK(assoc().Associate(a_.id, {Contact2Company(c, co)}, kT0 + 1));
  ASSERT_OK(assoc().Associate(a_.id, {Contact2Company(c, co)}, kT0 + 2));  // no change
  ASSERT_OK(assoc().Dissociate(a_.id, {AssociationRemoval{"0-2", co, "0-1", c, {}}}, kT0 + 3));
  ASSERT_OK(assoc().Dissociate(a_.id, {AssociationRemoval{"0-2", co, "0-1", c, {}}}, kT0 + 4));
  ASSERT_OK_AND_ASSIGN(auto feed, store_->objects().ReadEvents(start, 1000));
  struct Seen {
    std::string type;
    int64_t id;
    std::string to;
    std::string type_id;
    std::string change;
    int64_t at;
    bool operator==(const Seen&) const = default;
  };
  std::vector<Seen> seen;
  for (const CrmEvent& e : feed) {
    EXPECT_EQ(e.event_type_id, kEventAssociationChanged);
    EXPECT_EQ(e.account_id, a_.id);
    EXPECT_EQ(e.properties.at(std::string(kAssociationCategoryProperty)), "HUBSPOT_DEFINED");
    seen.push_back({e.object_type_id, e.object_id,
                    e.properties.at(std::string(kToObjectTypeProperty)) + ":" +
                        e.properties.at(std::string(kToObjectIdProperty)),
                    e.properties.at(std::string(kAssociationTypeIdProperty)),
                    e.properties.at(std::string(kAssociationChangeProperty)), e.occurred_at_ms});
  }
  const std::string to_co = "0-2:" + std::to_string(co);
  const std::string to_c = "0-1:" + std::to_string(c);
  const std::vector<Seen> want = {{"0-1", c, to_co, "279", "ADDED", kT0 + 1},
                                  {"0-2", co, to_c, "280", "ADDED", kT0 + 1},
                                  {"0-2", co, to_c, "280", "REMOVED", kT0 + 3},
                                  {"0-1", c, to_co, "279", "REMOVED", kT0 + 3}};
  ASSERT_EQ(seen.size(), want.size());
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_TRUE(seen[i] == want[i])
        << "event " << i << ": " << seen[i].type << " " << seen[i].id << " " << seen[i].change;
  }
}

// Archiving a record removes its associations: the other ends' rows are logged as removed, on
// the other records (the archived record's own are covered by its archive event).
TEST_P(AssociationStoreTest, ArchivingLogsTheOtherEndsRemovals) {
  auto contacts = Records(a_.id, "0-1", 1);
  auto companies = Records(a_.id, "0-2", 1);
  const int64_t c = contacts[0];
  const int64_t co = companies[0];
  ASSERT_OK(assoc().Associate(a_.id, {Contact2Company(c, co)}, kT0 + 1));
  ASSERT_OK(store_->objects().ArchiveObjects(a_.id, "0-2", {co}, kT0 + 2).status());
  ASSERT_OK_AND_ASSIGN(auto mine, store_->objects().ObjectEvents(
                                      a_.id, "0-1", c, std::string(kEventAssociationChanged)));
  ASSERT_EQ(mine.size(), 2u);
  EXPECT_EQ(mine[1].properties.at(std::string(kAssociationChangeProperty)), "REMOVED");
  EXPECT_EQ(mine[1].properties.at(std::string(kToObjectIdProperty)), std::to_string(co));
  EXPECT_EQ(mine[1].occurred_at_ms, kT0 + 2);
  ASSERT_OK_AND_ASSIGN(auto theirs, store_->objects().ObjectEvents(
                                        a_.id, "0-2", co, std::string(kEventAssociationChanged)));
  EXPECT_EQ(theirs.size(), 1u);  // only the ADDED one
}

TEST_P(AssociationStoreTest, ListsPagesOfAssociatedRecords) {
  auto contacts = Records(a_.id, "0-1", 1);
  auto companies = Records(a_.id, "0-2", 5);
  auto deals = Records(a_.id, "0-3", 1);
  const int64_t c = contacts[0];
  std::vector<AssociationWrite> writes;
  for (int64_t co : companies) writes.push_back(Contact2Company(c, co));
  writes[2].types.push_back(kPrimaryCompany);
  writes.push_back({"0-1", c, "0-3", deals[0], {{"HUBSPOT_DEFINED", 4, 3, Single::kNone}}});
  ASSERT_OK(assoc().Associate(a_.id, writes, kT0));

  std::vector<int64_t> seen;
  std::optional<int64_t> after;
  int pages = 0;
  do {
    AssociationPage page = Page(a_.id, "0-1", c, "0-2", after, 2);
    EXPECT_TRUE(page.from_exists);
    EXPECT_LE(page.records.size(), 2u);
    for (const auto& r : page.records) {
      seen.push_back(r.to_id);
      if (r.to_id == companies[2]) {
        EXPECT_EQ(r.types, Keys({{"HUBSPOT_DEFINED", 1}, {"HUBSPOT_DEFINED", 279}}));
      } else {
        EXPECT_EQ(r.types, Keys({{"HUBSPOT_DEFINED", 279}}));
      }
    }
    after = page.next_after;
    ++pages;
  } while (after && pages < 10);
  EXPECT_EQ(seen, companies);
  EXPECT_EQ(pages, 3);
  // Exactly one page: no cursor.
  EXPECT_FALSE(Page(a_.id, "0-1", c, "0-2", std::nullopt, 5).next_after.has_value());
  // Other types are listed separately; the inverse direction exists.
  AssociationPage to_deals = Page(a_.id, "0-1", c, "0-3", std::nullopt, 10);
  ASSERT_EQ(to_deals.records.size(), 1u);
  EXPECT_EQ(to_deals.records[0].types, Keys({{"HUBSPOT_DEFINED", 4}}));
  AssociationPage back = Page(a_.id, "0-2", companies[2], "0-1", std::nullopt, 10);
  ASSERT_EQ(back.records.size(), 1u);
  EXPECT_EQ(back.records[0].types, Keys({{"HUBSPOT_DEFINED", 2}, {"HUBSPOT_DEFINED", 280}}));
  // Several from records in one call; limit 0 reads existence only.
  ASSERT_OK_AND_ASSIGN(
      auto batch,
      assoc().ListAssociations(
          a_.id, "0-2", {{companies[0], std::nullopt}, {12345, std::nullopt}, {c, std::nullopt}},
          "0-1", 0));
  ASSERT_EQ(batch.size(), 3u);
  EXPECT_TRUE(batch[0].from_exists);
  EXPECT_TRUE(batch[0].records.empty());
  EXPECT_FALSE(batch[1].from_exists);
  EXPECT_FALSE(batch[2].from_exists) << "a contact id is not a company";
}

TEST_P(AssociationStoreTest, ArchivingARecordRemovesItsAssociationsBothWays) {
  auto contacts = Records(a_.id, "0-1", 1);
  auto companies = Records(a_.id, "0-2", 2);
  ASSERT_OK(assoc().Associate(
      a_.id,
      {Contact2Company(contacts[0], companies[0]), Contact2Company(contacts[0], companies[1])},
      kT0));
  ASSERT_OK(store_->objects().ArchiveObjects(a_.id, "0-2", {companies[0]}, kT0));
  AssociationPage page = Page(a_.id, "0-1", contacts[0], "0-2", std::nullopt, 10);
  ASSERT_EQ(page.records.size(), 1u);
  EXPECT_EQ(page.records[0].to_id, companies[1]);
  EXPECT_TRUE(Between(a_.id, "0-2", companies[0], "0-1", contacts[0]).empty());
  // An archived record can no longer be associated.
  ASSERT_OK_AND_ASSIGN(auto outcomes,
                       assoc().Associate(a_.id, {Contact2Company(contacts[0], companies[0])}, kT0));
  EXPECT_EQ(outcomes, std::vector<AssociateOutcome>{AssociateOutcome::kToMissing});
}

// ---------------------------------------------------------------- user-defined types

TEST_P(AssociationStoreTest, LabelsAllocatePerAccountIds) {
  ASSERT_OK_AND_ASSIGN(auto paired, assoc().CreateLabel(a_.id,
                                                        {"0-1", "0-2", "billing", "Billing contact",
                                                         std::string("Billed company")},
                                                        50, kT0));
  ASSERT_EQ(paired.size(), 2u);
  EXPECT_EQ(paired[0].type_id, kFirstUserTypeId);
  EXPECT_EQ(paired[0].from_type, "0-1");
  EXPECT_EQ(paired[0].to_type, "0-2");
  EXPECT_EQ(paired[0].inverse_type_id, paired[1].type_id);
  EXPECT_EQ(paired[0].label, "Billing contact");
  EXPECT_EQ(paired[1].from_type, "0-2");
  EXPECT_EQ(paired[1].label, "Billed company");
  EXPECT_EQ(paired[1].name, "billing");
  // A label without inverse between one type: one symmetric row.
  ASSERT_OK_AND_ASSIGN(
      auto sym,
      assoc().CreateLabel(a_.id, {"0-1", "0-1", "friend", "Friend", std::nullopt}, 50, kT0));
  ASSERT_EQ(sym.size(), 1u);
  EXPECT_EQ(sym[0].type_id, sym[0].inverse_type_id);
  // Without inverse between two types: two rows with the same text.
  ASSERT_OK_AND_ASSIGN(
      auto unpaired,
      assoc().CreateLabel(a_.id, {"0-3", "0-2", "payer", "Payer", std::nullopt}, 50, kT0));
  ASSERT_EQ(unpaired.size(), 2u);
  EXPECT_EQ(unpaired[1].label, "Payer");
  // Another account starts at the first id again.
  ASSERT_OK_AND_ASSIGN(
      auto other,
      assoc().CreateLabel(b_.id, {"0-1", "0-2", "billing", "B", std::nullopt}, 50, kT0));
  EXPECT_EQ(other[0].type_id, kFirstUserTypeId);

  ASSERT_OK_AND_ASSIGN(auto listed, assoc().ListLabels(a_.id, "0-2", "0-1"));
  ASSERT_EQ(listed.size(), 1u);
  EXPECT_EQ(listed[0].type_id, paired[1].type_id);
  ASSERT_OK_AND_ASSIGN(auto got, assoc().GetLabel(a_.id, paired[1].type_id));
  ASSERT_TRUE(got.has_value());
  EXPECT_EQ(got->label, "Billed company");
  ASSERT_OK_AND_ASSIGN(auto missing, assoc().GetLabel(b_.id, unpaired[1].type_id));
  EXPECT_FALSE(missing.has_value());
}

TEST_P(AssociationStoreTest, LabelNamesAreUniquePerPairAndCounted) {
  ASSERT_OK(assoc().CreateLabel(a_.id, {"0-1", "0-2", "x", "X", std::nullopt}, 2, kT0));
  EXPECT_ERROR_CODE(assoc().CreateLabel(a_.id, {"0-1", "0-2", "x", "Y", std::nullopt}, 2, kT0),
                    ErrorCode::kConflict);
  EXPECT_ERROR_CODE(assoc().CreateLabel(a_.id, {"0-2", "0-1", "x", "Y", std::nullopt}, 2, kT0),
                    ErrorCode::kConflict);
  ASSERT_OK(assoc().CreateLabel(a_.id, {"0-1", "0-3", "x", "X", std::nullopt}, 2, kT0));
  ASSERT_OK(assoc().CreateLabel(a_.id, {"0-2", "0-1", "y", "Y", std::nullopt}, 2, kT0));
  EXPECT_ERROR_CODE(assoc().CreateLabel(a_.id, {"0-1", "0-2", "z", "Z", std::nullopt}, 2, kT0),
                    ErrorCode::kInvalidArgument);
}

TEST_P(AssociationStoreTest, UpdateAndDeleteLabels) {
  auto contacts = Records(a_.id, "0-1", 1);
  auto companies = Records(a_.id, "0-2", 1);
  ASSERT_OK_AND_ASSIGN(auto unpaired,
                       assoc().CreateLabel(a_.id, {"0-1", "0-2", "u", "U", std::nullopt}, 50, kT0));
  ASSERT_OK_AND_ASSIGN(
      auto paired,
      assoc().CreateLabel(a_.id, {"0-1", "0-2", "p", "Manager", std::string("Employee")}, 50, kT0));
  // Unpaired labels stay unpaired; paired ones change only the side given.
  ASSERT_OK(assoc().UpdateLabel(a_.id, "0-1", "0-2", unpaired[0].type_id, "U2", std::nullopt));
  ASSERT_OK(assoc().UpdateLabel(a_.id, "0-1", "0-2", paired[0].type_id, "Boss", std::nullopt));
  ASSERT_OK_AND_ASSIGN(auto u_inv, assoc().GetLabel(a_.id, unpaired[1].type_id));
  EXPECT_EQ(u_inv->label, "U2");
  ASSERT_OK_AND_ASSIGN(auto p_inv, assoc().GetLabel(a_.id, paired[1].type_id));
  EXPECT_EQ(p_inv->label, "Employee");
  ASSERT_OK(
      assoc().UpdateLabel(a_.id, "0-2", "0-1", paired[1].type_id, "Staff", std::string("Chief")));
  ASSERT_OK_AND_ASSIGN(auto p_fwd, assoc().GetLabel(a_.id, paired[0].type_id));
  EXPECT_EQ(p_fwd->label, "Chief");
  // The pair must match, and the account.
  EXPECT_ERROR_CODE(assoc().UpdateLabel(a_.id, "0-1", "0-3", paired[0].type_id, "x", std::nullopt),
                    ErrorCode::kNotFound);
  EXPECT_ERROR_CODE(assoc().UpdateLabel(b_.id, "0-1", "0-2", paired[0].type_id, "x", std::nullopt),
                    ErrorCode::kNotFound);

  // Deleting a label removes it from associations, which keep their other types.
  const AssociationTypeWrite label{"USER_DEFINED", paired[0].type_id, paired[1].type_id,
                                   Single::kNone};
  ASSERT_OK_AND_ASSIGN(
      auto outcomes,
      assoc().Associate(
          a_.id, {Contact2Company(contacts[0], companies[0], {kContactCompany, label})}, kT0));
  EXPECT_EQ(outcomes, std::vector<AssociateOutcome>{AssociateOutcome::kDone});
  EXPECT_EQ(Between(a_.id, "0-2", companies[0], "0-1", contacts[0]),
            Keys({{"HUBSPOT_DEFINED", 280}, {"USER_DEFINED", paired[1].type_id}}));
  ASSERT_OK(assoc().DeleteLabel(a_.id, "0-2", "0-1", paired[1].type_id, kT0 + 7));
  EXPECT_EQ(Between(a_.id, "0-1", contacts[0], "0-2", companies[0]),
            Keys({{"HUBSPOT_DEFINED", 279}}));
  // Each row the label leaves is a removal event on its record, written with the deletion (lists
  // and flows reading the type re-evaluate).
  for (const auto& [type, id, to, type_id] :
       {std::tuple{"0-1", contacts[0], companies[0], paired[0].type_id},
        std::tuple{"0-2", companies[0], contacts[0], paired[1].type_id}}) {
    ASSERT_OK_AND_ASSIGN(auto events, store_->objects().ObjectEvents(
                                          a_.id, type, id, std::string(kEventAssociationChanged)));
    ASSERT_FALSE(events.empty());
    const CrmEvent& last = events.back();
    EXPECT_EQ(last.properties.at(std::string(kAssociationChangeProperty)), "REMOVED");
    EXPECT_EQ(last.properties.at(std::string(kAssociationCategoryProperty)), "USER_DEFINED");
    EXPECT_EQ(last.properties.at(std::string(kAssociationTypeIdProperty)), std::to_string(type_id));
    EXPECT_EQ(last.properties.at(std::string(kToObjectIdProperty)), std::to_string(to));
    EXPECT_EQ(last.occurred_at_ms, kT0 + 7);
  }
  EXPECT_EQ(Between(a_.id, "0-2", companies[0], "0-1", contacts[0]),
            Keys({{"HUBSPOT_DEFINED", 280}}));
  ASSERT_OK_AND_ASSIGN(auto gone, assoc().GetLabel(a_.id, paired[0].type_id));
  EXPECT_FALSE(gone.has_value());
  EXPECT_ERROR_CODE(assoc().DeleteLabel(a_.id, "0-1", "0-2", paired[0].type_id, kT0),
                    ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(auto left, assoc().ListLabels(a_.id, "0-1", "0-2"));
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].name, "u");
}

TEST_P(AssociationStoreTest, SchemaAssociationDefinitionsAreUserDefinedTypes) {
  ObjectSchemaRecord schema;
  schema.name = "cars";
  schema.singular_label = "Car";
  schema.plural_label = "Cars";
  schema.primary_display_property = "model";
  schema.associations.push_back({0, 0, "", "0-1", "car_to_contact", 0, 0});
  ASSERT_OK_AND_ASSIGN(auto created, store_->properties().CreateSchema(a_.id, schema, {}, {}, kT0));
  ASSERT_EQ(created.associations.size(), 1u);
  const SchemaAssociationRecord def = created.associations[0];
  EXPECT_GE(def.id, kFirstSchemaAssociationId);
  const std::string car_type = created.object_type_id();
  auto cars = Records(a_.id, car_type, 1);
  auto contacts = Records(a_.id, "0-1", 1);
  const AssociationTypeWrite forward{"USER_DEFINED", def.id, def.inverse_id, Single::kNone};
  const AssociationTypeWrite backward{"USER_DEFINED", def.inverse_id, def.id, Single::kNone};
  ASSERT_OK_AND_ASSIGN(
      auto outcomes,
      assoc().Associate(a_.id,
                        {AssociationWrite{car_type, cars[0], "0-1", contacts[0], {forward}},
                         AssociationWrite{"0-1", contacts[0], car_type, cars[0], {backward}},
                         // Turned the wrong way round: not a type of the pair.
                         AssociationWrite{"0-1", contacts[0], car_type, cars[0], {forward}}},
                        kT0));
  EXPECT_EQ(outcomes,
            (std::vector<AssociateOutcome>{AssociateOutcome::kDone, AssociateOutcome::kDone,
                                           AssociateOutcome::kTypeMissing}));
  EXPECT_EQ(Between(a_.id, "0-1", contacts[0], car_type, cars[0]),
            Keys({{"USER_DEFINED", def.inverse_id}}));
  // Another account cannot use the definition.
  auto theirs = Records(b_.id, "0-1", 1);
  ASSERT_OK_AND_ASSIGN(auto b_cars,
                       store_->objects().CreateObjects(b_.id, car_type, {{}}, {}, kT0));
  ASSERT_OK_AND_ASSIGN(
      auto b_try,
      assoc().Associate(
          b_.id, {AssociationWrite{car_type, b_cars[0].id, "0-1", theirs[0], {forward}}}, kT0));
  EXPECT_EQ(b_try, std::vector<AssociateOutcome>{AssociateOutcome::kTypeMissing});
}

TEST_P(AssociationStoreTest, ConcurrentLabelCreationsGetDistinctIds) {
  constexpr int kThreads = 6;
  std::atomic<int> errors{0};
  std::vector<std::thread> creators;
  std::vector<int64_t> label_ids(kThreads);
  for (int i = 0; i < kThreads; ++i) {
    creators.emplace_back([&, i] {
      // Half of them pick the same name: exactly one of those wins.
      const std::string name = i % 2 == 0 ? "same" : "l" + std::to_string(i);
      auto r = assoc().CreateLabel(a_.id, {"0-1", "0-3", name, "L", std::nullopt}, 50, kT0);
      if (!r.ok()) {
        if (r.error().code != ErrorCode::kConflict) ++errors;
        return;
      }
      label_ids[i] = r->front().type_id;
    });
  }
  for (auto& t : creators) t.join();
  EXPECT_EQ(errors.load(), 0);
  std::set<int64_t> distinct(label_ids.begin(), label_ids.end());
  distinct.erase(0);
  EXPECT_EQ(distinct.size(), size_t{kThreads / 2 + 1});
  ASSERT_OK_AND_ASSIGN(auto listed, assoc().ListLabels(a_.id, "0-1", "0-3"));
  EXPECT_EQ(listed.size(), size_t{kThreads / 2 + 1});
}

FLOWD_INSTANTIATE_CONFORMANCE(AssociationStoreTest);

}  // namespace
}  // namespace flowd::store
