// A fake ActionEnv for the action tests: records, properties, associations and lists from the
// filter tests' in-memory FilterContext; owners, emails, secrets and scripted external answers.
#pragma once

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <map>
#include <string>
#include <vector>

#include "../crm/filter_test_util.h"
#include "engine/action.h"

namespace flowd::engine::testing {

using crm::filter::testing::FakeContext;
using crm::filter::testing::Ms;

class FakeEnv : public ActionEnv {
 public:
  FakeContext crm;
  std::map<int64_t, store::OwnerRecord> owners;  // by owner id
  std::map<std::string, store::MarketingEmailRecord> emails;
  std::map<std::string, std::string> secrets;
  std::map<int64_t, std::string> app_secrets;  // by app id
  std::map<int64_t, store::ActionDefinitionRecord> definitions;
  bool smtp = false;
  SendResult send_result;
  std::vector<Email> sent;
  WebhookResponse webhook_response;
  std::vector<WebhookRequest> webhooks;
  CodeExecution code_result;
  std::vector<CodeRequest> code_requests;
  std::map<int64_t, FlowEnrollment> flow_enrollments;  // EnrollmentIn's answers, by flow id

  void AddOwner(int64_t id, const std::string& email, const std::string& first = "",
                const std::string& last = "") {
    store::OwnerRecord o;
    o.account_id = 1;
    o.id = id;
    o.user_id = id + 1000;
    o.email = email;
    o.first_name = first;
    o.last_name = last;
    owners[id] = o;
  }

  Result<std::optional<std::map<std::string, std::string>>> Values(const std::string& type,
                                                                   int64_t id) override {
    return crm.Values({type, id});
  }
  Result<std::shared_ptr<const crm::PropertySet>> Properties(const std::string& type) override {
    return crm.Properties(type);
  }
  Result<std::vector<int64_t>> Associated(const std::string& from_type, int64_t from_id,
                                          const std::string& to_type, const std::string& category,
                                          int64_t type_id) override {
    return crm.Associated({from_type, from_id}, to_type, category, type_id);
  }
  crm::filter::FilterContext& Filters() override { return crm; }
  std::string TimeZoneId() override { return crm.zone; }
  Result<std::optional<store::OwnerRecord>> OwnerByUserId(int64_t user_id) override {
    for (const auto& [id, o] : owners) {
      if (o.user_id == user_id) return std::optional<store::OwnerRecord>(o);
    }
    return std::optional<store::OwnerRecord>();
  }
  Result<std::optional<store::OwnerRecord>> Owner(int64_t owner_id) override {
    auto it = owners.find(owner_id);
    if (it == owners.end()) return std::optional<store::OwnerRecord>();
    return std::optional<store::OwnerRecord>(it->second);
  }
  Result<std::optional<store::MarketingEmailRecord>> MarketingEmail(
      const std::string& content_id) override {
    auto it = emails.find(content_id);
    if (it == emails.end()) return std::optional<store::MarketingEmailRecord>();
    return std::optional<store::MarketingEmailRecord>(it->second);
  }
  Result<std::map<std::string, std::string>> Secrets(
      const std::vector<std::string>& names) override {
    std::map<std::string, std::string> out;
    for (const auto& n : names) {
      if (auto it = secrets.find(n); it != secrets.end()) out[n] = it->second;
    }
    return out;
  }
  Result<std::optional<std::string>> AppSecret(int64_t app_id) override {
    auto it = app_secrets.find(app_id);
    if (it == app_secrets.end()) return std::optional<std::string>();
    return std::optional<std::string>(it->second);
  }
  Result<std::optional<store::ActionDefinitionRecord>> ActionDefinition(
      int64_t definition_id) override {
    auto it = definitions.find(definition_id);
    if (it == definitions.end()) return std::optional<store::ActionDefinitionRecord>();
    return std::optional<store::ActionDefinitionRecord>(it->second);
  }
  Result<FlowEnrollment> EnrollmentIn(int64_t flow_id, const std::string& object_type_id,
                                      int64_t object_id, const std::string& reason) override {
    auto it = flow_enrollments.find(flow_id);
    if (it == flow_enrollments.end()) return FlowEnrollment{};  // kNoSuchFlow
    FlowEnrollment out = it->second;
    out.enrollment.enrollment.flow_id = flow_id;
    out.enrollment.enrollment.object_type_id = object_type_id;
    out.enrollment.enrollment.object_id = object_id;
    out.enrollment.enrollment.reason = reason;
    return out;
  }
  WebhookResponse SendWebhook(const WebhookRequest& request) override {
    webhooks.push_back(request);
    return webhook_response;
  }
  bool HasSmtp() override { return smtp; }
  SendResult SendEmail(const Email& email) override {
    sent.push_back(email);
    return send_result;
  }
  Result<CodeExecution> RunCode(const CodeRequest& request) override {
    code_requests.push_back(request);
    return code_result;
  }
};

class ActionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    crm::filter::testing::AddContactProperties(env.crm);
    env.crm.now = now;
    env.crm.AddRecord("0-1", 1);
    env.crm.Set("0-1", 1, "firstname", "Ada");
    env.crm.Set("0-1", 1, "email", "ada@example.com");
    enrollment.id = 7;
    enrollment.account_id = 1;
    enrollment.flow_id = 500;
    enrollment.revision_id = 3;
    enrollment.object_type_id = "0-1";
    enrollment.object_id = 1;
  }

  // Runs `action_json`; fails the test on an environment error.
  ActionResult Run(const std::string& action_json, int64_t attempt = 0,
                   int64_t first_attempt_ms = 0) {
    action = boost::json::parse(action_json).as_object();
    ActionInput in;
    in.flow = &flow;
    in.action = &action;
    in.enrollment = &enrollment;
    in.data = &data;
    in.now_ms = now;
    in.attempt = attempt;
    in.first_attempt_ms = first_attempt_ms;
    in.idempotency_key = "7:" + std::string(action.at("actionId").as_string()) + ":4";
    in.portal_id = "1000001";
    auto r = RunAction(in, env);
    EXPECT_TRUE(r.ok()) << (r.ok() ? "" : r.error().message);
    return r.ok() ? std::move(r).value() : ActionResult{};
  }

  // A SINGLE_CONNECTION action "1" → "2" of `type_id` with `fields_json`.
  static std::string Single(const std::string& type_id, const std::string& fields_json) {
    return R"({"type":"SINGLE_CONNECTION","actionId":"1","actionTypeId":")" + type_id +
           R"(","actionTypeVersion":0,"connection":{"edgeType":"STANDARD","nextActionId":"2"},)"
           R"("fields":)" +
           fields_json + "}";
  }

  // The one property written by a set-property result on record `id`.
  static std::string Written(const ActionResult& r, size_t i = 0) {
    if (r.updates.size() != 1 || r.updates[0].updates.size() <= i ||
        r.updates[0].updates[i].properties.size() != 1) {
      ADD_FAILURE() << "expected one update; error: " << r.error;
      return "";
    }
    return r.updates[0].updates[i].properties[0].value;
  }

  int64_t now = Ms("2024-03-15T12:00:00Z");  // a Friday
  FakeEnv env;
  store::EnrollmentRecord enrollment;
  boost::json::object flow;
  boost::json::object action;
  boost::json::object data;
};

}  // namespace flowd::engine::testing
