// Branches (OR, AND, NOT_ALL, NOT_ANY, nesting), IN_LIST, CONSTANT, ASSOCIATION branches and
// filters, FORM_SUBMISSION, UNIFIED_EVENTS (branch and filter) and EVENT filters with their
// refine-bys.
#include <gtest/gtest.h>

#include "filter_test_util.h"

namespace flowd::crm::filter::testing {
namespace {

const std::string kTrue = R"({"filterType":"CONSTANT","shouldAccept":true})";
const std::string kFalse = R"({"filterType":"CONSTANT","shouldAccept":false})";

std::string Branch(const std::string& type, const std::string& filters,
                   const std::string& branches = "") {
  return R"({"filterBranchType":")" + type + R"(","filterBranchOperator":")" + type +
         R"(","filters":[)" + filters + R"(],"filterBranches":[)" + branches + "]}";
}

std::string Str(const std::string& property, const std::string& op, const std::string& value) {
  return PropertyFilter(property, R"({"operationType":"STRING","operator":")" + op +
                                      R"(","includeObjectsWithNoValueSet":false,"value":")" +
                                      value + "\"}");
}

class BranchTest : public ::testing::Test {
 protected:
  void SetUp() override {
    AddContactProperties(ctx_);
    ctx_.Set("0-1", 1, "firstname", "Ann");
  }
  bool Check(const std::string& json) { return Eval(ctx_, json); }
  FakeContext ctx_;
};

TEST_F(BranchTest, LogicalBranches) {
  EXPECT_TRUE(Check(Branch("AND", kTrue + "," + kTrue)));
  EXPECT_FALSE(Check(Branch("AND", kTrue + "," + kFalse)));
  EXPECT_TRUE(Check(Branch("AND", "")));  // vacuous
  EXPECT_TRUE(Check(Branch("OR", kFalse + "," + kTrue)));
  EXPECT_FALSE(Check(Branch("OR", kFalse)));
  EXPECT_FALSE(Check(Branch("OR", "")));
  EXPECT_TRUE(Check(Branch("NOT_ALL", kTrue + "," + kFalse)));
  EXPECT_FALSE(Check(Branch("NOT_ALL", kTrue + "," + kTrue)));
  EXPECT_TRUE(Check(Branch("NOT_ANY", kFalse + "," + kFalse)));
  EXPECT_FALSE(Check(Branch("NOT_ANY", kFalse + "," + kTrue)));
  // Filters and sub-branches together.
  EXPECT_FALSE(Check(Branch("AND", kTrue, Branch("OR", kFalse))));
  EXPECT_TRUE(Check(Branch("OR", kFalse, Branch("AND", kTrue))));
  // Deep nesting: NOT_ANY(NOT_ALL(AND(firstname = ann, OR(false, true)))).
  const std::string inner =
      Branch("AND", Str("firstname", "IS_EQUAL_TO", "ann"), Branch("OR", kFalse + "," + kTrue));
  EXPECT_FALSE(Check(Branch("NOT_ALL", "", inner)));
  EXPECT_TRUE(Check(Branch("NOT_ANY", "", Branch("NOT_ALL", "", inner))));
  // The conventional list shape.
  EXPECT_TRUE(Check(Root(Str("firstname", "IS_EQUAL_TO", "ANN"))));
  EXPECT_FALSE(Check(Root(Str("firstname", "IS_EQUAL_TO", "Bob"))));
}

TEST_F(BranchTest, RecordThatDoesNotExistMatchesNothing) {
  EXPECT_FALSE(Eval(ctx_, Branch("NOT_ANY", kFalse), 99));
  EXPECT_FALSE(Eval(ctx_, Branch("AND", ""), 99));
}

TEST_F(BranchTest, InList) {
  ctx_.members.insert({"7", {"0-1", 1}});
  auto F = [](const std::string& list, const std::string& op) {
    return R"({"filterType":"IN_LIST","listId":")" + list + R"(","operator":")" + op + "\"}";
  };
  EXPECT_TRUE(Check(Root(F("7", "IN_LIST"))));
  EXPECT_FALSE(Check(Root(F("8", "IN_LIST"))));
  EXPECT_FALSE(Check(Root(F("7", "NOT_IN_LIST"))));
  EXPECT_TRUE(Check(Root(F("8", "NOT_IN_LIST"))));
}

