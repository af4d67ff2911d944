// The store conformance fixture: every *_test.cc here tests part of the Store contract
// (src/store/*.h), written once and run against every backend.
//
// Backends are value parameters (Backends(), conformance.cc). Each test gets a fresh, migrated
// store in its own temporary directory. A test file derives its own suite from
// StoreConformanceTest and instantiates it with FLOWD_INSTANTIATE_CONFORMANCE(SuiteName).
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <barrier>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <limits>
#include <ostream>
#include <random>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "store/store.h"

namespace flowd::store {

namespace fs = std::filesystem;

#define ASSERT_OK(expr)                                               \
  do {                                                                \
    auto&& assert_ok_tmp = (expr);                                    \
    ASSERT_TRUE(assert_ok_tmp.ok()) << assert_ok_tmp.error().message; \
  } while (0)

#define ASSERT_OK_AND_ASSIGN(decl, expr) \
  ASSERT_OK_AND_ASSIGN_IMPL(FLOWD_CONCAT(assert_tmp_, __LINE__), decl, expr)
#define ASSERT_OK_AND_ASSIGN_IMPL(tmp, decl, expr) \
  auto tmp = (expr);                               \
  ASSERT_TRUE(tmp.ok()) << tmp.error().message;    \
  decl = std::move(tmp).value()

#define EXPECT_ERROR_CODE(expr, expected_code)                                                 \
  do {                                                                                         \
    auto&& expect_err_tmp = (expr);                                                            \
    if (expect_err_tmp.ok()) {                                                                 \
      ADD_FAILURE() << #expr " succeeded; expected an error";                                  \
    } else {                                                                                   \
      EXPECT_EQ(expect_err_tmp.error().code, expected_code) << expect_err_tmp.error().message; \
    }                                                                                          \
  } while (0)

constexpr int64_t kT0 = 1'700'000'000'000;  // a fixed "now"; stores never read the clock

struct Backend {
  std::string name;
  bool persistent;  // survives closing and reopening (PersistsAcrossReopen)
  // Opens the store kept in `dir` (a fresh directory per test, the same one on reopen).
  std::function<Result<std::unique_ptr<Store>>(const fs::path& dir)> open;
  // When set, the backend needs this environment variable (read when each test starts, not when
  // ctest lists the tests) and its tests are skipped without it.
  const char* needs_env = nullptr;
  // Several stores opened on it (several processes) share it, and each is told of the others'
  // changes (Store::SetChangeListener).
  bool shared = false;
};

// gtest prints parameters in test listings (and ctest shows them); the name is enough.
inline void PrintTo(const Backend& backend, std::ostream* os) { *os << backend.name; }

class StoreConformanceTest : public ::testing::TestWithParam<Backend> {
 protected:
  void SetUp() override {
    if (const char* env = GetParam().needs_env; env != nullptr) {
      const char* value = std::getenv(env);
      if (value == nullptr || *value == '\0')
        GTEST_SKIP() << "set " << env << " to run this backend";
    }
    static std::atomic<int> counter{0};
    dir_ = fs::temp_directory_path() /
           ("flowd-store-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    Open();
    ASSERT_TRUE(store_);
    ASSERT_OK_AND_ASSIGN(int version, store_->SchemaVersion());
    EXPECT_EQ(version, 0) << "a new store starts unmigrated";
    ASSERT_OK(store_->Migrate());
    ASSERT_OK_AND_ASSIGN(a_, store_->accounts().CreateAccount("Account A", kT0));
    ASSERT_OK_AND_ASSIGN(b_, store_->accounts().CreateAccount("Account B", kT0));
  }

  void TearDown() override {
    store_.reset();
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  void Open() {
    auto opened = GetParam().open(dir_);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    store_ = std::move(opened).value();
  }

  static FlowWrite Write(std::string name, std::vector<std::string> email_content_ids = {},
                         std::optional<std::string> uuid = std::nullopt) {
    FlowWrite w;
    w.uuid = std::move(uuid);
    w.name = name;
    w.is_enabled = false;
    w.flow_type = "WORKFLOW";
    w.object_type_id = "0-1";
    w.content_json = R"({"type":"CONTACT_FLOW","actions":[],"name":")" + name + R"("})";
    w.email_content_ids = std::move(email_content_ids);
    return w;
  }

  FlowStore& flows() { return store_->flows(); }

  fs::path dir_;
  std::unique_ptr<Store> store_;
  Account a_, b_;
};

std::vector<Backend> Backends();
std::string BackendName(const ::testing::TestParamInfo<Backend>& info);

#define FLOWD_INSTANTIATE_CONFORMANCE(suite) \
  INSTANTIATE_TEST_SUITE_P(Backends, suite, ::testing::ValuesIn(Backends()), BackendName)

}  // namespace flowd::store
