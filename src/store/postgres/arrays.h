// PostgreSQL array literals ('{…}') for statements that take a column of values as one
// parameter (`unnest($1::bigint[], $2::text[])`, `id = ANY($1::bigint[])`), so that a batch of
// rows is one statement whatever its size. The literal travels as a parameter like any other
// value: nothing of it is spliced into SQL text.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace flowd::store::postgres {

class ArrayLiteral {
 public:
  ArrayLiteral& Add(int64_t value) {
    Separate();
    text_ += std::to_string(value);
    return *this;
  }
  ArrayLiteral& Add(bool value) {
    Separate();
    text_ += value ? 't' : 'f';
    return *this;
  }
  // Text elements are always quoted; `"` and `\` are escaped.
  ArrayLiteral& Add(std::string_view value) {
    Separate();
    text_ += '"';
    for (char c : value) {
      if (c == '"' || c == '\\') text_ += '\\';
      text_ += c;
    }
    text_ += '"';
    return *this;
  }
  ArrayLiteral& Add(const std::string& value) { return Add(std::string_view(value)); }
  ArrayLiteral& AddNull() {
    Separate();
    text_ += "NULL";
    return *this;
  }
  ArrayLiteral& AddOpt(const std::optional<std::string>& value) {
    return value ? Add(std::string_view(*value)) : AddNull();
  }
  ArrayLiteral& AddOpt(const std::optional<int64_t>& value) {
    return value ? Add(*value) : AddNull();
  }
  size_t size() const { return size_; }
  // The literal, e.g. {1,2} or {"a","b\"c",NULL}.
  std::string str() const { return text_ + '}'; }

 private:
  void Separate() {
    if (size_++ > 0) text_ += ',';
  }
  std::string text_ = "{";
  size_t size_ = 0;
};

}  // namespace flowd::store::postgres
