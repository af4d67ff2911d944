#include "common/text.h"

#include <gtest/gtest.h>

namespace flowd {
namespace {

TEST(TextTest, AsciiLowerLeavesNonAsciiAlone) {
  EXPECT_EQ(AsciiLower("Ann@Example.COM"), "ann@example.com");
  EXPECT_EQ(AsciiLower("ÄB"), "Äb");
  EXPECT_EQ(AsciiLower(""), "");
}

TEST(TextTest, TrimAscii) {
  EXPECT_EQ(TrimAscii("  a b \t\n"), "a b");
  EXPECT_EQ(TrimAscii(" \r\n"), "");
  EXPECT_EQ(TrimAscii("x"), "x");
}

TEST(TextTest, ParseDecimalId) {
  EXPECT_EQ(ParseDecimalId("42"), 42);
  EXPECT_EQ(ParseDecimalId("007"), 7);
  EXPECT_EQ(ParseDecimalId("0"), std::nullopt);
  EXPECT_EQ(ParseDecimalId("0", /*allow_zero=*/true), 0);
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "1a", "9223372036854775808"}) {
    EXPECT_EQ(ParseDecimalId(bad), std::nullopt) << bad;
  }
  EXPECT_EQ(ParseDecimalId("9223372036854775807"), 9223372036854775807LL);
}

}  // namespace
}  // namespace flowd
