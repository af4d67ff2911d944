// ArchiveSchema refuses while the type has live records in crm_objects (migration 2's table,
// written by the object store). The object store is not needed: the record rows are inserted
// with SQLite directly, into the same database file.
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

#include "store/store.h"

namespace flowd::store {
namespace {

namespace fs = std::filesystem;

TEST(SchemaRecords, ArchiveWaitsUntilTheTypeHasNoLiveRecords) {
  static std::atomic<int> counter{0};
  const fs::path dir =
      fs::temp_directory_path() /
      ("flowd-schema-records-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
  fs::remove_all(dir);
  fs::create_directories(dir);
  const std::string file = (dir / "flowd.db").string();
  {
    auto opened = Store::Open("sqlite:" + file);
    ASSERT_TRUE(opened.ok()) << opened.error().message;
    std::unique_ptr<Store> store = std::move(opened).value();
    ASSERT_TRUE(store->Migrate().ok());
    auto account = store->accounts().CreateAccount("A", 1);
    ASSERT_TRUE(account.ok());
    ObjectSchemaRecord s;
    s.name = "cars";
    s.singular_label = "Car";
    s.plural_label = "Cars";
    auto schema = store->properties().CreateSchema(account->id, s, {}, {}, 1);
    ASSERT_TRUE(schema.ok()) << schema.error().message;

    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(file.c_str(), &db), SQLITE_OK);
    auto exec = [&](const std::string& sql) {
      char* err = nullptr;
      EXPECT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err), SQLITE_OK)
          << (err ? err : "");
      sqlite3_free(err);
    };
    const std::string type = schema->object_type_id();
    // A live record of another account's type with the same id does not count.
    exec(
        "INSERT INTO crm_objects (account_id, object_type_id, created_at_ms, updated_at_ms) "
        "VALUES (" +
        std::to_string(account->id + 1) + ", '" + type + "', 1, 1)");
    exec(
        "INSERT INTO crm_objects (account_id, object_type_id, created_at_ms, updated_at_ms) "
        "VALUES (" +
        std::to_string(account->id) + ", '" + type + "', 1, 1)");
    Status refused = store->properties().ArchiveSchema(account->id, schema->id, 2);
    ASSERT_FALSE(refused.ok());
    EXPECT_EQ(refused.error().code, ErrorCode::kConflict);
    exec("UPDATE crm_objects SET archived_at_ms = 2 WHERE account_id = " +
         std::to_string(account->id));
    sqlite3_close(db);
    EXPECT_TRUE(store->properties().ArchiveSchema(account->id, schema->id, 3).ok());
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
}

}  // namespace
}  // namespace flowd::store
