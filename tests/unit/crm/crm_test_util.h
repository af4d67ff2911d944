// Shared fixture pieces of the crm unit tests: an in-memory store with two accounts, a fake
// clock, and JSON/assertion helpers.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <memory>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "store/store.h"

namespace flowd::crm::testing {

#define CRM_ASSERT_OK(expr)                                                   \
  do {                                                                        \
    auto&& crm_assert_ok_tmp = (expr);                                        \
    ASSERT_TRUE(crm_assert_ok_tmp.ok()) << crm_assert_ok_tmp.error().message; \
  } while (0)

#define CRM_ASSERT_OK_AND_ASSIGN(decl, expr) \
  CRM_ASSERT_OK_AND_ASSIGN_IMPL(FLOWD_CONCAT(crm_tmp_, __LINE__), decl, expr)
#define CRM_ASSERT_OK_AND_ASSIGN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                                   \
  ASSERT_TRUE(tmp.ok()) << tmp.error().message;        \
  decl = std::move(tmp).value()

// The error code of a failed Result/Status (kInternal… when it succeeded: the comparison fails).
template <typename R>
ErrorCode CodeOf(const R& r) {
  return r.ok() ? static_cast<ErrorCode>(-1) : r.error().code;
}

inline boost::json::value Json(std::string_view text) { return boost::json::parse(text); }

class CrmStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto opened = store::Store::Open("sqlite::memory:");
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
    ASSERT_TRUE(store_->Migrate().ok());
    auto a = store_->accounts().CreateAccount("A", clock_.NowMs());
    auto b = store_->accounts().CreateAccount("B", clock_.NowMs());
    ASSERT_TRUE(a.ok() && b.ok());
    a_ = a->id;
    b_ = b->id;
  }

  FakeClock clock_{1'700'000'000'000};
  std::unique_ptr<store::Store> store_;
  int64_t a_ = 0;
  int64_t b_ = 0;
};

}  // namespace flowd::crm::testing
