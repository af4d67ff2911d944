#include "common/json.h"

#include <boost/json/basic_parser_impl.hpp>
#include <boost/json/parser.hpp>
#include <string>
#include <unordered_set>
#include <vector>

namespace flowd {
namespace {

// SAX pass that finds duplicate keys and excessive depth. Boost.JSON's DOM parser keeps the last
// of duplicate keys silently; a request that says two things at once is refused instead.
struct DuplicateKeyHandler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  std::vector<std::unordered_set<std::string>> object_keys;
  std::string key;
  std::string duplicate;
  size_t depth = 0;
  size_t max_depth = 64;
  bool too_deep = false;

  bool enter() {
    if (++depth > max_depth) {
      too_deep = true;
      return false;
    }
    return true;
  }
  bool on_document_begin(boost::system::error_code&) { return true; }
  bool on_document_end(boost::system::error_code&) { return true; }
  bool on_array_begin(boost::system::error_code& ec) {
    if (!enter()) ec = boost::json::error::too_deep;
    return !too_deep;
  }
  bool on_array_end(std::size_t, boost::system::error_code&) {
    --depth;
    return true;
  }
  bool on_object_begin(boost::system::error_code& ec) {
    if (!enter()) {
      ec = boost::json::error::too_deep;
      return false;
    }
    object_keys.emplace_back();
    return true;
  }
  bool on_object_end(std::size_t, boost::system::error_code&) {
    --depth;
    object_keys.pop_back();
    return true;
  }
  bool on_string_part(std::string_view, std::size_t, boost::system::error_code&) { return true; }
  bool on_string(std::string_view, std::size_t, boost::system::error_code&) { return true; }
  bool on_key_part(std::string_view s, std::size_t, boost::system::error_code&) {
    key.append(s);
    return true;
  }
  bool on_key(std::string_view s, std::size_t, boost::system::error_code& ec) {
    key.append(s);
    if (!object_keys.back().insert(key).second) {
      duplicate = key;
      ec = boost::json::error::syntax;
      return false;
    }
    key.clear();
    return true;
  }
  bool on_number_part(std::string_view, boost::system::error_code&) { return true; }
  bool on_int64(std::int64_t, std::string_view, boost::system::error_code&) { return true; }
  bool on_uint64(std::uint64_t, std::string_view, boost::system::error_code&) { return true; }
  bool on_double(double, std::string_view, boost::system::error_code&) { return true; }
  bool on_bool(bool, boost::system::error_code&) { return true; }
  bool on_null(boost::system::error_code&) { return true; }
  bool on_comment_part(std::string_view, boost::system::error_code&) { return true; }
  bool on_comment(std::string_view, boost::system::error_code&) { return true; }
};

std::string Position(std::string_view text, size_t offset) {
  size_t line = 1, col = 1;
  for (size_t i = 0; i < offset && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      col = 1;
    } else {
      ++col;
    }
  }
  return "line " + std::to_string(line) + ", column " + std::to_string(col);
}

}  // namespace

Result<boost::json::value> ParseJsonStrict(std::string_view text, const JsonLimits& limits) {
  boost::json::parse_options opts;
  opts.max_depth = limits.max_depth + 1;  // the SAX pass reports depth with a better message
  boost::json::basic_parser<DuplicateKeyHandler> sax(opts);
  sax.handler().max_depth = limits.max_depth;
  boost::system::error_code ec;
  size_t n = sax.write_some(false, text.data(), text.size(), ec);
  if (!ec && n < text.size()) ec = boost::json::error::extra_data;
  if (ec) {
    const auto& h = sax.handler();
    std::string where = Position(text, n);
    if (!h.duplicate.empty()) {
      return Error::Invalid("Invalid input JSON on " + where + ": duplicate key \"" + h.duplicate +
                            "\"");
    }
    if (h.too_deep) {
      return Error::Invalid("Invalid input JSON on " + where + ": nesting deeper than " +
                            std::to_string(limits.max_depth) + " levels");
    }
    return Error::Invalid("Invalid input JSON on " + where + ": " + ec.message());
  }
  boost::json::parser p({}, opts);
  p.write(text.data(), text.size(), ec);
  if (ec) return Error::Invalid("Invalid input JSON: " + ec.message());
  return p.release();
}

}  // namespace flowd
