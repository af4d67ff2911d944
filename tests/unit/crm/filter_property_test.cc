// PROPERTY filters: every operationType × operator × includeObjectsWithNoValueSet, history-based
// operators, and the no-value rule. Table-driven: one record (contact 1) per case.
#include <gtest/gtest.h>

#include "filter_test_util.h"

namespace flowd::crm::filter::testing {
namespace {

struct Case {
  std::string name;
  std::string property;
  std::string operation;
  // The property's values, oldest first, each set one hour after the previous one and the last
  // one an hour before now; empty = never set. "" clears.
  std::vector<std::string> versions;
  bool expected;
};

std::string Op(const std::string& type, const std::string& op, bool include,
               const std::string& extra = "") {
  return R"({"operationType":")" + type + R"(","operator":")" + op +
         R"(","includeObjectsWithNoValueSet":)" + (include ? "true" : "false") +
         (extra.empty() ? "" : "," + extra) + "}";
}

std::vector<std::string> V(std::initializer_list<std::string> v) { return v; }

class PropertyOperationTest : public ::testing::TestWithParam<Case> {};

TEST_P(PropertyOperationTest, Evaluates) {
  const Case& c = GetParam();
  FakeContext ctx;
  AddContactProperties(ctx);
  ctx.AddRecord("0-1", 1);
  const int64_t n = static_cast<int64_t>(c.versions.size());
  for (int64_t i = 0; i < n; ++i) {
    ctx.Set("0-1", 1, c.property, c.versions[i], ctx.now - (n - i) * 3600000);
  }
  EXPECT_EQ(Eval(ctx, Root(PropertyFilter(c.property, c.operation))), c.expected) << c.operation;
}

std::vector<Case> BoolCases() {
  return {
      {"bool_eq_true", "vip", Op("BOOL", "IS_EQUAL_TO", false, R"("value":true)"), V({"true"}),
       true},
      {"bool_eq_false", "vip", Op("BOOL", "IS_EQUAL_TO", false, R"("value":true)"), V({"false"}),
       false},
      {"bool_eq_none", "vip", Op("BOOL", "IS_EQUAL_TO", false, R"("value":true)"), {}, false},
      {"bool_eq_none_incl", "vip", Op("BOOL", "IS_EQUAL_TO", true, R"("value":true)"), {}, true},
      {"bool_neq", "vip", Op("BOOL", "IS_NOT_EQUAL_TO", false, R"("value":true)"), V({"false"}),
       true},
      {"bool_neq_same", "vip", Op("BOOL", "IS_NOT_EQUAL_TO", false, R"("value":true)"), V({"true"}),
       false},
      {"bool_neq_none", "vip", Op("BOOL", "IS_NOT_EQUAL_TO", false, R"("value":true)"), {}, false},
      {"bool_neq_none_incl",
       "vip",
       Op("BOOL", "IS_NOT_EQUAL_TO", true, R"("value":true)"),
       {},
       true},
      {"bool_ever", "vip", Op("BOOL", "HAS_EVER_BEEN_EQUAL_TO", false, R"("value":true)"),
       V({"true", "false"}), true},
      {"bool_ever_no", "vip", Op("BOOL", "HAS_EVER_BEEN_EQUAL_TO", false, R"("value":true)"),
       V({"false"}), false},
      {"bool_never", "vip", Op("BOOL", "HAS_NEVER_BEEN_EQUAL_TO", false, R"("value":true)"),
       V({"false"}), true},
      {"bool_never_was", "vip", Op("BOOL", "HAS_NEVER_BEEN_EQUAL_TO", false, R"("value":true)"),
       V({"true", "false"}), false},
      {"bool_never_none",
       "vip",
       Op("BOOL", "HAS_NEVER_BEEN_EQUAL_TO", false, R"("value":true)"),
       {},
       false},
      {"bool_never_none_incl",
       "vip",
       Op("BOOL", "HAS_NEVER_BEEN_EQUAL_TO", true, R"("value":true)"),
       {},
       true},
      {"bool_ever_cleared", "vip", Op("BOOL", "HAS_EVER_BEEN_EQUAL_TO", false, R"("value":true)"),
       V({"true", ""}), true},
  };
}