TEST_F(BranchTest, ValuesAreReadOncePerEvaluation) {
  ctx_.values_calls = 0;
  EXPECT_TRUE(
      Check(Root(Str("firstname", "IS_EQUAL_TO", "ann") + "," +
                 Str("firstname", "STARTS_WITH", "a") + "," + Str("firstname", "ENDS_WITH", "n"))));
  EXPECT_EQ(ctx_.values_calls, 1);
}

class AssociationTest : public BranchTest {
 protected:
  void SetUp() override {
    BranchTest::SetUp();
    ctx_.Set("0-2", 10, "name", "Acme");
    ctx_.Set("0-2", 10, "employees", "500");
    ctx_.Set("0-2", 11, "name", "Beta");
    ctx_.Set("0-2", 11, "employees", "5");
    ctx_.Set("0-2", 12, "name", "Gamma");  // associated with a user-defined label only
    ctx_.Associate({"0-1", 1}, {"0-2", 10}, 279);
    ctx_.Associate({"0-1", 1}, {"0-2", 11}, 279);
    ctx_.Associate({"0-1", 1}, {"0-2", 12}, 42, "USER_DEFINED");
    ctx_.Set("0-3", 20, "dealname", "Big deal");
    ctx_.Set("0-3", 20, "amount", "10000");
    ctx_.Associate({"0-2", 11}, {"0-3", 20}, 342);
  }
  static std::string Assoc(const std::string& type, int type_id, const std::string& filters,
                           const std::string& op = "IN_LIST", const std::string& combine = "AND",
                           const std::string& category = "HUBSPOT_DEFINED",
                           const std::string& branches = "") {
    return R"({"filterBranchType":"ASSOCIATION","objectTypeId":")" + type +
           R"(","associationTypeId":)" + std::to_string(type_id) + R"(,"associationCategory":")" +
           category + R"(","operator":")" + op + R"(","filterBranchOperator":")" + combine +
           R"(","filters":[)" + filters + R"(],"filterBranches":[)" + branches + "]}";
  }
  static std::string Root2(const std::string& branch) {
    return Branch("OR", "", Branch("AND", "", branch));
  }
};

TEST_F(AssociationTest, AnyAssociatedRecordMatching) {
  EXPECT_TRUE(Check(Root2(Assoc("0-2", 279, Str("name", "IS_EQUAL_TO", "beta")))));
  EXPECT_FALSE(Check(Root2(Assoc("0-2", 279, Str("name", "IS_EQUAL_TO", "gamma")))));
  // The label decides which associations count.
  EXPECT_TRUE(Check(Root2(
      Assoc("0-2", 42, Str("name", "IS_EQUAL_TO", "gamma"), "IN_LIST", "AND", "USER_DEFINED"))));
  EXPECT_FALSE(Check(Root2(Assoc("0-2", 279, Str("name", "IS_EQUAL_TO", "beta"), "NOT_IN_LIST"))));
  EXPECT_TRUE(Check(Root2(Assoc("0-2", 279, Str("name", "IS_EQUAL_TO", "gamma"), "NOT_IN_LIST"))));
  // All filters must hold for one and the same record.
  const std::string both =
      Str("name", "IS_EQUAL_TO", "beta") + "," +
      PropertyFilter(
          "employees",
          R"({"operationType":"NUMBER","operator":"IS_GREATER_THAN","includeObjectsWithNoValueSet":false,"value":100})");
  EXPECT_FALSE(Check(Root2(Assoc("0-2", 279, both))));
  EXPECT_TRUE(Check(Root2(Assoc("0-2", 279, both, "IN_LIST", "OR"))));
  // No filters: any associated record.
  EXPECT_TRUE(Check(Root2(Assoc("0-2", 279, ""))));
  EXPECT_FALSE(Check(Root2(Assoc("0-3", 4, ""))));
}

