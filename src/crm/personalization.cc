#include "crm/personalization.h"

#include <algorithm>
#include <optional>

namespace flowd::crm {
namespace {

bool IsIdentStart(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool IsIdentChar(char c) { return IsIdentStart(c) || (c >= '0' && c <= '9'); }

// One `{{ … }}` expression: the value's name and the default to use when it is missing.
struct Token {
  std::string name;
  std::optional<std::string> default_value;
};

// A recursive-descent reader of the expression grammar in the header. Every method leaves the
// position after what it read, or fails.
class ExprParser {
 public:
  explicit ExprParser(std::string_view s) : s_(s) {}

  std::optional<Token> Parse() {
    Token t;
    SkipSpace();
    if (!ReadPath(t.name)) return std::nullopt;
    SkipSpace();
    if (t.name == "personalization_token") {
      std::vector<std::optional<std::string>> args;
      if (!ReadArgs(args) || args.empty() || !args[0]) return std::nullopt;
      t.name = *args[0];
      if (args.size() > 1) t.default_value = args[1];
    }
    while (true) {
      SkipSpace();
      if (pos_ == s_.size()) return t;
      if (!Eat('|')) return std::nullopt;
      SkipSpace();
      std::string filter;
      if (!ReadIdent(filter)) return std::nullopt;
      SkipSpace();
      std::vector<std::optional<std::string>> args;
      if (pos_ < s_.size() && s_[pos_] == '(' && !ReadArgs(args)) return std::nullopt;
      if (filter == "default" && !args.empty() && args[0]) t.default_value = args[0];
    }
  }

 private:
  void SkipSpace() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Eat(char c) {
    if (pos_ < s_.size() && s_[pos_] == c) {
      ++pos_;
      return true;
    }
    return false;
  }

  bool ReadIdent(std::string& out) {
    if (pos_ >= s_.size() || !IsIdentStart(s_[pos_])) return false;
    size_t start = pos_;
    while (pos_ < s_.size() && IsIdentChar(s_[pos_])) ++pos_;
    out.assign(s_.substr(start, pos_ - start));
    return true;
  }

  // ident ('.' ident)*
  bool ReadPath(std::string& out) {
    if (!ReadIdent(out)) return false;
    while (pos_ < s_.size() && s_[pos_] == '.') {
      ++pos_;
      std::string part;
      if (!ReadIdent(part)) return false;
      out += '.';
      out += part;
    }
    return true;
  }

  // '…' or "…" with backslash escapes.
  bool ReadString(std::string& out) {
    if (pos_ >= s_.size() || (s_[pos_] != '"' && s_[pos_] != '\'')) return false;
    char quote = s_[pos_++];
    out.clear();
    while (pos_ < s_.size()) {
      char c = s_[pos_++];
      if (c == quote) return true;
      if (c == '\\' && pos_ < s_.size()) c = s_[pos_++];
      out += c;
    }
    return false;
  }

  // A literal argument: a string (its text), or a bare word or number (nullopt: not a string).
  bool ReadLiteral(std::optional<std::string>& out) {
    std::string text;
    if (ReadString(text)) {
      out = std::move(text);
      return true;
    }
    size_t start = pos_;
    while (pos_ < s_.size() && (IsIdentChar(s_[pos_]) || s_[pos_] == '.' || s_[pos_] == '-')) {
      ++pos_;
    }
    out.reset();
    return pos_ > start;
  }

  // '(' [literal (',' literal)*] ')'
  bool ReadArgs(std::vector<std::optional<std::string>>& args) {
    if (!Eat('(')) return false;
    SkipSpace();
    if (Eat(')')) return true;
    while (true) {
      SkipSpace();
      std::optional<std::string> arg;
      if (!ReadLiteral(arg)) return false;
      args.push_back(std::move(arg));
      SkipSpace();
      if (Eat(')')) return true;
      if (!Eat(',')) return false;
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// The end of the `{{` expression starting at `open` (the index of the closing "}}"), skipping
// quoted strings; npos when it is not closed.
size_t FindClose(std::string_view text, size_t open) {
  char quote = 0;
  for (size_t i = open + 2; i < text.size(); ++i) {
    char c = text[i];
    if (quote) {
      if (c == '\\') {
        ++i;
      } else if (c == quote) {
        quote = 0;
      }
    } else if (c == '"' || c == '\'') {
      quote = c;
    } else if (c == '}' && i + 1 < text.size() && text[i + 1] == '}') {
      return i;
    }
  }
  return std::string_view::npos;
}

// Calls `on_text(text)` for literal runs and `on_token(token or nullopt)` for each expression.
template <typename OnText, typename OnToken>
void Scan(std::string_view text, OnText on_text, OnToken on_token) {
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) break;
    size_t close = FindClose(text, open);
    if (close == std::string_view::npos) break;
    on_text(text.substr(pos, open - pos));
    on_token(ExprParser(text.substr(open + 2, close - open - 2)).Parse());
    pos = close + 2;
  }
  on_text(text.substr(pos));
}

}  // namespace

std::string EscapeHtml(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string RenderPersonalization(std::string_view text, const TemplateValues& values,
                                  ValueEscaping escaping) {
  std::string out;
  out.reserve(text.size());
  Scan(
      text, [&](std::string_view literal) { out += literal; },
      [&](const std::optional<Token>& token) {
        if (!token) return;
        auto it = values.find(token->name);
        if (it != values.end() && !it->second.empty()) {
          out += escaping == ValueEscaping::kHtml ? EscapeHtml(it->second) : it->second;
        } else if (token->default_value) {
          out += *token->default_value;
        }
      });
  return out;
}

std::vector<std::string> PersonalizationTokenNames(std::string_view text) {
  std::vector<std::string> names;
  Scan(
      text, [](std::string_view) {},
      [&](const std::optional<Token>& token) {
        if (token && std::find(names.begin(), names.end(), token->name) == names.end()) {
          names.push_back(token->name);
        }
      });
  return names;
}

}  // namespace flowd::crm