std::vector<Case> NumberCases() {
  auto N = [](const std::string& op, const std::string& v, bool incl = false) {
    return Op("NUMBER", op, incl, "\"value\":" + v);
  };
  return {
      {"num_eq", "age", N("IS_EQUAL_TO", "30"), V({"30"}), true},
      {"num_eq_float", "age", N("IS_EQUAL_TO", "30.0"), V({"30"}), true},
      {"num_eq_no", "age", N("IS_EQUAL_TO", "31"), V({"30"}), false},
      {"num_neq", "age", N("IS_NOT_EQUAL_TO", "31"), V({"30"}), true},
      {"num_neq_same", "age", N("IS_NOT_EQUAL_TO", "30"), V({"30"}), false},
      {"num_neq_none", "age", N("IS_NOT_EQUAL_TO", "31"), {}, false},
      {"num_neq_none_incl", "age", N("IS_NOT_EQUAL_TO", "31", true), {}, true},
      {"num_gt", "age", N("IS_GREATER_THAN", "29"), V({"30"}), true},
      {"num_gt_equal", "age", N("IS_GREATER_THAN", "30"), V({"30"}), false},
      {"num_gte", "age", N("IS_GREATER_THAN_OR_EQUAL_TO", "30"), V({"30"}), true},
      {"num_gte_no", "age", N("IS_GREATER_THAN_OR_EQUAL_TO", "31"), V({"30"}), false},
      {"num_lt", "age", N("IS_LESS_THAN", "31"), V({"30"}), true},
      {"num_lt_equal", "age", N("IS_LESS_THAN", "30"), V({"30"}), false},
      {"num_lt_negative", "age", N("IS_LESS_THAN", "0"), V({"-2.5"}), true},
      {"num_lte", "age", N("IS_LESS_THAN_OR_EQUAL_TO", "30"), V({"30"}), true},
      {"num_lte_no", "age", N("IS_LESS_THAN_OR_EQUAL_TO", "29.99"), V({"30"}), false},
      {"num_lt_none_incl", "age", N("IS_LESS_THAN", "5", true), {}, true},
      {"num_gt_none", "age", N("IS_GREATER_THAN", "5"), {}, false},
      {"num_ever", "age", N("HAS_EVER_BEEN_EQUAL_TO", "25"), V({"25", "30"}), true},
      {"num_ever_no", "age", N("HAS_EVER_BEEN_EQUAL_TO", "26"), V({"25", "30"}), false},
      {"num_never", "age", N("HAS_NEVER_BEEN_EQUAL_TO", "26"), V({"25", "30"}), true},
      {"num_never_was", "age", N("HAS_NEVER_BEEN_EQUAL_TO", "25"), V({"25", "30"}), false},
      {"num_ranged_in", "age",
       Op("NUMBER_RANGED", "IS_BETWEEN", false, R"("lowerBound":30,"upperBound":40)"), V({"30"}),
       true},
      {"num_ranged_upper", "age",
       Op("NUMBER_RANGED", "IS_BETWEEN", false, R"("lowerBound":20,"upperBound":30)"), V({"30"}),
       true},
      {"num_ranged_out", "age",
       Op("NUMBER_RANGED", "IS_BETWEEN", false, R"("lowerBound":31,"upperBound":40)"), V({"30"}),
       false},
      {"num_ranged_not", "age",
       Op("NUMBER_RANGED", "IS_NOT_BETWEEN", false, R"("lowerBound":31,"upperBound":40)"),
       V({"30"}), true},
      {"num_ranged_not_in", "age",
       Op("NUMBER_RANGED", "IS_NOT_BETWEEN", false, R"("lowerBound":10,"upperBound":30)"),
       V({"30"}), false},
      {"num_ranged_none",
       "age",
       Op("NUMBER_RANGED", "IS_NOT_BETWEEN", false, R"("lowerBound":1,"upperBound":2)"),
       {},
       false},
      {"num_ranged_none_incl",
       "age",
       Op("NUMBER_RANGED", "IS_NOT_BETWEEN", true, R"("lowerBound":1,"upperBound":2)"),
       {},
       true},
  };
}

