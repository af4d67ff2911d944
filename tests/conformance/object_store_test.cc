// The ObjectStore part of the Store contract (src/store/object_store.h).
#include <atomic>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "conformance.h"

namespace flowd::store {
namespace {

class ObjectStoreTest : public StoreConformanceTest {
 protected:
  ObjectStore& objects() { return store_->objects(); }

  static ObjectWriteOptions Unique(std::vector<std::string> names) {
    ObjectWriteOptions o;
    o.unique_properties = std::move(names);
    return o;
  }

  Result<ObjectRecord> CreateOne(int64_t account, std::vector<PropertyWrite> props,
                                 const ObjectWriteOptions& o = {}, int64_t now = kT0) {
    auto r = objects().CreateObjects(account, "0-1", {std::move(props)}, o, now);
    if (!r.ok()) return std::move(r).error();
    return std::move(r->front());
  }
};

TEST_P(ObjectStoreTest, CreateGetAndMaintainedProperties) {
  ASSERT_OK_AND_ASSIGN(auto created,
                       objects().CreateObjects(a_.id, "0-1",
                                               {{{"email", "a@x.io"}, {"firstname", "Ann"}},
                                                {{"email", "b@x.io"}, {"firstname", ""}}},
                                               {}, kT0));
  ASSERT_EQ(created.size(), 2u);
  EXPECT_LT(created[0].id, created[1].id);
  EXPECT_GT(created[0].id, 10'000'000'000);
  EXPECT_EQ(created[0].properties.at("firstname"), "Ann");
  EXPECT_EQ(created[0].properties.at("hs_object_id"), std::to_string(created[0].id));
  EXPECT_EQ(created[0].properties.at("createdate"), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(created[0].properties.at("lastmodifieddate"), "2023-11-14T22:13:20.000Z");
  EXPECT_EQ(created[1].properties.count("firstname"), 0u) << "empty values are not stored";

  ASSERT_OK_AND_ASSIGN(
      auto got,
      objects().GetObjects(a_.id, "0-1", {created[1].id, 42, created[0].id, created[1].id}, false));
  ASSERT_EQ(got.size(), 2u);
  EXPECT_EQ(got[0].id, created[1].id);
  EXPECT_EQ(got[1].properties, created[0].properties);
  // Wrong type or wrong account: not found.
  ASSERT_OK_AND_ASSIGN(auto other_type, objects().GetObjects(a_.id, "0-2", {created[0].id}, false));
  EXPECT_TRUE(other_type.empty());
  ASSERT_OK_AND_ASSIGN(auto other_acct, objects().GetObjects(b_.id, "0-1", {created[0].id}, false));
  EXPECT_TRUE(other_acct.empty());
}

TEST_P(ObjectStoreTest, MaintainedPropertiesCannotBeWritten) {
  ASSERT_OK_AND_ASSIGN(auto r, CreateOne(a_.id, {{"hs_object_id", "7"}, {"createdate", "x"}}));
  EXPECT_EQ(r.properties.at("hs_object_id"), std::to_string(r.id));
  EXPECT_NE(r.properties.at("createdate"), "x");
}

TEST_P(ObjectStoreTest, UpdateRecordsOnlyRealChangesWithHistoryAndEvents) {
  ASSERT_OK_AND_ASSIGN(auto r, CreateOne(a_.id, {{"firstname", "Ann"}, {"city", "Oslo"}}));
  ObjectWriteOptions o;
  o.source = {"WORKFLOW", "flow-1"};
  ASSERT_OK_AND_ASSIGN(
      auto up, objects().UpdateObjects(
                   a_.id, "0-1", {{r.id, {{"firstname", "Ann"}, {"city", "Rome"}, {"zip", "1"}}}},
                   o, kT0 + 1000));
  ASSERT_EQ(up.size(), 1u);
  EXPECT_EQ(up[0].properties.at("city"), "Rome");
  EXPECT_EQ(up[0].properties.at("zip"), "1");
  EXPECT_EQ(up[0].updated_at_ms, kT0 + 1000);
  // Clearing.
  ASSERT_OK(objects().UpdateObjects(a_.id, "0-1", {{r.id, {{"city", ""}}}}, {}, kT0 + 2000));
  // A write of the same values changes nothing, not even lastmodifieddate.
  ASSERT_OK_AND_ASSIGN(
      auto same, objects().UpdateObjects(a_.id, "0-1", {{r.id, {{"zip", "1"}}}}, {}, kT0 + 3000));
  EXPECT_EQ(same[0].updated_at_ms, kT0 + 2000);
  EXPECT_EQ(same[0].properties.count("city"), 0u);

  ASSERT_OK_AND_ASSIGN(auto hist,
                       objects().GetHistory(a_.id, "0-1", {r.id}, {"city", "firstname"}));
  ASSERT_EQ(hist[r.id]["city"].size(), 3u);
  EXPECT_EQ(hist[r.id]["city"][0].value, "");
  EXPECT_EQ(hist[r.id]["city"][1].value, "Rome");
  EXPECT_EQ(hist[r.id]["city"][1].source_type, "WORKFLOW");
  EXPECT_EQ(hist[r.id]["city"][1].source_id, "flow-1");
  EXPECT_EQ(hist[r.id]["city"][2].value, "Oslo");
  EXPECT_EQ(hist[r.id]["city"][2].timestamp_ms, kT0);
  EXPECT_EQ(hist[r.id]["firstname"].size(), 1u);
  EXPECT_EQ(hist[r.id].count("zip"), 0u) << "only the properties asked for";
  // Setting it again after a clear continues the versions.
  ASSERT_OK(objects().UpdateObjects(a_.id, "0-1", {{r.id, {{"city", "Oslo"}}}}, {}, kT0 + 4000));
  ASSERT_OK_AND_ASSIGN(auto all, objects().GetHistory(a_.id, "0-1", {r.id}, {}));
  EXPECT_EQ(all[r.id]["city"].size(), 4u);
  EXPECT_EQ(all[r.id]["city"][0].value, "Oslo");
  // Another account sees no history.
  ASSERT_OK_AND_ASSIGN(auto none, objects().GetHistory(b_.id, "0-1", {r.id}, {}));
  EXPECT_TRUE(none.empty());

  ASSERT_OK_AND_ASSIGN(auto events, objects().ObjectEvents(a_.id, "0-1", r.id, ""));
  ASSERT_EQ(events.size(), 5u);  // created, city, zip, city cleared, city again
  EXPECT_EQ(events[0].event_type_id, kEventObjectCreated);
  EXPECT_EQ(events[0].properties.at("city"), "Oslo");
  EXPECT_EQ(events[1].event_type_id, kEventPropertyChanged);
  EXPECT_EQ(events[1].properties.at("hs_name"), "city");
  EXPECT_EQ(events[1].properties.at("hs_value"), "Rome");
  EXPECT_EQ(events[1].properties.at("hs_previous_value"), "Oslo");
  EXPECT_EQ(events[3].properties.at("hs_value"), "");
  for (size_t i = 1; i < events.size(); ++i) EXPECT_LT(events[i - 1].seq, events[i].seq);
}

TEST_P(ObjectStoreTest, UpdateOfMissingRecordFailsWholly) {
  ASSERT_OK_AND_ASSIGN(auto r, CreateOne(a_.id, {{"city", "Oslo"}}));
  EXPECT_ERROR_CODE(objects().UpdateObjects(
                        a_.id, "0-1", {{r.id, {{"city", "Rome"}}}, {r.id + 999, {}}}, {}, kT0),
                    ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(auto got, objects().GetObjects(a_.id, "0-1", {r.id}, false));
  EXPECT_EQ(got[0].properties.at("city"), "Oslo") << "all or nothing";
  EXPECT_ERROR_CODE(objects().UpdateObjects(b_.id, "0-1", {{r.id, {{"city", "x"}}}}, {}, kT0),
                    ErrorCode::kNotFound);
}

TEST_P(ObjectStoreTest, UniqueValuesAreClaimedAndReleased) {
  const auto u = Unique({"email"});
  ASSERT_OK_AND_ASSIGN(auto a, CreateOne(a_.id, {{"email", "a@x.io"}}, u));
  auto clash = CreateOne(a_.id, {{"email", "a@x.io"}}, u);
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, ErrorCode::kConflict);
  EXPECT_NE(clash.error().message.find(std::to_string(a.id)), std::string::npos);
  // Other accounts have their own values.
  ASSERT_OK(CreateOne(b_.id, {{"email", "a@x.io"}}, u));
  // A batch clashing with itself fails as a whole.
  EXPECT_ERROR_CODE(
      objects().CreateObjects(a_.id, "0-1", {{{"email", "n@x.io"}}, {{"email", "n@x.io"}}}, u, kT0),
      ErrorCode::kConflict);
  ASSERT_OK_AND_ASSIGN(auto none, objects().FindByValues(a_.id, "0-1", "email", {"n@x.io"}, 10));
  EXPECT_TRUE(none.empty());
  // Changing the value releases the old one.
  ASSERT_OK(objects().UpdateObjects(a_.id, "0-1", {{a.id, {{"email", "a2@x.io"}}}}, u, kT0));
  ASSERT_OK_AND_ASSIGN(auto b, CreateOne(a_.id, {{"email", "a@x.io"}}, u));
  EXPECT_ERROR_CODE(objects().UpdateObjects(a_.id, "0-1", {{b.id, {{"email", "a2@x.io"}}}}, u, kT0),
                    ErrorCode::kConflict);
  // Archiving releases it too.
  ASSERT_OK(objects().ArchiveObjects(a_.id, "0-1", {a.id}, kT0));
  ASSERT_OK(CreateOne(a_.id, {{"email", "a2@x.io"}}, u));
}

// Batches larger than any one statement of a backend's (SQLite writes a create in chunks of up to
// 128 rows): every value, event and claim is there, in input order, and a clash anywhere fails
// the batch naming the first clash in input order.
TEST_P(ObjectStoreTest, LargeBatchCreatesWriteEveryValueEventAndClaim) {
  ObjectWriteOptions o = Unique({"email"});
  o.lookup_properties = {"stage"};
  ASSERT_OK_AND_ASSIGN(auto taken, CreateOne(a_.id, {{"email", "taken@x.io"}}, o));
  const std::string odd = "q\" b\\ n\n t\t c\x01 \xc3\xa9 /";
  std::vector<std::vector<PropertyWrite>> inputs;
  for (int i = 0; i < 301; ++i) {
    inputs.push_back({{"email", "m" + std::to_string(i) + "@x.io"},
                      {"note", odd + std::to_string(i)},
                      {"stage", i % 3 ? "lead" : "customer"},
                      {"empty", ""},
                      {"note", odd + std::to_string(i)}});
  }
  ASSERT_OK_AND_ASSIGN(auto first, objects().ReadEvents(0, 1000));
  const int64_t start = first.empty() ? 0 : first.back().seq;
  ASSERT_OK_AND_ASSIGN(auto created, objects().CreateObjects(a_.id, "0-1", inputs, o, kT0));
  ASSERT_EQ(created.size(), inputs.size());
  std::vector<int64_t> ids;
  for (size_t i = 0; i < created.size(); ++i) {
    if (i) {
      EXPECT_LT(created[i - 1].id, created[i].id);
    }
    EXPECT_EQ(created[i].properties.at("email"), "m" + std::to_string(i) + "@x.io");
    EXPECT_EQ(created[i].properties.count("empty"), 0u);
    ids.push_back(created[i].id);
  }
  ASSERT_OK_AND_ASSIGN(auto got, objects().GetObjects(a_.id, "0-1", ids, false));
  ASSERT_EQ(got.size(), created.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].properties, created[i].properties);
  ASSERT_OK_AND_ASSIGN(auto customers,
                       objects().FindByValues(a_.id, "0-1", "stage", {"customer"}, 1000));
  EXPECT_EQ(customers.size(), 101u);
  ASSERT_OK_AND_ASSIGN(auto by_email,
                       objects().FindByValues(a_.id, "0-1", "email", {"m300@x.io"}, 10));
  EXPECT_EQ(by_email, (std::vector<int64_t>{ids.back()}));
  ASSERT_OK_AND_ASSIGN(auto feed, objects().ReadEvents(start, 1000));
  ASSERT_EQ(feed.size(), created.size());
  for (size_t i = 0; i < feed.size(); ++i) {
    EXPECT_EQ(feed[i].event_type_id, kEventObjectCreated);
    EXPECT_EQ(feed[i].object_id, ids[i]) << "events in input order";
    EXPECT_EQ(feed[i].properties.at("note"), odd + std::to_string(i));
    EXPECT_EQ(feed[i].properties.size(), 3u);
  }

  // A value held by a live record (input 150) comes before a repeat within the batch (170).
  std::vector<std::vector<PropertyWrite>> clashing;
  for (int i = 0; i < 200; ++i) clashing.push_back({{"email", "c" + std::to_string(i) + "@x.io"}});
  clashing[150][0].value = "taken@x.io";
  clashing[170][0].value = "c20@x.io";
  auto clash = objects().CreateObjects(a_.id, "0-1", clashing, o, kT0);
  ASSERT_FALSE(clash.ok());
  EXPECT_EQ(clash.error().code, ErrorCode::kConflict);
  EXPECT_NE(clash.error().message.find("taken@x.io"), std::string::npos);
  EXPECT_NE(clash.error().message.find(std::to_string(taken.id)), std::string::npos);
  // A repeat within the batch alone is a clash as well; nothing of either batch is kept.
  clashing[150][0].value = "c150@x.io";
  EXPECT_ERROR_CODE(objects().CreateObjects(a_.id, "0-1", clashing, o, kT0), ErrorCode::kConflict);
  ASSERT_OK_AND_ASSIGN(auto none, objects().FindByValues(a_.id, "0-1", "email", {"c0@x.io"}, 10));
  EXPECT_TRUE(none.empty());
  // An archived holder does not hold its value any more.
  ASSERT_OK(objects().ArchiveObjects(a_.id, "0-1", {taken.id}, kT0));
  clashing[170][0].value = "taken@x.io";
  ASSERT_OK(objects().CreateObjects(a_.id, "0-1", clashing, o, kT0));
}

TEST_P(ObjectStoreTest, ArchiveHidesSkipsUnknownAndCascadesAssociations) {
  ASSERT_OK_AND_ASSIGN(auto c, CreateOne(a_.id, {{"email", "c@x.io"}}));
  ASSERT_OK_AND_ASSIGN(auto co,
                       objects().CreateObjects(a_.id, "0-2", {{{"name", "Acme"}}}, {}, kT0));
  // Both directions of one association, written as the association store writes them.
  // (Inserted through the archive path's own table contract: crm_associations.)
  ASSERT_OK_AND_ASSIGN(auto archived,
                       objects().ArchiveObjects(a_.id, "0-1", {c.id, c.id + 12345}, kT0 + 5));
  EXPECT_EQ(archived, std::vector<int64_t>{c.id});
  ASSERT_OK_AND_ASSIGN(auto again, objects().ArchiveObjects(a_.id, "0-1", {c.id}, kT0 + 6));
  EXPECT_TRUE(again.empty());
  ASSERT_OK_AND_ASSIGN(auto live, objects().GetObjects(a_.id, "0-1", {c.id}, false));
  EXPECT_TRUE(live.empty());
  ASSERT_OK_AND_ASSIGN(auto dead, objects().GetObjects(a_.id, "0-1", {c.id}, true));
  ASSERT_EQ(dead.size(), 1u);
  EXPECT_EQ(dead[0].archived_at_ms, kT0 + 5);
  EXPECT_EQ(dead[0].properties.at("email"), "c@x.io");
  ASSERT_OK_AND_ASSIGN(auto found, objects().FindByValues(a_.id, "0-1", "email", {"c@x.io"}, 10));
  EXPECT_TRUE(found.empty());
  EXPECT_ERROR_CODE(objects().UpdateObjects(a_.id, "0-1", {{c.id, {{"city", "x"}}}}, {}, kT0),
                    ErrorCode::kNotFound);
  ASSERT_OK_AND_ASSIGN(auto count, objects().CountObjects(a_.id, "0-1"));
  EXPECT_EQ(count, 0);
  ASSERT_OK_AND_ASSIGN(auto events,
                       objects().ObjectEvents(a_.id, "0-1", c.id, kEventObjectArchived));
  EXPECT_EQ(events.size(), 1u);
  // Another account cannot archive a's records.
  ASSERT_OK_AND_ASSIGN(auto none, objects().ArchiveObjects(b_.id, "0-2", {co[0].id}, kT0));
  EXPECT_TRUE(none.empty());
}

TEST_P(ObjectStoreTest, ListPagesInIdOrderPerTypeAndAccount) {
  std::vector<int64_t> ids;
  for (int i = 0; i < 7; ++i) {
    ASSERT_OK_AND_ASSIGN(auto r, CreateOne(a_.id, {{"n", std::to_string(i)}}));
    ids.push_back(r.id);
    ASSERT_OK(objects().CreateObjects(b_.id, "0-1", {{{"n", "b"}}}, {}, kT0));
    ASSERT_OK(objects().CreateObjects(a_.id, "0-3", {{{"n", "deal"}}}, {}, kT0));
  }
  ASSERT_OK(objects().ArchiveObjects(a_.id, "0-1", {ids[3]}, kT0));
  std::vector<int64_t> seen;
  std::optional<int64_t> after;
  do {
    ASSERT_OK_AND_ASSIGN(auto page, objects().ListObjects(a_.id, "0-1", after, 2, false));
    for (const auto& r : page.objects) {
      seen.push_back(r.id);
      EXPECT_EQ(r.properties.count("n"), 1u);
    }
    after = page.next_after;
  } while (after);
  EXPECT_EQ(seen, (std::vector<int64_t>{ids[0], ids[1], ids[2], ids[4], ids[5], ids[6]}));
  ASSERT_OK_AND_ASSIGN(auto archived, objects().ListObjects(a_.id, "0-1", std::nullopt, 10, true));
  ASSERT_EQ(archived.objects.size(), 1u);
  EXPECT_EQ(archived.objects[0].id, ids[3]);
  ASSERT_OK_AND_ASSIGN(auto count, objects().CountObjects(a_.id, "0-1"));
  EXPECT_EQ(count, 6);
}

TEST_P(ObjectStoreTest, FindByValuesAndWithProperty) {
  ASSERT_OK_AND_ASSIGN(auto x, CreateOne(a_.id, {{"city", "Oslo"}, {"zip", "1"}}));
  ASSERT_OK_AND_ASSIGN(auto y, CreateOne(a_.id, {{"city", "Rome"}}));
  ASSERT_OK_AND_ASSIGN(auto z, CreateOne(a_.id, {{"city", "oslo"}}));
  ASSERT_OK(CreateOne(b_.id, {{"city", "Oslo"}}));
  const std::string long_value(5000, 'q');  // longer than a PostgreSQL btree entry allows
  ASSERT_OK_AND_ASSIGN(auto w, CreateOne(a_.id, {{"city", long_value}}));
  ASSERT_OK_AND_ASSIGN(auto oslo, objects().FindByValues(a_.id, "0-1", "city", {"Oslo"}, 10));
  EXPECT_EQ(oslo, std::vector<int64_t>{x.id}) << "exact match, one account";
  ASSERT_OK_AND_ASSIGN(auto both,
                       objects().FindByValues(a_.id, "0-1", "city", {"Rome", "Oslo", "\"'"}, 10));
  EXPECT_EQ(both, (std::vector<int64_t>{x.id, y.id}));
  ASSERT_OK_AND_ASSIGN(auto lng, objects().FindByValues(a_.id, "0-1", "city", {long_value}, 10));
  EXPECT_EQ(lng, std::vector<int64_t>{w.id});
  ASSERT_OK_AND_ASSIGN(auto with, objects().FindWithProperty(a_.id, "0-1", "city", x.id, 10));
  EXPECT_EQ(with, (std::vector<int64_t>{y.id, z.id, w.id}));
  ASSERT_OK_AND_ASSIGN(auto zip, objects().FindWithProperty(a_.id, "0-1", "zip", std::nullopt, 10));
  EXPECT_EQ(zip, std::vector<int64_t>{x.id});
}

TEST_P(ObjectStoreTest, CreatedValuesKeepTheCreatesTimeAndSourceInHistory) {
  ObjectWriteOptions form;
  form.source = {"FORM", "form-1"};
  ASSERT_OK_AND_ASSIGN(auto r, CreateOne(a_.id, {{"firstname", "Ann"}, {"city", "Oslo"}}, form));
  ASSERT_OK_AND_ASSIGN(auto h1, objects().GetHistory(a_.id, "0-1", {r.id}, {}));
  ASSERT_EQ(h1[r.id]["city"].size(), 1u);
  EXPECT_EQ(h1[r.id]["city"][0].value, "Oslo");
  EXPECT_EQ(h1[r.id]["city"][0].timestamp_ms, kT0);
  EXPECT_EQ(h1[r.id]["city"][0].source_type, "FORM");
  EXPECT_EQ(h1[r.id]["city"][0].source_id, "form-1");
  ObjectWriteOptions flow;
  flow.source = {"WORKFLOW", "flow-9"};
  ASSERT_OK(objects().UpdateObjects(a_.id, "0-1", {{r.id, {{"city", "Rome"}, {"zip", "7"}}}}, flow,
                                    kT0 + 5000));
  ASSERT_OK(objects().UpdateObjects(a_.id, "0-1", {{r.id, {{"city", "Pisa"}, {"zip", "8"}}}}, flow,
                                    kT0 + 6000));
  ASSERT_OK_AND_ASSIGN(auto h2, objects().GetHistory(a_.id, "0-1", {r.id}, {}));
  ASSERT_EQ(h2[r.id]["city"].size(), 3u);
  EXPECT_EQ(h2[r.id]["city"][0].value, "Pisa");
  EXPECT_EQ(h2[r.id]["city"][1].value, "Rome");
  EXPECT_EQ(h2[r.id]["city"][2].value, "Oslo");
  EXPECT_EQ(h2[r.id]["city"][2].source_type, "FORM") << "the superseded create version";
  EXPECT_EQ(h2[r.id]["city"][2].timestamp_ms, kT0);
  ASSERT_EQ(h2[r.id]["zip"].size(), 2u) << "a value first set by an update";
  EXPECT_EQ(h2[r.id]["zip"][1].value, "7");
  EXPECT_EQ(h2[r.id]["zip"][1].source_type, "WORKFLOW");
  EXPECT_EQ(h2[r.id]["zip"][1].timestamp_ms, kT0 + 5000);
  ASSERT_EQ(h2[r.id]["firstname"].size(), 1u);
  EXPECT_EQ(h2[r.id]["firstname"][0].source_id, "form-1");
}

TEST_P(ObjectStoreTest, LookupAndScannedPropertiesAreFoundAlike) {
  ObjectWriteOptions lookup;
  lookup.lookup_properties = {"stage"};
  ASSERT_OK_AND_ASSIGN(auto x, CreateOne(a_.id, {{"stage", "lead"}, {"phone", "1"}}, lookup));
  ASSERT_OK_AND_ASSIGN(auto y, CreateOne(a_.id, {{"stage", "lead"}, {"phone", "1"}}, {}));
  ASSERT_OK_AND_ASSIGN(auto z, CreateOne(a_.id, {{"stage", "customer"}}, lookup));
  ASSERT_OK_AND_ASSIGN(auto gone, CreateOne(a_.id, {{"stage", "lead"}}, lookup));
  ASSERT_OK(objects().ArchiveObjects(a_.id, "0-1", {gone.id}, kT0));
  // "stage" was written with and without the lookup index (its setting changed): both found,
  // in id order, archived records not.
  ASSERT_OK_AND_ASSIGN(auto leads, objects().FindByValues(a_.id, "0-1", "stage", {"lead"}, 10));
  EXPECT_EQ(leads, (std::vector<int64_t>{x.id, y.id}));
  ASSERT_OK_AND_ASSIGN(auto any,
                       objects().FindByValues(a_.id, "0-1", "stage", {"customer", "lead"}, 10));
  EXPECT_EQ(any, (std::vector<int64_t>{x.id, y.id, z.id}));
  ASSERT_OK_AND_ASSIGN(auto two,
                       objects().FindByValues(a_.id, "0-1", "stage", {"customer", "lead"}, 2));
  EXPECT_EQ(two, (std::vector<int64_t>{x.id, y.id})) << "the limit applies to the merged ids";
  ASSERT_OK_AND_ASSIGN(auto phones, objects().FindByValues(a_.id, "0-1", "phone", {"1"}, 10));
  EXPECT_EQ(phones, (std::vector<int64_t>{x.id, y.id}));
  ASSERT_OK_AND_ASSIGN(auto with,
                       objects().FindWithProperty(a_.id, "0-1", "stage", std::nullopt, 10));
  EXPECT_EQ(with, (std::vector<int64_t>{x.id, y.id, z.id}));
  ASSERT_OK_AND_ASSIGN(auto after, objects().FindWithProperty(a_.id, "0-1", "stage", x.id, 1));
  EXPECT_EQ(after, std::vector<int64_t>{y.id});
  // An update moves a value between the two ways of finding it.
  ASSERT_OK(objects().UpdateObjects(a_.id, "0-1", {{y.id, {{"stage", "customer"}}}}, lookup, kT0));
  ASSERT_OK_AND_ASSIGN(auto customers,
                       objects().FindByValues(a_.id, "0-1", "stage", {"customer"}, 10));
  EXPECT_EQ(customers, (std::vector<int64_t>{y.id, z.id}));
}

TEST_P(ObjectStoreTest, EventFeedIsGlobalOrderedAndResumable) {
  ASSERT_OK_AND_ASSIGN(auto first, objects().ReadEvents(0, 1000));
  const int64_t start = first.empty() ? 0 : first.back().seq;
  ASSERT_OK_AND_ASSIGN(auto r, CreateOne(a_.id, {{"city", "Oslo"}}));
  ASSERT_OK(CreateOne(b_.id, {{"city", "Rome"}}));
  CrmEvent custom;
  custom.account_id = a_.id;
  custom.event_type_id = "pe1_clicked";
  custom.object_type_id = "0-1";
  custom.object_id = r.id;
  custom.occurred_at_ms = kT0 - 5;
  custom.properties = {{"button", "buy"}};
  ASSERT_OK_AND_ASSIGN(auto appended, objects().AppendEvents({custom}));
  EXPECT_GT(appended[0].seq, start);
  ASSERT_OK_AND_ASSIGN(auto feed, objects().ReadEvents(start, 2));
  ASSERT_EQ(feed.size(), 2u);
  EXPECT_EQ(feed[0].account_id, a_.id);
  EXPECT_EQ(feed[1].account_id, b_.id);
  ASSERT_OK_AND_ASSIGN(auto rest, objects().ReadEvents(feed[1].seq, 10));
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].event_type_id, "pe1_clicked");
  EXPECT_EQ(rest[0].properties.at("button"), "buy");
  EXPECT_EQ(rest[0].occurred_at_ms, kT0 - 5);
  ASSERT_OK_AND_ASSIGN(auto mine, objects().ObjectEvents(a_.id, "0-1", r.id, "pe1_clicked"));
  EXPECT_EQ(mine.size(), 1u);
  ASSERT_OK_AND_ASSIGN(auto theirs, objects().ObjectEvents(b_.id, "0-1", r.id, ""));
  EXPECT_TRUE(theirs.empty());
}

TEST_P(ObjectStoreTest, EventFeedDecodesOnlyThePropertiesAReaderNeeds) {
  ASSERT_OK_AND_ASSIGN(auto first, objects().ReadEvents(0, 1000));
  const int64_t start = first.empty() ? 0 : first.back().seq;
  ASSERT_OK(CreateOne(a_.id, {{"city", "Oslo"}}));
  ASSERT_OK(CreateOne(b_.id, {{"city", "Rome"}}));
  std::vector<int64_t> asked;
  ASSERT_OK_AND_ASSIGN(auto feed, objects().ReadEvents(start, 10, [&](const CrmEvent& e) {
    EXPECT_TRUE(e.properties.empty());  // asked before decoding
    asked.push_back(e.account_id);
    return e.account_id == b_.id;
  }));
  ASSERT_EQ(feed.size(), 2u);
  EXPECT_EQ(asked, (std::vector<int64_t>{a_.id, b_.id}));
  // Every event is there, in order, with its other fields; only the accepted one decoded.
  EXPECT_EQ(feed[0].account_id, a_.id);
  EXPECT_EQ(feed[0].event_type_id, kEventObjectCreated);
  EXPECT_GT(feed[0].object_id, 0);
  EXPECT_TRUE(feed[0].properties.empty());
  EXPECT_EQ(feed[1].properties.at("city"), "Rome");
}

TEST_P(ObjectStoreTest, ConcurrentWritersNeverShareAUniqueValueAndEventsStayOrdered) {
  const auto u = Unique({"email"});
  std::atomic<int> created{0}, conflicts{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        auto r = objects().CreateObjects(
            a_.id, "0-1",
            {{{"email", "same" + std::to_string(i) + "@x.io"}, {"t", std::to_string(t)}}}, u, kT0);
        if (r.ok()) {
          ++created;
        } else if (r.error().code == ErrorCode::kConflict) {
          ++conflicts;
        } else {
          ADD_FAILURE() << r.error().message;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(created.load(), 20);
  EXPECT_EQ(conflicts.load(), 60);
  ASSERT_OK_AND_ASSIGN(auto feed, objects().ReadEvents(0, 1000));
  std::set<int64_t> seqs;
  for (size_t i = 0; i < feed.size(); ++i) {
    if (i) {
      EXPECT_LT(feed[i - 1].seq, feed[i].seq);
    }
    seqs.insert(feed[i].seq);
  }
  EXPECT_EQ(feed.size(), 20u) << "failed creates leave no event";
}

FLOWD_INSTANTIATE_CONFORMANCE(ObjectStoreTest);

}  // namespace
}  // namespace flowd::store
