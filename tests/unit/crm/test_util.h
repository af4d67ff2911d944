// Helpers shared by the crm unit tests.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <memory>
#include <string>

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

}  // namespace flowd::crm::testing