std::vector<Case> StringCases() {
  auto S = [](const std::string& op, const std::string& v, bool incl = false) {
    return Op("STRING", op, incl, "\"value\":\"" + v + "\"");
  };
  const auto alice = V({"Alice Smith"});
  const auto history = V({"Alicia", "Alice Smith"});
  return {
      {"str_eq_case", "firstname", S("IS_EQUAL_TO", "alice smith"), alice, true},
      {"str_eq_no", "firstname", S("IS_EQUAL_TO", "Alice"), alice, false},
      {"str_neq", "firstname", S("IS_NOT_EQUAL_TO", "Bob"), alice, true},
      {"str_neq_same", "firstname", S("IS_NOT_EQUAL_TO", "ALICE SMITH"), alice, false},
      {"str_contains", "firstname", S("CONTAINS", "smith"), alice, true},
      {"str_contains_no", "firstname", S("CONTAINS", "bob"), alice, false},
      {"str_not_contains", "firstname", S("DOES_NOT_CONTAIN", "bob"), alice, true},
      {"str_not_contains_no", "firstname", S("DOES_NOT_CONTAIN", "Smith"), alice, false},
      {"str_not_contains_none", "firstname", S("DOES_NOT_CONTAIN", "x"), {}, false},
      {"str_not_contains_none_incl", "firstname", S("DOES_NOT_CONTAIN", "x", true), {}, true},
      {"str_starts", "firstname", S("STARTS_WITH", "ali"), alice, true},
      {"str_starts_no", "firstname", S("STARTS_WITH", "smith"), alice, false},
      {"str_ends", "firstname", S("ENDS_WITH", "SMITH"), alice, true},
      {"str_ends_no", "firstname", S("ENDS_WITH", "alice"), alice, false},
      {"str_eq_none_incl", "firstname", S("IS_EQUAL_TO", "x", true), {}, true},
      {"str_ever", "firstname", S("HAS_EVER_BEEN_EQUAL_TO", "alicia"), history, true},
      {"str_ever_no", "firstname", S("HAS_EVER_BEEN_EQUAL_TO", "Bob"), history, false},
      {"str_never", "firstname", S("HAS_NEVER_BEEN_EQUAL_TO", "Bob"), history, true},
      {"str_never_was", "firstname", S("HAS_NEVER_BEEN_EQUAL_TO", "Alicia"), history, false},
      {"str_ever_contained", "firstname", S("HAS_EVER_CONTAINED", "lici"), history, true},
      {"str_ever_contained_no", "firstname", S("HAS_EVER_CONTAINED", "bob"), history, false},
      {"str_never_contained", "firstname", S("HAS_NEVER_CONTAINED", "bob"), history, true},
      {"str_never_contained_was", "firstname", S("HAS_NEVER_CONTAINED", "LICI"), history, false},
      {"str_never_none", "firstname", S("HAS_NEVER_CONTAINED", "bob"), {}, false},
      {"str_never_none_incl", "firstname", S("HAS_NEVER_CONTAINED", "bob", true), {}, true},
      {"phone_contains", "phone", S("CONTAINS", "555"), V({"+1 555 0100"}), true},
  };
}

std::vector<Case> MultiStringCases() {
  auto M = [](const std::string& op, const std::string& values, bool incl = false) {
    return Op("MULTISTRING", op, incl, "\"values\":" + values);
  };
  const auto alice = V({"Alice Smith"});
  return {
      {"ms_eq_any", "firstname", M("IS_EQUAL_TO", R"(["bob","alice smith"])"), alice, true},
      {"ms_eq_none", "firstname", M("IS_EQUAL_TO", R"(["bob","carol"])"), alice, false},
      {"ms_neq", "firstname", M("IS_NOT_EQUAL_TO", R"(["bob","carol"])"), alice, true},
      {"ms_neq_one_equal", "firstname", M("IS_NOT_EQUAL_TO", R"(["bob","Alice Smith"])"), alice,
       false},
      {"ms_contains", "firstname", M("CONTAINS", R"(["zzz","SMI"])"), alice, true},
      {"ms_contains_no", "firstname", M("CONTAINS", R"(["zzz"])"), alice, false},
      {"ms_contains_exactly", "firstname", M("CONTAINS_EXACTLY", R"(["Smith"])"), alice, true},
      {"ms_contains_exactly_case", "firstname", M("CONTAINS_EXACTLY", R"(["smith"])"), alice,
       false},
      {"ms_not_contains", "firstname", M("DOES_NOT_CONTAIN", R"(["zzz","yyy"])"), alice, true},
      {"ms_not_contains_one", "firstname", M("DOES_NOT_CONTAIN", R"(["zzz","ali"])"), alice, false},
      {"ms_not_contains_exactly", "firstname", M("DOES_NOT_CONTAIN_EXACTLY", R"(["smith"])"), alice,
       true},
      {"ms_not_contains_exactly_no", "firstname", M("DOES_NOT_CONTAIN_EXACTLY", R"(["Smith"])"),
       alice, false},
      {"ms_starts", "firstname", M("STARTS_WITH", R"(["bo","al"])"), alice, true},
      {"ms_starts_no", "firstname", M("STARTS_WITH", R"(["bo"])"), alice, false},
      {"ms_ends", "firstname", M("ENDS_WITH", R"(["x","TH"])"), alice, true},
      {"ms_ends_no", "firstname", M("ENDS_WITH", R"(["x"])"), alice, false},
      {"ms_neq_none", "firstname", M("IS_NOT_EQUAL_TO", R"(["x"])"), {}, false},
      {"ms_neq_none_incl", "firstname", M("IS_NOT_EQUAL_TO", R"(["x"])", true), {}, true},
  };
}

