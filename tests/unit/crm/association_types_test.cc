// The HUBSPOT_DEFINED association type catalogue (crm/association_types.h).
#include "crm/association_types.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <tuple>

namespace flowd::crm {
namespace {

using Single = store::AssociationTypeWrite::Single;

TEST(AssociationTypes, IdsAreUniqueAndInversesPointBack) {
  std::set<int64_t> ids;
  for (const auto& t : HubSpotDefinedTypes()) {
    EXPECT_TRUE(ids.insert(t.type_id).second) << "duplicate id " << t.type_id;
    EXPECT_EQ(t.category, "HUBSPOT_DEFINED");
    const AssociationTypeInfo* inv = FindHubSpotDefinedType(t.inverse_type_id);
    ASSERT_NE(inv, nullptr) << t.type_id;
    EXPECT_EQ(inv->inverse_type_id, t.type_id);
    EXPECT_EQ(inv->from_type, t.to_type);
    EXPECT_EQ(inv->to_type, t.from_type);
    EXPECT_EQ(inv->is_default, t.is_default);
    const Single flipped = t.single == Single::kFrom ? Single::kTo
                           : t.single == Single::kTo ? Single::kFrom
                                                     : Single::kNone;
    EXPECT_EQ(inv->single, flipped) << t.type_id;
  }
}

// HubSpot's documented ids (the @hubspot/api-client AssociationTypes enum and the v4 guide).
TEST(AssociationTypes, KnownIdsMatchHubSpot) {
  const std::vector<std::tuple<int64_t, const char*, const char*>> known = {
      {279, "0-1", "0-2"},  {280, "0-2", "0-1"},  {1, "0-1", "0-2"},    {2, "0-2", "0-1"},
      {3, "0-3", "0-1"},    {4, "0-1", "0-3"},    {341, "0-3", "0-2"},  {342, "0-2", "0-3"},
      {5, "0-3", "0-2"},    {6, "0-2", "0-3"},    {16, "0-5", "0-1"},   {15, "0-1", "0-5"},
      {339, "0-5", "0-2"},  {340, "0-2", "0-5"},  {26, "0-5", "0-2"},   {25, "0-2", "0-5"},
      {28, "0-5", "0-3"},   {27, "0-3", "0-5"},   {204, "0-27", "0-1"}, {203, "0-1", "0-27"},
      {192, "0-27", "0-2"}, {191, "0-2", "0-27"}, {216, "0-27", "0-3"}, {215, "0-3", "0-27"},
      {230, "0-27", "0-5"}, {229, "0-5", "0-27"}, {202, "0-46", "0-1"}, {201, "0-1", "0-46"},
      {190, "0-46", "0-2"}, {189, "0-2", "0-46"}, {214, "0-46", "0-3"}, {213, "0-3", "0-46"},
      {228, "0-46", "0-5"}, {227, "0-5", "0-46"}, {449, "0-1", "0-1"},  {450, "0-2", "0-2"},
      {451, "0-3", "0-3"},  {452, "0-5", "0-5"},  {13, "0-2", "0-2"},   {14, "0-2", "0-2"},
  };
  for (const auto& [id, from, to] : known) {
    const AssociationTypeInfo* t = FindHubSpotDefinedType(id);
    ASSERT_NE(t, nullptr) << id;
    EXPECT_EQ(t->from_type, from) << id;
    EXPECT_EQ(t->to_type, to) << id;
  }
  EXPECT_EQ(known.size(), HubSpotDefinedTypes().size());
  EXPECT_EQ(FindHubSpotDefinedType(999), nullptr);
  EXPECT_EQ(FindHubSpotDefinedType(1)->label, "Primary");
  EXPECT_EQ(FindHubSpotDefinedType(1)->name, "contact_to_company");
  EXPECT_EQ(FindHubSpotDefinedType(279)->name, "contact_to_company_unlabeled");
  EXPECT_FALSE(FindHubSpotDefinedType(279)->label.has_value());
  EXPECT_EQ(FindHubSpotDefinedType(14)->label, "Parent Company");
  EXPECT_EQ(FindHubSpotDefinedType(13)->label, "Child Company");
}

TEST(AssociationTypes, EveryPairHasOneDefaultListedFirst) {
  std::map<std::pair<std::string, std::string>, int> defaults;
  for (const auto& t : HubSpotDefinedTypes()) {
    if (t.is_default) ++defaults[{t.from_type, t.to_type}];
  }
  for (const auto& t : HubSpotDefinedTypes()) {
    EXPECT_EQ((defaults[{t.from_type, t.to_type}]), 1) << t.from_type << "→" << t.to_type;
    auto between = HubSpotDefinedTypesBetween(t.from_type, t.to_type);
    ASSERT_FALSE(between.empty());
    EXPECT_TRUE(between.front().is_default);
  }
  auto cc = HubSpotDefinedTypesBetween("0-1", "0-2");
  ASSERT_EQ(cc.size(), 2u);
  EXPECT_EQ(cc[0].type_id, 279);
  EXPECT_EQ(cc[1].type_id, 1);
  EXPECT_EQ(cc[1].single, Single::kFrom) << "a contact has one primary company";
  EXPECT_EQ(FindHubSpotDefinedType(2)->single, Single::kTo);
  EXPECT_EQ(FindHubSpotDefinedType(14)->single, Single::kFrom) << "a company has one parent";
}

TEST(AssociationTypes, WhichPairsCanBeAssociatedAndLabelled) {
  auto type = [](const char* name) { return *FindStandardObjectType(name); };
  const ObjectTypeInfo cars = MakeCustomObjectType("2-77", "cars", "car", "model", 1000001);
  EXPECT_TRUE(CanAssociate(type("contacts"), type("companies")));
  EXPECT_TRUE(CanAssociate(type("tasks"), type("tickets")));
  EXPECT_TRUE(CanAssociate(type("deals"), type("deals")));
  EXPECT_FALSE(CanAssociate(type("tasks"), type("notes")));
  EXPECT_FALSE(CanAssociate(type("notes"), type("notes")));
  EXPECT_TRUE(CanAssociate(type("notes"), cars));
  EXPECT_TRUE(CanAssociate(cars, cars));
  EXPECT_TRUE(InvolvesCustomObject(cars, type("contacts")));
  EXPECT_FALSE(InvolvesCustomObject(type("contacts"), type("deals")));
  EXPECT_TRUE(SupportsLabels(type("tickets")));
  EXPECT_TRUE(SupportsLabels(cars));
  EXPECT_FALSE(SupportsLabels(type("tasks")));
  EXPECT_FALSE(SupportsLabels(type("notes")));
  EXPECT_TRUE(IsAssociationCategory("USER_DEFINED"));
  EXPECT_TRUE(IsAssociationCategory("WORK"));
  EXPECT_FALSE(IsAssociationCategory("user_defined"));
}

}  // namespace
}  // namespace flowd::crm