TEST_F(AssociationTest, NestedAssociationBranches) {
  const std::string deal = Assoc(
      "0-3", 342,
      PropertyFilter(
          "amount",
          R"({"operationType":"NUMBER","operator":"IS_GREATER_THAN_OR_EQUAL_TO","includeObjectsWithNoValueSet":false,"value":10000})"));
  EXPECT_TRUE(Check(Root2(Assoc("0-2", 279, "", "IN_LIST", "AND", "HUBSPOT_DEFINED", deal))));
  const std::string small = Assoc(
      "0-3", 342,
      PropertyFilter(
          "amount",
          R"({"operationType":"NUMBER","operator":"IS_LESS_THAN","includeObjectsWithNoValueSet":false,"value":10})"));
  EXPECT_FALSE(Check(Root2(Assoc("0-2", 279, "", "IN_LIST", "AND", "HUBSPOT_DEFINED", small))));
}

TEST_F(AssociationTest, AssociatedRecordsInAList) {
  ctx_.list_types["50"] = "0-2";
  ctx_.members.insert({"50", {"0-2", 10}});
  auto F = [](const std::string& op, const std::string& refine, const std::string& to = "") {
    return R"({"filterType":"ASSOCIATION","listId":"50","operator":")" + op +
           R"(","associationTypeId":279,"associationCategory":"HUBSPOT_DEFINED","coalescingRefineBy":)" +
           refine + to + "}";
  };
  const std::string all = R"({"type":"ALL_HISTORY"})";
  EXPECT_TRUE(Check(Root(F("IN_LIST", all))));
  EXPECT_FALSE(Check(Root(F("NOT_IN_LIST", all))));
  EXPECT_TRUE(Check(Root(F("IN_LIST", all, R"(,"toObjectTypeId":"0-2")"))));
  EXPECT_TRUE(Check(Root(F("IN_LIST", all, R"(,"toObjectType":"COMPANY")"))));
  EXPECT_FALSE(Check(Root(F("IN_LIST", all, R"(,"toObjectTypeId":"0-3")"))));
  const std::string two = R"({"type":"NUM_OCCURRENCES","minOccurrences":2})";
  EXPECT_FALSE(Check(Root(F("IN_LIST", two))));
  ctx_.members.insert({"50", {"0-2", 11}});
  EXPECT_TRUE(Check(Root(F("IN_LIST", two))));
  EXPECT_FALSE(Check(Root(F("IN_LIST", R"({"type":"NUM_OCCURRENCES","maxOccurrences":1})"))));
  // An unknown list has no members.
  ctx_.list_types.erase("50");
  EXPECT_FALSE(Check(Root(F("IN_LIST", all))));
}

class EventsTest : public BranchTest {
 protected:
  void SetUp() override {
    BranchTest::SetUp();
    ctx_.Set("0-1", 2, "firstname", "Bo");
    ctx_.AddEvent("4-1639801", 1, Ms("2024-03-01T10:00:00Z"), {{"hs_form_id", "form-a"}});
    ctx_.AddEvent("4-1639801", 1, Ms("2024-03-14T10:00:00Z"), {{"hs_form_id", "FORM-B"}});
    ctx_.AddEvent("4-1639801", 1, Ms("2024-03-15T09:00:00Z"), {{"hs_form_id", "form-b"}});
    ctx_.AddEvent("pe123_clicked", 1, Ms("2024-03-13T10:00:00Z"),
                  {{"button", "buy"}, {"qty", "3"}});
    ctx_.AddEvent("pe123_clicked", 1, Ms("2024-02-13T10:00:00Z"), {{"button", "sell"}});
    ctx_.AddEvent("pe123_clicked", 2, Ms("2024-03-13T10:00:00Z"), {{"button", "buy"}});
  }
  static std::string Form(const std::string& op, const std::string& extra = "") {
    return R"({"filterType":"FORM_SUBMISSION","operator":")" + op + "\"" + extra + "}";
  }
};