std::vector<Case> EnumerationCases() {
  auto E = [](const std::string& op, const std::string& values, bool incl = false) {
    return Op("ENUMERATION", op, incl, "\"values\":" + values);
  };
  const auto customer = V({"lead", "customer"});
  const auto ab = V({"a", "a;b"});
  return {
      {"enum_any", "stage", E("IS_ANY_OF", R"(["lead","customer"])"), customer, true},
      {"enum_any_case", "stage", E("IS_ANY_OF", R"(["CUSTOMER"])"), customer, true},
      {"enum_any_no", "stage", E("IS_ANY_OF", R"(["lead"])"), customer, false},
      {"enum_none", "stage", E("IS_NONE_OF", R"(["lead"])"), customer, true},
      {"enum_none_no", "stage", E("IS_NONE_OF", R"(["customer"])"), customer, false},
      {"enum_none_novalue", "stage", E("IS_NONE_OF", R"(["lead"])"), {}, false},
      {"enum_none_novalue_incl", "stage", E("IS_NONE_OF", R"(["lead"])", true), {}, true},
      {"enum_exactly", "tags", E("IS_EXACTLY", R"(["b","a"])"), ab, true},
      {"enum_exactly_subset", "tags", E("IS_EXACTLY", R"(["a"])"), ab, false},
      {"enum_not_exactly", "tags", E("IS_NOT_EXACTLY", R"(["a"])"), ab, true},
      {"enum_not_exactly_same", "tags", E("IS_NOT_EXACTLY", R"(["a","b"])"), ab, false},
      {"enum_contains_all", "tags", E("CONTAINS_ALL", R"(["a"])"), ab, true},
      {"enum_contains_all_no", "tags", E("CONTAINS_ALL", R"(["a","c"])"), ab, false},
      {"enum_not_contains_all", "tags", E("DOES_NOT_CONTAIN_ALL", R"(["a","c"])"), ab, true},
      {"enum_not_contains_all_no", "tags", E("DOES_NOT_CONTAIN_ALL", R"(["b"])"), ab, false},
      {"enum_any_multi", "tags", E("IS_ANY_OF", R"(["c","b"])"), ab, true},
      {"enum_ever_any", "stage", E("HAS_EVER_BEEN_ANY_OF", R"(["lead"])"), customer, true},
      {"enum_ever_any_no", "stage", E("HAS_EVER_BEEN_ANY_OF", R"(["evangelist"])"), customer,
       false},
      {"enum_never_any", "stage", E("HAS_NEVER_BEEN_ANY_OF", R"(["evangelist"])"), customer, true},
      {"enum_never_any_was", "stage", E("HAS_NEVER_BEEN_ANY_OF", R"(["lead"])"), customer, false},
      {"enum_never_any_none", "stage", E("HAS_NEVER_BEEN_ANY_OF", R"(["lead"])"), {}, false},
      {"enum_never_any_none_incl",
       "stage",
       E("HAS_NEVER_BEEN_ANY_OF", R"(["lead"])", true),
       {},
       true},
      {"enum_ever_exactly", "tags", E("HAS_EVER_BEEN_EXACTLY", R"(["a"])"), ab, true},
      {"enum_ever_exactly_no", "tags", E("HAS_EVER_BEEN_EXACTLY", R"(["b"])"), ab, false},
      {"enum_never_exactly", "tags", E("HAS_NEVER_BEEN_EXACTLY", R"(["b"])"), ab, true},
      {"enum_never_exactly_was", "tags", E("HAS_NEVER_BEEN_EXACTLY", R"(["a"])"), ab, false},
      {"enum_ever_contained_all", "tags", E("HAS_EVER_CONTAINED_ALL", R"(["a","b"])"), ab, true},
      {"enum_ever_contained_all_no", "tags", E("HAS_EVER_CONTAINED_ALL", R"(["c"])"), ab, false},
      {"enum_never_contained_all", "tags", E("HAS_NEVER_CONTAINED_ALL", R"(["c"])"), ab, true},
      {"enum_never_contained_all_was", "tags", E("HAS_NEVER_CONTAINED_ALL", R"(["b"])"), ab, false},
      {"enum_on_bool", "vip", E("IS_ANY_OF", R"(["true"])"), V({"true"}), true},
  };
}

