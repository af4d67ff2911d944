// Personalization tokens in email subjects and HTML bodies: the subset of HubSpot's HubL that
// marketing emails use to address a recipient.
//
// Supported, inside `{{ … }}` (whitespace around the parts is free):
//   contact.firstname                          a value by its dotted name
//   contact.firstname|default("there")         the default when the value is missing or empty
//                                              (single or double quotes; HubL's second argument,
//                                              `default("x", true)`, is accepted and changes
//                                              nothing, as empty values already take it)
//   personalization_token("contact.firstname", "there")   the form HubSpot's editor inserts
// Other filters are ignored (the value is still escaped). Values are HTML-escaped; a default
// written in the template is template text and is inserted as written. (Plain-text renderings
// insert values unescaped: see ValueEscaping.) A well-formed token whose
// name has no value renders empty, and so does a malformed expression, so that template syntax
// never reaches a recipient. `{{` without a closing `}}` is copied as text. `{% … %}` statements
// and `{# … #}` comments are not interpreted (copied as text).
//
// Pure functions; thread-safe.
#pragma once

#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace flowd::crm {

// Values by dotted name: "contact.firstname" → "Ada".
using TemplateValues = std::map<std::string, std::string, std::less<>>;

// How values are inserted: HTML-escaped (HTML bodies) or as they are (subjects, plain-text
// versions, which are not HTML).
enum class ValueEscaping { kHtml, kNone };

// `text` with every token replaced (see above).
std::string RenderPersonalization(std::string_view text, const TemplateValues& values,
                                  ValueEscaping escaping = ValueEscaping::kHtml);

// The dotted names the text's tokens refer to, each once, in first-use order — what a caller
// needs to load before rendering (e.g. the contact properties of "contact.*" names).
std::vector<std::string> PersonalizationTokenNames(std::string_view text);

// &, <, >, " and ' as HTML entities.
std::string EscapeHtml(std::string_view text);

}  // namespace flowd::crm