TEST_F(EventsTest, FormSubmissions) {
  EXPECT_TRUE(Check(Root(Form("FILLED_OUT"))));
  EXPECT_FALSE(Check(Root(Form("NOT_FILLED_OUT"))));
  EXPECT_TRUE(Check(Root(Form("FILLED_OUT", R"(,"formId":"form-a")"))));
  EXPECT_FALSE(Check(Root(Form("FILLED_OUT", R"(,"formId":"form-c")"))));
  EXPECT_TRUE(Check(Root(Form("NOT_FILLED_OUT", R"(,"formId":"form-c")"))));
  // Occurrences: form-b twice (ids compare without case).
  EXPECT_TRUE(Check(Root(Form(
      "FILLED_OUT",
      R"(,"formId":"form-b","coalescingRefineBy":{"type":"NUM_OCCURRENCES","minOccurrences":2})"))));
  EXPECT_FALSE(Check(Root(Form(
      "FILLED_OUT",
      R"(,"formId":"form-b","coalescingRefineBy":{"type":"NUM_OCCURRENCES","minOccurrences":3})"))));
  EXPECT_FALSE(Check(Root(Form(
      "FILLED_OUT", R"(,"coalescingRefineBy":{"type":"NUM_OCCURRENCES","maxOccurrences":2})"))));
  // Time refinements: in the last 7 days (2 of 3), before 2024-03-10, a range.
  const std::string last7 =
      R"(,"pruningRefineBy":{"type":"RELATIVE_COMPARATIVE","comparison":"AFTER","timeOffset":{"amount":7,"offsetDirection":"PAST","timeUnit":"DAYS"}})";
  EXPECT_TRUE(Check(Root(Form("FILLED_OUT", last7))));
  EXPECT_FALSE(Check(Root(Form("FILLED_OUT", R"(,"formId":"form-a")" + last7))));
  EXPECT_TRUE(Check(Root(Form(
      "FILLED_OUT",
      last7 +
          R"(,"coalescingRefineBy":{"type":"NUM_OCCURRENCES","minOccurrences":2,"maxOccurrences":2})"))));
  EXPECT_TRUE(Check(Root(Form(
      "FILLED_OUT",
      R"(,"formId":"form-a","pruningRefineBy":{"type":"ABSOLUTE_COMPARATIVE","comparison":"BEFORE","timestamp":)" +
          std::to_string(Ms("2024-03-10T00:00:00Z")) + "}"))));
  EXPECT_FALSE(Check(Root(Form(
      "FILLED_OUT",
      R"(,"pruningRefineBy":{"type":"ABSOLUTE_RANGED","rangeType":"BETWEEN","lowerTimestamp":)" +
          std::to_string(Ms("2024-03-02T00:00:00Z")) + R"(,"upperTimestamp":)" +
          std::to_string(Ms("2024-03-13T00:00:00Z")) + "}"))));
  EXPECT_TRUE(Check(Root(Form(
      "FILLED_OUT",
      R"(,"pruningRefineBy":{"type":"ABSOLUTE_RANGED","rangeType":"NOT_BETWEEN","lowerTimestamp":)" +
          std::to_string(Ms("2024-03-02T00:00:00Z")) + R"(,"upperTimestamp":)" +
          std::to_string(Ms("2024-03-13T00:00:00Z")) + "}"))));
  // Within the last 2 hours: the submission at 09:00 is 3 hours old.
  EXPECT_FALSE(Check(Root(Form(
      "FILLED_OUT",
      R"(,"pruningRefineBy":{"type":"RELATIVE_RANGED","rangeType":"BETWEEN","lowerBoundOffset":{"amount":2,"offsetDirection":"PAST","timeUnit":"HOURS"},"upperBoundOffset":{"amount":0,"offsetDirection":"PAST","timeUnit":"MINUTES"}})"))));
  EXPECT_TRUE(Check(Root(Form(
      "FILLED_OUT",
      R"(,"pruningRefineBy":{"type":"RELATIVE_RANGED","rangeType":"BETWEEN","lowerBoundOffset":{"amount":4,"offsetDirection":"PAST","timeUnit":"HOURS"},"upperBoundOffset":{"amount":1,"offsetDirection":"FUTURE","timeUnit":"WEEKS"}})"))));
  // TIME_POINT refinement relative to the record's own property.
  ctx_.Set("0-1", 1, "other_date", "2024-03-14T12:00:00.000Z");
  EXPECT_TRUE(Check(Root(Form(
      "FILLED_OUT",
      R"(,"pruningRefineBy":{"type":"TIME_POINT","operationType":"TIME_POINT","operator":"IS_AFTER","includeObjectsWithNoValueSet":false,"timePoint":{"timeType":"PROPERTY_REFERENCED","zoneId":"UTC","property":"other_date","referenceType":"VALUE"}})"))));
  ctx_.Set("0-1", 1, "other_date", "2024-03-15T10:00:00.000Z");
  EXPECT_FALSE(Check(Root(Form(
      "FILLED_OUT",
      R"(,"pruningRefineBy":{"type":"TIME_POINT","operationType":"TIME_POINT","operator":"IS_AFTER","includeObjectsWithNoValueSet":false,"timePoint":{"timeType":"PROPERTY_REFERENCED","zoneId":"UTC","property":"other_date","referenceType":"VALUE"}})"))));
}