std::vector<Case> AllPropertyCases() {
  return {
      {"known", "firstname", Op("ALL_PROPERTY", "IS_KNOWN", false), V({"x"}), true},
      {"known_none", "firstname", Op("ALL_PROPERTY", "IS_KNOWN", false), {}, false},
      {"known_none_incl", "firstname", Op("ALL_PROPERTY", "IS_KNOWN", true), {}, false},
      {"known_cleared", "firstname", Op("ALL_PROPERTY", "IS_KNOWN", false), V({"x", ""}), false},
      {"unknown", "firstname", Op("ALL_PROPERTY", "IS_UNKNOWN", false), {}, true},
      {"unknown_set", "firstname", Op("ALL_PROPERTY", "IS_UNKNOWN", false), V({"x"}), false},
      {"not_known", "age", Op("ALL_PROPERTY", "IS_NOT_KNOWN", false), {}, true},
      {"blank", "age", Op("ALL_PROPERTY", "IS_BLANK", false), {}, true},
      {"not_blank", "age", Op("ALL_PROPERTY", "IS_NOT_BLANK", false), V({"3"}), true},
      {"known_date", "birthday", Op("ALL_PROPERTY", "IS_KNOWN", false), V({"1990-05-20"}), true},
  };
}

std::vector<Case> Merge(std::vector<std::vector<Case>> groups) {
  std::vector<Case> out;
  for (auto& g : groups) out.insert(out.end(), g.begin(), g.end());
  return out;
}

INSTANTIATE_TEST_SUITE_P(
    Operations, PropertyOperationTest,
    ::testing::ValuesIn(Merge({BoolCases(), NumberCases(), StringCases(), MultiStringCases(),
                               EnumerationCases(), AllPropertyCases()})),
    [](const ::testing::TestParamInfo<Case>& info) { return info.param.name; });

TEST(PropertyFilterTest, BooleanCheckboxEnumerationTakesBoolOperations) {
  FakeContext ctx;
  ctx.AddProperty("0-1", "optin", "enumeration", "booleancheckbox", {"true", "false"});
  ctx.Set("0-1", 1, "optin", "true");
  EXPECT_TRUE(Eval(
      ctx, Root(PropertyFilter("optin", Op("BOOL", "IS_EQUAL_TO", false, R"("value":true)")))));
}

TEST(PropertyFilterTest, ComparativeString) {
  FakeContext ctx;
  AddContactProperties(ctx);
  ctx.Set("0-1", 1, "firstname", "Alice Smith");
  ctx.Set("0-1", 1, "nickname", "alice smith");
  auto C = [](const std::string& op, bool incl = false, const std::string& def = "") {
    return Op("COMPARATIVE_STRING", op, incl,
              R"("comparisonPropertyName":"nickname")" +
                  (def.empty() ? "" : R"(,"defaultComparisonValue":")" + def + "\""));
  };
  EXPECT_TRUE(Eval(ctx, Root(PropertyFilter("firstname", C("IS_EQUAL_TO")))));
  EXPECT_FALSE(Eval(ctx, Root(PropertyFilter("firstname", C("IS_NOT_EQUAL_TO")))));
  ctx.Set("0-1", 1, "nickname", "smith");
  EXPECT_TRUE(Eval(ctx, Root(PropertyFilter("firstname", C("CONTAINS")))));
  EXPECT_TRUE(Eval(ctx, Root(PropertyFilter("firstname", C("ENDS_WITH")))));
  EXPECT_FALSE(Eval(ctx, Root(PropertyFilter("firstname", C("STARTS_WITH")))));
  EXPECT_FALSE(Eval(ctx, Root(PropertyFilter("firstname", C("DOES_NOT_CONTAIN")))));
  ctx.Set("0-1", 1, "nickname", "");
  EXPECT_FALSE(Eval(ctx, Root(PropertyFilter("firstname", C("IS_NOT_EQUAL_TO")))));
  EXPECT_TRUE(Eval(ctx, Root(PropertyFilter("firstname", C("IS_NOT_EQUAL_TO", true)))));
  EXPECT_TRUE(Eval(ctx, Root(PropertyFilter("firstname", C("STARTS_WITH", false, "ALI")))));
}

TEST(PropertyFilterTest, PropertyThatWasNeverSetOnAnotherRecordIsIndependent) {
  FakeContext ctx;
  AddContactProperties(ctx);
  ctx.Set("0-1", 1, "firstname", "Ann");
  ctx.Set("0-1", 2, "firstname", "Bob");
  const std::string f =
      Root(PropertyFilter("firstname", Op("STRING", "IS_EQUAL_TO", false, R"("value":"bob")")));
  EXPECT_FALSE(Eval(ctx, f, 1));
  EXPECT_TRUE(Eval(ctx, f, 2));
}

}  // namespace
}  // namespace flowd::crm::filter::testing
