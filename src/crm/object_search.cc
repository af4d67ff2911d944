#include "crm/object_search.h"

#include <algorithm>
#include <cctype>
#include <set>
#include <unordered_set>

#include "common/text.h"

namespace flowd::crm {
namespace {

constexpr size_t kScanPage = 1000;
// Beyond this many index candidates a group is cheaper to scan.
constexpr size_t kMaxCandidates = 200000;

// `pattern` with '*' wildcards against `text` (both lower-case).
bool Glob(std::string_view pattern, std::string_view text) {
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == text[t])) {
      ++p, ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

std::vector<std::string> Tokens(std::string_view text) {
  std::vector<std::string> out;
  std::string cur;
  for (char ch : text) {
    if (std::isalnum(static_cast<unsigned char>(ch))) {
      cur += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    } else if (!cur.empty()) {
      out.push_back(std::move(cur));
      cur.clear();
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

bool ContainsToken(std::string_view value, std::string_view wanted) {
  const std::string pattern = AsciiLower(wanted);
  if (Glob(pattern, AsciiLower(value))) return true;
  for (const auto& tok : Tokens(value)) {
    if (Glob(pattern, tok)) return true;
  }
  return false;
}

// A filter made ready to evaluate: the property and the comparison form of its values.
struct Compiled {
  SearchFilter f;
  const store::PropertyRecord* p = nullptr;
  bool numeric = false;
  std::optional<double> num, high;
  std::vector<std::string> set;  // IN / NOT_IN, EQ
  std::vector<double> num_set;   // `set` as numbers, for numeric properties
};

bool IsCheckbox(const store::PropertyRecord* p) {
  return p && p->type == "enumeration" && p->field_type == "checkbox";
}

std::vector<std::string> SplitOptions(const std::string& v) {
  std::vector<std::string> out;
  size_t i = 0;
  while (i <= v.size()) {
    size_t j = v.find(';', i);
    if (j == std::string::npos) j = v.size();
    if (j > i) out.push_back(v.substr(i, j - i));
    i = j + 1;
  }
  return out;
}

int Compare(const Compiled& c, const std::string& stored, const std::string& wanted,
            std::optional<double> wanted_num) {
  if (c.numeric) {
    auto v = NumericValue(*c.p, stored);
    if (!v || !wanted_num) return stored.compare(wanted) < 0 ? -1 : 1;
    return *v < *wanted_num ? -1 : (*v > *wanted_num ? 1 : 0);
  }
  int r = stored.compare(wanted);
  return r < 0 ? -1 : (r > 0 ? 1 : 0);
}

bool InSet(const Compiled& c, const std::string& v) {
  if (IsCheckbox(c.p)) {
    for (const auto& opt : SplitOptions(v)) {
      if (std::find(c.set.begin(), c.set.end(), opt) != c.set.end()) return true;
    }
    return false;
  }
  if (c.numeric) {
    auto x = NumericValue(*c.p, v);
    return x && std::find(c.num_set.begin(), c.num_set.end(), *x) != c.num_set.end();
  }
  return std::find(c.set.begin(), c.set.end(), v) != c.set.end();
}

bool Matches(const Compiled& c, const store::ObjectRecord& r) {
  auto it = r.properties.find(StoredPropertyName(c.f.property));
  const std::string empty;
  const std::string& v = it == r.properties.end() ? empty : it->second;
  const std::string& op = c.f.op;
  if (op == "HAS_PROPERTY") return !v.empty();
  if (op == "NOT_HAS_PROPERTY") return v.empty();
  if (op == "NEQ") return v.empty() || !InSet(c, v);
  if (op == "NOT_IN") return v.empty() || !InSet(c, v);
  if (op == "NOT_CONTAINS_TOKEN") return v.empty() || !ContainsToken(v, *c.f.value);
  if (v.empty()) return false;
  if (op == "EQ" || op == "IN") return InSet(c, v);
  if (op == "CONTAINS_TOKEN") return ContainsToken(v, *c.f.value);
  const std::string& w = *c.f.value;
  if (op == "LT") return Compare(c, v, w, c.num) < 0;
  if (op == "LTE") return Compare(c, v, w, c.num) <= 0;
  if (op == "GT") return Compare(c, v, w, c.num) > 0;
  if (op == "GTE") return Compare(c, v, w, c.num) >= 0;
  if (op == "BETWEEN") {
    return Compare(c, v, w, c.num) >= 0 && Compare(c, v, *c.f.high_value, c.high) <= 0;
  }
  return false;
}

const std::set<std::string>& KnownOps() {
  static const std::set<std::string> kOps = {"EQ",
                                             "NEQ",
                                             "LT",
                                             "LTE",
                                             "GT",
                                             "GTE",
                                             "BETWEEN",
                                             "IN",
                                             "NOT_IN",
                                             "HAS_PROPERTY",
                                             "NOT_HAS_PROPERTY",
                                             "CONTAINS_TOKEN",
                                             "NOT_CONTAINS_TOKEN"};
  return kOps;
}

// Properties the free-text query looks in.
std::vector<std::string> QueryProperties(const ObjectTypeInfo& t) {
  if (t.id == "0-1") return {"firstname", "lastname", "email", "phone", "company"};
  if (t.id == "0-2") return {"name", "domain", "website", "phone"};
  if (t.id == "0-3") return {"dealname"};
  if (t.id == "0-5") return {"subject", "content"};
  if (t.id == "0-27") return {"hs_task_subject", "hs_task_body"};
  if (t.id == "0-46") return {"hs_note_body"};
  return {t.primary_display_property};
}

bool MatchesQuery(const std::vector<std::string>& terms, const std::vector<std::string>& props,
                  const store::ObjectRecord& r) {
  for (const auto& term : terms) {
    bool found = false;
    for (const auto& p : props) {
      auto it = r.properties.find(p);
      if (it != r.properties.end() && AsciiLower(it->second).find(term) != std::string::npos) {
        found = true;
        break;
      }
    }
    if (!found) return false;
  }
  return true;
}

}  // namespace

Result<SearchResult> Search(ObjectService& service, const Caller& c, const ObjectTypeInfo& t,
                            const SearchRequest& req) {
  FLOWD_ASSIGN_OR_RETURN(auto props, service.Properties(c.account_id, t));
  std::vector<ErrorDetail> problems;
  auto problem = [&](std::string msg, std::string in, std::string code) {
    problems.push_back(ErrorDetail{std::move(msg), std::move(in), std::move(code), {}});
  };
  if (req.limit < 1 || req.limit > kMaxSearchLimit) {
    problem("limit must be between 1 and " + std::to_string(kMaxSearchLimit), "limit",
            "INVALID_LIMIT");
  }
  if (req.after < 0 || req.after + static_cast<int64_t>(req.limit) > kMaxSearchResults) {
    problem("Paging past " + std::to_string(kMaxSearchResults) + " results is not supported",
            "after", "INVALID_AFTER");
  }
  if (req.query.size() > kMaxSearchQuery) {
    problem("query is longer than " + std::to_string(kMaxSearchQuery) + " characters", "query",
            "QUERY_TOO_LONG");
  }
  if (req.groups.size() > kMaxSearchGroups) {
    problem("At most " + std::to_string(kMaxSearchGroups) + " filterGroups are allowed",
            "filterGroups", "TOO_MANY_FILTER_GROUPS");
  }
  if (req.sorts.size() > 1) problem("At most one sort is allowed", "sorts", "TOO_MANY_SORTS");
  std::set<std::string> missing_scopes;
  auto check_readable = [&](const store::PropertyRecord& p) {
    Status s = service.CheckReadable(c, t, p);
    if (!s.ok()) {
      for (const auto& d : s.error().details) {
        for (const auto& [k, v] : d.context) missing_scopes.insert(v.begin(), v.end());
      }
    }
  };
  size_t total_filters = 0;
  std::vector<std::vector<Compiled>> groups;
  for (size_t g = 0; g < req.groups.size(); ++g) {
    const auto& group = req.groups[g];
    total_filters += group.size();
    if (group.size() > kMaxFiltersPerGroup) {
      problem("At most " + std::to_string(kMaxFiltersPerGroup) + " filters per group are allowed",
              "filterGroups[" + std::to_string(g) + "].filters", "TOO_MANY_FILTERS");
    }
    std::vector<Compiled> compiled;
    for (size_t i = 0; i < group.size(); ++i) {
      const std::string in =
          "filterGroups[" + std::to_string(g) + "].filters[" + std::to_string(i) + "]";
      Compiled cf;
      cf.f = group[i];
      cf.p = props->Find(StoredPropertyName(cf.f.property));
      if (cf.p == nullptr) {
        problem("There was a problem with the request: property " + cf.f.property.substr(0, 100) +
                    " does not exist",
                in + ".propertyName", "PROPERTY_DOESNT_EXIST");
        continue;
      }
      check_readable(*cf.p);
      if (!KnownOps().count(cf.f.op)) {
        problem("Unknown operator " + cf.f.op.substr(0, 50), in + ".operator", "INVALID_OPERATOR");
        continue;
      }
      const std::string& op = cf.f.op;
      const bool needs_value =
          op != "HAS_PROPERTY" && op != "NOT_HAS_PROPERTY" && op != "IN" && op != "NOT_IN";
      if (needs_value && !cf.f.value) {
        problem("Operator " + op + " needs a value", in + ".value", "MISSING_VALUE");
        continue;
      }
      if (op == "BETWEEN" && !cf.f.high_value) {
        problem("Operator BETWEEN needs a highValue", in + ".highValue", "MISSING_VALUE");
        continue;
      }
      if ((op == "IN" || op == "NOT_IN") && cf.f.values.empty()) {
        problem("Operator " + op + " needs values", in + ".values", "MISSING_VALUE");
        continue;
      }
      const bool lower_email = t.id == "0-1" && cf.p->name == "email";
      if (lower_email) {
        if (cf.f.value) cf.f.value = AsciiLower(*cf.f.value);
        if (cf.f.high_value) cf.f.high_value = AsciiLower(*cf.f.high_value);
        for (auto& v : cf.f.values) v = AsciiLower(v);
      }
      cf.numeric = cf.p->type == "number" || cf.p->type == "date" || cf.p->type == "datetime";
      if (cf.numeric && op != "CONTAINS_TOKEN" && op != "NOT_CONTAINS_TOKEN") {
        // Filter values of dates may be epoch milliseconds, a date or an ISO date-time.
        auto num = [&](const std::string& s) { return NumericValue(*cf.p, s); };
        bool bad = false;
        if (cf.f.value) {
          cf.num = num(*cf.f.value);
          bad = bad || !cf.num;
        }
        if (cf.f.high_value) {
          cf.high = num(*cf.f.high_value);
          bad = bad || !cf.high;
        }
        for (const auto& v : cf.f.values) bad = bad || !num(v);
        if (bad) {
          problem("Value of " + cf.f.property + " is not a valid " + cf.p->type, in + ".value",
                  "INVALID_VALUE");
          continue;
        }
      }
      if (op == "EQ" || op == "NEQ") cf.set = {*cf.f.value};
      if (op == "IN" || op == "NOT_IN") cf.set = cf.f.values;
      if (cf.numeric) {
        for (const auto& v : cf.set) {
          if (auto n = NumericValue(*cf.p, v)) cf.num_set.push_back(*n);
        }
      }
      if (cf.p->type == "bool") {
        for (auto& v : cf.set) v = AsciiLower(v);
      }
      compiled.push_back(std::move(cf));
    }
    groups.push_back(std::move(compiled));
  }
  if (total_filters > kMaxSearchFilters) {
    problem("At most " + std::to_string(kMaxSearchFilters) + " filters are allowed in total",
            "filterGroups", "TOO_MANY_FILTERS");
  }
  std::optional<SearchSort> sort;
  const store::PropertyRecord* sort_prop = nullptr;
  if (!req.sorts.empty()) {
    sort = req.sorts.front();
    sort_prop = props->Find(StoredPropertyName(sort->property));
    if (sort_prop == nullptr) {
      problem("Cannot sort by unknown property " + sort->property.substr(0, 100), "sorts[0]",
              "PROPERTY_DOESNT_EXIST");
    } else {
      check_readable(*sort_prop);
    }
  }
  if (!missing_scopes.empty())
    return Error::MissingScopes({missing_scopes.begin(), missing_scopes.end()});
  if (!problems.empty()) {
    return Error::InvalidList(std::move(problems));
  }

  store::ObjectStore& objects = service.objects();
  // Candidates from the index when every group has an equality; otherwise a scan.
  std::optional<std::vector<int64_t>> candidates;
  if (!groups.empty()) {
    std::set<int64_t> ids;
    bool all_indexed = true;
    for (const auto& g : groups) {
      const Compiled* best = nullptr;
      for (const auto& cf : g) {
        if ((cf.f.op == "EQ" || cf.f.op == "IN") && !IsCheckbox(cf.p) && !cf.numeric &&
            cf.p->type != "bool") {
          best = &cf;
          break;
        }
      }
      if (best == nullptr) {
        all_indexed = false;
        break;
      }
      FLOWD_ASSIGN_OR_RETURN(auto found, objects.FindByValues(c.account_id, t.id, best->p->name,
                                                              best->set, kMaxCandidates + 1));
      if (found.size() > kMaxCandidates) {
        all_indexed = false;
        break;
      }
      ids.insert(found.begin(), found.end());
    }
    if (all_indexed) candidates = std::vector<int64_t>(ids.begin(), ids.end());
  }

  std::vector<std::string> terms;
  {
    std::string q = AsciiLower(req.query);
    size_t i = 0;
    while (i < q.size()) {
      while (i < q.size() && std::isspace(static_cast<unsigned char>(q[i]))) ++i;
      size_t j = i;
      while (j < q.size() && !std::isspace(static_cast<unsigned char>(q[j]))) ++j;
      if (j > i) terms.push_back(q.substr(i, j - i));
      i = j;
    }
  }
  const std::vector<std::string> query_props = QueryProperties(t);
  auto keep = [&](const store::ObjectRecord& r) {
    if (!terms.empty() && !MatchesQuery(terms, query_props, r)) return false;
    if (groups.empty()) return true;
    for (const auto& g : groups) {
      if (std::all_of(g.begin(), g.end(), [&](const Compiled& cf) { return Matches(cf, r); }))
        return true;
    }
    return false;
  };

  std::vector<store::ObjectRecord> matched;
  if (candidates) {
    for (size_t i = 0; i < candidates->size(); i += kScanPage) {
      std::vector<int64_t> chunk(candidates->begin() + static_cast<ptrdiff_t>(i),
                                 candidates->begin() + static_cast<ptrdiff_t>(std::min(
                                                           i + kScanPage, candidates->size())));
      FLOWD_ASSIGN_OR_RETURN(auto recs, objects.GetObjects(c.account_id, t.id, chunk, false));
      for (auto& r : recs) {
        if (keep(r)) matched.push_back(std::move(r));
      }
    }
  } else {
    std::optional<int64_t> after;
    do {
      FLOWD_ASSIGN_OR_RETURN(auto page,
                             objects.ListObjects(c.account_id, t.id, after, kScanPage, false));
      for (auto& r : page.objects) {
        if (keep(r)) matched.push_back(std::move(r));
      }
      after = page.next_after;
    } while (after);
  }

  // Default order: id ascending (HubSpot's default for search is by id as well).
  if (sort && sort_prop) {
    // Sort keys parsed once per record, not once per comparison.
    struct Key {
      const std::string* text = nullptr;  // null: no value (sorted last, either direction)
      std::optional<double> num;
    };
    const bool numeric =
        sort_prop->type == "number" || sort_prop->type == "date" || sort_prop->type == "datetime";
    std::vector<Key> keys(matched.size());
    for (size_t i = 0; i < matched.size(); ++i) {
      auto it = matched[i].properties.find(sort_prop->name);
      if (it == matched[i].properties.end()) continue;
      keys[i].text = &it->second;
      if (numeric) keys[i].num = NumericValue(*sort_prop, it->second);
    }
    const bool desc = sort->descending;
    std::vector<size_t> order(matched.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](size_t ia, size_t ib) {
      const Key& a = keys[ia];
      const Key& b = keys[ib];
      if ((a.text != nullptr) != (b.text != nullptr)) return a.text != nullptr;
      if (a.text == nullptr) return false;
      int r;
      if (numeric && a.num && b.num) {
        r = *a.num < *b.num ? -1 : (*a.num > *b.num ? 1 : 0);
      } else if (numeric) {
        r = a.text->compare(*b.text) < 0 ? -1 : 1;  // an unparsable value: text order
      } else {
        r = a.text->compare(*b.text);
      }
      return desc ? r > 0 : r < 0;
    });
    std::vector<store::ObjectRecord> sorted;
    sorted.reserve(matched.size());
    for (size_t i : order) sorted.push_back(std::move(matched[i]));
    matched = std::move(sorted);
  }

  SearchResult out;
  out.total = static_cast<int64_t>(matched.size());
  const size_t from = std::min(matched.size(), static_cast<size_t>(req.after));
  const size_t to = std::min(matched.size(), from + req.limit);
  std::vector<store::ObjectRecord> page(
      std::make_move_iterator(matched.begin() + static_cast<ptrdiff_t>(from)),
      std::make_move_iterator(matched.begin() + static_cast<ptrdiff_t>(to)));
  if (to < matched.size() && static_cast<int64_t>(to) < kMaxSearchResults) {
    out.next_after = static_cast<int64_t>(to);
  }
  ReadOptions read;
  read.properties = req.properties;
  FLOWD_ASSIGN_OR_RETURN(out.results, service.Views(c, t, std::move(page), read));
  return out;
}

}  // namespace flowd::crm