TEST_F(EventsTest, UnifiedEventsBranch) {
  auto UE = [](const std::string& op, const std::string& filters, const std::string& extra = "",
               const std::string& type = "pe123_clicked", const std::string& branches = "") {
    return Branch(
        "OR", "",
        Branch(
            "AND", "",
            R"({"filterBranchType":"UNIFIED_EVENTS","filterBranchOperator":"AND","eventTypeId":")" +
                type + R"(","operator":")" + op + R"(","filters":[)" + filters +
                R"(],"filterBranches":[)" + branches + "]" + extra + "}"));
  };
  EXPECT_TRUE(Check(UE("HAS_COMPLETED", "")));
  EXPECT_FALSE(Check(UE("HAS_NOT_COMPLETED", "")));
  EXPECT_TRUE(Check(UE("HAS_COMPLETED", Str("button", "IS_EQUAL_TO", "BUY"))));
  EXPECT_FALSE(Check(UE("HAS_COMPLETED", Str("button", "IS_EQUAL_TO", "hold"))));
  EXPECT_TRUE(Check(UE("HAS_NOT_COMPLETED", Str("button", "IS_EQUAL_TO", "hold"))));
  // Event properties read as numbers.
  EXPECT_TRUE(Check(UE(
      "HAS_COMPLETED",
      PropertyFilter(
          "qty",
          R"({"operationType":"NUMBER","operator":"IS_GREATER_THAN","includeObjectsWithNoValueSet":false,"value":2})"))));
  // Two clicks in all, one in the last 30 days.
  EXPECT_TRUE(Check(UE("HAS_COMPLETED", "",
                       R"(,"coalescingRefineBy":{"type":"NUM_OCCURRENCES","minOccurrences":2})")));
  EXPECT_FALSE(Check(UE(
      "HAS_COMPLETED", "",
      R"(,"coalescingRefineBy":{"type":"NUM_OCCURRENCES","minOccurrences":2},"pruningRefineBy":{"type":"RELATIVE_COMPARATIVE","comparison":"AFTER","timeOffset":{"amount":30,"offsetDirection":"PAST","timeUnit":"DAYS"}})")));
  // A TIME_RANGED refinement and the occurrence time as a property.
  EXPECT_TRUE(Check(UE(
      "HAS_COMPLETED",
      PropertyFilter(
          "hs_timestamp",
          R"({"operationType":"ROLLING_DATE_RANGE","operator":"IS_LESS_THAN_X_DAYS_AGO","includeObjectsWithNoValueSet":false,"numberOfDays":3,"requiresTimeZoneConversion":false})"))));
  EXPECT_FALSE(Check(UE(
      "HAS_COMPLETED", "",
      R"(,"pruningRefineBy":{"type":"TIME_RANGED","operationType":"TIME_RANGED","operator":"IS_BETWEEN","includeObjectsWithNoValueSet":false,"lowerBoundTimePoint":{"timeType":"INDEXED","zoneId":"UTC","indexReference":{"referenceType":"TODAY"},"offset":{"days":-1}},"upperBoundTimePoint":{"timeType":"INDEXED","zoneId":"UTC","indexReference":{"referenceType":"NOW"}}})")));
  // Sub-branches read the event too; OR combines.
  EXPECT_TRUE(Check(UE("HAS_COMPLETED", "", "", "pe123_clicked",
                       Branch("OR", Str("button", "IS_EQUAL_TO", "x") + "," +
                                        Str("button", "IS_EQUAL_TO", "sell")))));
  EXPECT_FALSE(Check(UE("HAS_COMPLETED", "", "", "pe123_clicked",
                        Branch("NOT_ANY", Str("button", "IS_EQUAL_TO", "buy") + "," +
                                              Str("button", "IS_EQUAL_TO", "sell")))));
  // Form submissions through a UNIFIED_EVENTS branch, as flows send them.
  EXPECT_TRUE(Check(UE(
      "HAS_COMPLETED",
      PropertyFilter(
          "hs_form_id",
          R"({"operationType":"ENUMERATION","operator":"IS_ANY_OF","includeObjectsWithNoValueSet":false,"values":["form-a"]})"),
      "", "4-1639801")));
  // Property changes.
  ctx_.AddEvent("4-655002", 1, Ms("2024-03-15T08:00:00Z"),
                {{"hs_name", "stage"}, {"hs_value", "customer"}, {"hs_previous_value", "lead"}});
  EXPECT_TRUE(Check(
      UE("HAS_COMPLETED",
         Str("hs_name", "IS_EQUAL_TO", "stage") + "," + Str("hs_value", "IS_EQUAL_TO", "customer"),
         "", "4-655002")));
}

