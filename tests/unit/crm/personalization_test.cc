#include "crm/personalization.h"

#include <gtest/gtest.h>

namespace flowd::crm {
namespace {

const TemplateValues kValues = {
    {"contact.firstname", "Ada"},
    {"contact.lastname", "Lovelace"},
    {"contact.company", "<Analytical & Co>"},
    {"contact.city", ""},
};

TEST(Personalization, ReplacesTokensWithAndWithoutSpaces) {
  EXPECT_EQ(RenderPersonalization("Hi {{ contact.firstname }}!", kValues), "Hi Ada!");
  EXPECT_EQ(RenderPersonalization("Hi {{contact.firstname}} {{contact.lastname}}", kValues),
            "Hi Ada Lovelace");
  EXPECT_EQ(RenderPersonalization("{{\n  contact.firstname\t}}", kValues), "Ada");
}

TEST(Personalization, TextWithoutTokensIsUnchanged) {
  EXPECT_EQ(RenderPersonalization("", kValues), "");
  EXPECT_EQ(RenderPersonalization("<p>plain { text } here</p>", kValues),
            "<p>plain { text } here</p>");
}

TEST(Personalization, EscapesValuesButNotTheTemplate) {
  EXPECT_EQ(RenderPersonalization("<b>{{ contact.company }}</b>", kValues),
            "<b>&lt;Analytical &amp; Co&gt;</b>");
  EXPECT_EQ(EscapeHtml(R"(<a href="x">'&'</a>)"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
}

TEST(Personalization, PlainTextInsertsValuesAsTheyAre) {
  EXPECT_EQ(RenderPersonalization("Offer for {{ contact.company }}", kValues, ValueEscaping::kNone),
            "Offer for <Analytical & Co>");
}

TEST(Personalization, DefaultFilterAppliesToMissingAndEmptyValues) {
  EXPECT_EQ(RenderPersonalization(R"({{ contact.nickname|default("friend") }})", kValues),
            "friend");
  EXPECT_EQ(RenderPersonalization("{{ contact.city | default('somewhere') }}", kValues),
            "somewhere");
  EXPECT_EQ(RenderPersonalization(R"({{ contact.firstname|default("friend") }})", kValues), "Ada");
  EXPECT_EQ(RenderPersonalization(R"({{ contact.city|default("x", true) }})", kValues), "x");
  // The default is template text: inserted as written.
  EXPECT_EQ(RenderPersonalization(R"({{ contact.x|default("<i>you</i>") }})", kValues),
            "<i>you</i>");
  EXPECT_EQ(RenderPersonalization(R"({{ contact.x|default("a \"quoted\" }} b") }})", kValues),
            "a \"quoted\" }} b");
}

TEST(Personalization, PersonalizationTokenFunction) {
  EXPECT_EQ(RenderPersonalization(R"({{ personalization_token('contact.firstname', 'there') }})",
                                  kValues),
            "Ada");
  EXPECT_EQ(RenderPersonalization(R"({{ personalization_token("contact.x", "there") }})", kValues),
            "there");
  EXPECT_EQ(RenderPersonalization(R"({{ personalization_token("contact.x") }})", kValues), "");
}

TEST(Personalization, UnknownTokensAndOtherFiltersRenderEmptyOrPlain) {
  EXPECT_EQ(RenderPersonalization("[{{ contact.nickname }}]", kValues), "[]");
  EXPECT_EQ(RenderPersonalization("[{{ unsubscribe_link }}]", kValues), "[]");
  EXPECT_EQ(RenderPersonalization("[{{ contact.firstname|upper }}]", kValues), "[Ada]");
  EXPECT_EQ(RenderPersonalization("[{{ contact.company|truncate(3) }}]", kValues),
            "[&lt;Analytical &amp; Co&gt;]");
}

TEST(Personalization, MalformedExpressionsRenderEmpty) {
  for (const char* text : {"[{{ }}]", "[{{ 1 + 2 }}]", "[{{ contact. }}]", "[{{ contact.x | }}]",
                           "[{{ contact.x|default( }}]", "[{{ contact.firstname contact }}]",
                           "[{{ personalization_token() }}]"}) {
    EXPECT_EQ(RenderPersonalization(text, kValues), "[]") << text;
  }
}

TEST(Personalization, UnclosedTokenIsCopiedAsText) {
  EXPECT_EQ(RenderPersonalization("Hi {{ contact.firstname", kValues), "Hi {{ contact.firstname");
  EXPECT_EQ(RenderPersonalization("{{ contact.firstname }} and {{ oops", kValues),
            "Ada and {{ oops");
  EXPECT_EQ(RenderPersonalization("{% if x %}{# c #}", kValues), "{% if x %}{# c #}");
}

TEST(Personalization, TokenNamesInFirstUseOrder) {
  EXPECT_EQ(PersonalizationTokenNames(
                "{{ contact.lastname }} {{contact.firstname|default('x')}} {{ contact.lastname }} "
                "{{ personalization_token('company.name') }} {{ bad expr }}"),
            (std::vector<std::string>{"contact.lastname", "contact.firstname", "company.name"}));
  EXPECT_TRUE(PersonalizationTokenNames("no tokens").empty());
}

TEST(Personalization, LargeInputIsLinear) {
  std::string text;
  for (int i = 0; i < 20000; ++i) text += "<p>{{ contact.firstname }}</p>";
  std::string out = RenderPersonalization(text, kValues);
  EXPECT_EQ(out.size(), size_t{20000} * std::string("<p>Ada</p>").size());
  std::string opens(100000, '{');
  EXPECT_EQ(RenderPersonalization(opens, kValues), opens);
}

}  // namespace
}  // namespace flowd::crm
