// Helpers shared by the crm unit tests.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <memory>
#include <string>

#include "crm/object_types.h"
#include "crm/property_value.h"
#include "store/store.h"

namespace flowd::crm::testing {

#define CRM_ASSERT_OK(expr)                                                   \
  do {                                                                        \
    auto&& crm_assert_ok_tmp = (expr);                                        \
    ASSERT_TRUE(crm_assert_ok_tmp.ok()) << crm_assert_ok_tmp.error().message; \
  } while (0)

inline boost::json::value Json(const std::string& text) { return boost::json::parse(text); }

// A fresh, migrated in-memory store with one account; its id in *account_id.
inline std::unique_ptr<store::Store> MemoryStore(int64_t* account_id) {
  auto opened = store::Store::Open("sqlite::memory:");
  EXPECT_TRUE(opened.ok());
  std::unique_ptr<store::Store> s = std::move(opened).value();
  EXPECT_TRUE(s->Migrate().ok());
  auto account = s->accounts().CreateAccount("A", 1'700'000'000'000);
  EXPECT_TRUE(account.ok());
  *account_id = account->id;
  return s;
}

// The `in` paths of an error's details, in order.
inline std::vector<std::string> Paths(const Error& e) {
  std::vector<std::string> out;
  for (const auto& d : e.details) out.push_back(d.in);
  return out;
}

// Standard types only.
class StandardTypes : public ObjectTypeResolver {
 public:
  Result<ObjectTypeInfo> Resolve(int64_t, std::string_view name_or_id) override {
    auto t = FindStandardObjectType(name_or_id);
    if (!t) return ObjectTypeNotFound(name_or_id);
    return *t;
  }
};

// A few contact and company properties, enough for forms and events.
class SmallCatalog : public PropertyCatalog {
 public:
  Result<std::shared_ptr<const PropertySet>> PropertiesOf(int64_t,
                                                          const std::string& type) override {
    auto set = std::make_shared<PropertySet>();
    auto add = [&](const char* name, const char* t, bool unique = false, bool read_only = false,
                   std::vector<std::string> options = {}) {
      store::PropertyRecord p;
      p.object_type_id = type;
      p.name = name;
      p.type = t;
      p.field_type = std::string(t) == "enumeration" ? "checkbox" : "text";
      p.has_unique_value = unique;
      p.read_only_value = read_only;
      for (auto& o : options) p.options.push_back({o, o, "", -1, false});
      set->by_name[name] = p;
    };
    if (type == "0-1") {
      add("email", "string", true);
      add("firstname", "string");
      add("lastname", "string");
      add("hubspotutk", "string");
      add("age", "number");
      add("color", "enumeration", false, false, {"red", "blue", "green"});
      add("hs_object_id", "number", false, true);
    } else if (type == "0-2") {
      add("name", "string");
      add("domain", "string");
    }
    return std::shared_ptr<const PropertySet>(set);
  }
};

}  // namespace flowd::crm::testing