TEST_F(EventsTest, UnifiedEventsAndEventFilters) {
  auto F = [](const std::string& lines, const std::string& extra = "") {
    return R"({"filterType":"UNIFIED_EVENTS","eventTypeId":"pe123_clicked","filterLines":[)" +
           lines + "]" + extra + "}";
  };
  auto Line = [](const std::string& property, const std::string& value) {
    return R"({"property":")" + property +
           R"(","operation":{"operationType":"STRING","operator":"IS_EQUAL_TO","includeObjectsWithNoValueSet":false,"value":")" +
           value + "\"}}";
  };
  EXPECT_TRUE(Check(Root(F(""))));
  EXPECT_TRUE(Check(Root(F(Line("button", "buy")))));
  EXPECT_FALSE(Check(Root(F(Line("button", "buy") + "," + Line("qty", "4")))));
  EXPECT_TRUE(Check(Root(F(Line("button", "buy") + "," + Line("qty", "3")))));
  EXPECT_FALSE(Check(Root(F(
      Line("button", "sell"),
      R"(,"pruningRefineBy":{"type":"RELATIVE_COMPARATIVE","comparison":"AFTER","timeOffset":{"amount":1,"offsetDirection":"PAST","timeUnit":"WEEKS"}})"))));
  EXPECT_FALSE(Eval(ctx_, Root(F(Line("button", "sell"))), 2));
  auto E = [](const std::string& op) {
    return R"({"filterType":"EVENT","eventId":"pe123_clicked","operator":")" + op + "\"}";
  };
  EXPECT_TRUE(Check(Root(E("HAS_EVENT"))));
  EXPECT_FALSE(Check(Root(E("NOT_HAS_EVENT"))));
  EXPECT_TRUE(Eval(ctx_, Root(E("NOT_HAS_EVENT")), 3) == false);  // no such record
  ctx_.Set("0-1", 3, "firstname", "Cy");
  EXPECT_TRUE(Eval(ctx_, Root(E("NOT_HAS_EVENT")), 3));
}

}  // namespace
}  // namespace flowd::crm::filter::testing
