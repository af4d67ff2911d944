// The SQLite implementations of the store interfaces. Internal to the backend.
#pragma once

#include "store/association_store.h"
#include "store/property_store.h"
#include "store/sqlite/database.h"
#include "store/store.h"

namespace flowd::store::sqlite {

// kNotFound (AccountNotFound) unless the account exists; for writes of rows that belong to one.
Status RequireAccount(Connection& conn, int64_t account_id);

class SqliteAccountStore final : public AccountStore {
 public:
  explicit SqliteAccountStore(Database& db) : db_(db) {}
  Result<Account> CreateAccount(std::string_view name, int64_t now_ms) override;
  Result<Account> GetAccount(int64_t id) override;
  Result<std::vector<Account>> ListAccounts() override;
  Status SetTimeZone(int64_t id, std::string_view time_zone, int64_t now_ms) override;

 private:
  Database& db_;
};

class SqliteTokenStore final : public TokenStore {
 public:
  explicit SqliteTokenStore(Database& db) : db_(db) {}
  Result<TokenRecord> CreateToken(const TokenRecord& token) override;
  Result<TokenRecord> FindTokenByHash(std::string_view token_hash) override;
  Result<std::vector<TokenRecord>> ListTokens(std::optional<int64_t> account_id) override;
  Status RevokeToken(int64_t token_id, int64_t now_ms) override;

 private:
  Database& db_;
};

class SqliteFlowStore final : public FlowStore {
 public:
  explicit SqliteFlowStore(Database& db) : db_(db) {}
  Result<FlowRecord> CreateFlow(int64_t account_id, const FlowWrite& flow, int64_t now_ms) override;
  Result<FlowRecord> GetFlow(int64_t account_id, int64_t flow_id) override;
  Result<FlowPage> ListFlows(int64_t account_id, std::optional<int64_t> after_id,
                             size_t limit) override;
  Result<std::vector<FlowRecord>> GetFlows(int64_t account_id,
                                           const std::vector<int64_t>& flow_ids) override;
  Result<std::vector<FlowRecord>> EnabledFlows() override;
  Result<FlowRecord> UpdateFlow(int64_t account_id, int64_t flow_id, int64_t expected_revision,
                                const FlowWrite& flow, int64_t now_ms) override;
  Status DeleteFlow(int64_t account_id, int64_t flow_id) override;
  Result<FlowRevision> GetRevision(int64_t account_id, int64_t flow_id,
                                   int64_t revision_id) override;
  Result<int64_t> FlowIdForWorkflowId(int64_t account_id, int64_t workflow_id) override;
  Result<EmailCampaignPage> ListEmailCampaigns(int64_t account_id,
                                               const std::vector<int64_t>& flow_ids,
                                               std::optional<int64_t> after,
                                               std::optional<int64_t> before,
                                               size_t limit) override;

 private:
  Database& db_;
};

class SqliteAssociationStore final : public AssociationStore {
 public:
  explicit SqliteAssociationStore(Database& db) : db_(db) {}
  Result<std::vector<AssociateOutcome>> Associate(int64_t account_id,
                                                  const std::vector<AssociationWrite>& writes,
                                                  int64_t now_ms) override;
  Status Dissociate(int64_t account_id, const std::vector<AssociationRemoval>& removals,
                    int64_t now_ms) override;
  Result<std::vector<AssociationPage>> ListAssociations(
      int64_t account_id, const std::string& from_type,
      const std::vector<AssociationPageRequest>& requests, const std::string& to_type,
      size_t limit) override;
  Result<std::vector<AssociationTypeKey>> TypesBetween(int64_t account_id,
                                                       const std::string& from_type,
                                                       int64_t from_id, const std::string& to_type,
                                                       int64_t to_id) override;
  Result<std::vector<AssociationLabel>> ListLabels(int64_t account_id, const std::string& from_type,
                                                   const std::string& to_type) override;
  Result<std::optional<AssociationLabel>> GetLabel(int64_t account_id, int64_t type_id) override;
  Result<std::vector<AssociationLabel>> CreateLabel(int64_t account_id,
                                                    const AssociationLabelDefinition& def,
                                                    size_t max_labels, int64_t now_ms) override;
  Status UpdateLabel(int64_t account_id, const std::string& from_type, const std::string& to_type,
                     int64_t type_id, const std::string& label,
                     const std::optional<std::string>& inverse_label) override;
  Status DeleteLabel(int64_t account_id, const std::string& from_type, const std::string& to_type,
                     int64_t type_id, int64_t now_ms) override;

 private:
  Database& db_;
};

class SqliteObjectStore final : public ObjectStore {
 public:
  explicit SqliteObjectStore(Database& db) : db_(db) {}
  Result<std::vector<ObjectRecord>> CreateObjects(
      int64_t account_id, const std::string& object_type_id,
      const std::vector<std::vector<PropertyWrite>>& inputs, const ObjectWriteOptions& options,
      int64_t now_ms) override;
  Result<std::vector<ObjectRecord>> UpdateObjects(int64_t account_id,
                                                  const std::string& object_type_id,
                                                  const std::vector<ObjectUpdate>& updates,
                                                  const ObjectWriteOptions& options,
                                                  int64_t now_ms) override;
  Result<std::vector<int64_t>> ArchiveObjects(int64_t account_id, const std::string& object_type_id,
                                              const std::vector<int64_t>& ids,
                                              int64_t now_ms) override;
  Result<std::vector<ObjectRecord>> GetObjects(int64_t account_id,
                                               const std::string& object_type_id,
                                               const std::vector<int64_t>& ids,
                                               bool archived) override;
  Result<ObjectPage> ListObjects(int64_t account_id, const std::string& object_type_id,
                                 std::optional<int64_t> after_id, size_t limit,
                                 bool archived) override;
  Result<std::vector<int64_t>> FindByValues(int64_t account_id, const std::string& object_type_id,
                                            const std::string& property,
                                            const std::vector<std::string>& values,
                                            size_t limit) override;
  Result<std::vector<int64_t>> FindWithProperty(int64_t account_id,
                                                const std::string& object_type_id,
                                                const std::string& property,
                                                std::optional<int64_t> after_id,
                                                size_t limit) override;
  Result<int64_t> CountObjects(int64_t account_id, const std::string& object_type_id) override;
  Result<ValueHistory> GetHistory(int64_t account_id, const std::string& object_type_id,
                                  const std::vector<int64_t>& ids,
                                  const std::vector<std::string>& properties) override;
  Result<std::vector<CrmEvent>> AppendEvents(const std::vector<CrmEvent>& events) override;
  Result<std::vector<CrmEvent>> ReadEvents(int64_t after_seq, size_t limit,
                                           const EventNeed& need) override;
  using ObjectStore::ReadEvents;
  Result<std::vector<CrmEvent>> ObjectEvents(int64_t account_id, const std::string& object_type_id,
                                             int64_t object_id,
                                             std::string_view event_type_id) override;

 private:
  Database& db_;
};

class SqlitePropertyStore final : public PropertyStore {
 public:
  explicit SqlitePropertyStore(Database& db) : db_(db) {}
  Result<std::vector<PropertyRecord>> CreateProperties(
      int64_t account_id, const std::vector<PropertyRecord>& properties, int64_t now_ms) override;
  Result<std::vector<PropertyRecord>> ListProperties(int64_t account_id,
                                                     const std::string& object_type_id,
                                                     bool archived) override;
  Result<PropertyRecord> GetProperty(int64_t account_id, const std::string& object_type_id,
                                     const std::string& name, bool archived) override;
  Result<PropertyRecord> UpdateProperty(int64_t account_id, const PropertyRecord& property,
                                        int64_t now_ms) override;
  Result<std::vector<std::string>> ArchiveProperties(int64_t account_id,
                                                     const std::string& object_type_id,
                                                     const std::vector<std::string>& names,
                                                     int64_t now_ms) override;
  Result<PropertyGroupRecord> CreateGroup(int64_t account_id, const PropertyGroupRecord& group,
                                          int64_t now_ms) override;
  Result<std::vector<PropertyGroupRecord>> ListGroups(int64_t account_id,
                                                      const std::string& object_type_id) override;
  Result<PropertyGroupRecord> GetGroup(int64_t account_id, const std::string& object_type_id,
                                       const std::string& name) override;
  Result<PropertyGroupRecord> UpdateGroup(int64_t account_id, const PropertyGroupRecord& group,
                                          int64_t now_ms) override;
  Status DeleteGroup(int64_t account_id, const std::string& object_type_id,
                     const std::string& name) override;
  Result<ObjectSchemaRecord> CreateSchema(int64_t account_id, const ObjectSchemaRecord& schema,
                                          const std::vector<PropertyGroupRecord>& groups,
                                          const std::vector<PropertyRecord>& properties,
                                          int64_t now_ms) override;
  Result<ObjectSchemaRecord> GetSchema(int64_t account_id, int64_t schema_id) override;
  Result<std::vector<ObjectSchemaRecord>> ListSchemas(int64_t account_id, bool archived) override;
  Result<ObjectSchemaRecord> UpdateSchema(int64_t account_id, const ObjectSchemaRecord& schema,
                                          int64_t now_ms) override;
  Status ArchiveSchema(int64_t account_id, int64_t schema_id, int64_t now_ms) override;
  Status PurgeSchema(int64_t account_id, int64_t schema_id) override;
  Result<SchemaAssociationRecord> AddSchemaAssociation(int64_t account_id, int64_t schema_id,
                                                       const SchemaAssociationRecord& association,
                                                       int64_t now_ms) override;
  Status RemoveSchemaAssociation(int64_t account_id, int64_t schema_id,
                                 int64_t association_id) override;

 private:
  Database& db_;
};

class SqliteOwnerStore final : public OwnerStore {
 public:
  explicit SqliteOwnerStore(Database& db) : db_(db) {}
  Result<OwnerRecord> CreateOwner(int64_t account_id, const OwnerWrite& owner,
                                  int64_t now_ms) override;
  Result<OwnerRecord> GetOwner(int64_t account_id, int64_t owner_id) override;
  Result<OwnerRecord> GetOwnerByUserId(int64_t account_id, int64_t user_id) override;
  Result<OwnerPage> ListOwners(int64_t account_id, const std::optional<std::string>& email,
                               std::optional<int64_t> after_id, size_t limit,
                               bool archived) override;
  Status ArchiveOwner(int64_t account_id, int64_t owner_id, int64_t now_ms) override;

 private:
  Database& db_;
};

class SqliteFormStore final : public FormStore {
 public:
  explicit SqliteFormStore(Database& db) : db_(db) {}
  Result<FormRecord> CreateForm(int64_t account_id, const std::string& form_id,
                                const FormWrite& form, int64_t now_ms) override;
  Result<FormRecord> GetForm(int64_t account_id, const std::string& form_id) override;
  Result<FormPage> ListForms(int64_t account_id, std::optional<int64_t> after_seq, size_t limit,
                             bool archived) override;
  Result<FormRecord> UpdateForm(int64_t account_id, const std::string& form_id,
                                const FormWrite& form, bool archived, int64_t now_ms) override;
  Status ArchiveForm(int64_t account_id, const std::string& form_id, int64_t now_ms) override;

 private:
  Database& db_;
};

class SqliteMarketingEmailStore final : public MarketingEmailStore {
 public:
  explicit SqliteMarketingEmailStore(Database& db) : db_(db) {}
  Result<MarketingEmailRecord> CreateEmail(int64_t account_id, const MarketingEmailWrite& email,
                                           int64_t now_ms) override;
  Result<MarketingEmailRecord> GetEmail(int64_t account_id, int64_t email_id) override;
  Result<MarketingEmailPage> ListEmails(int64_t account_id, std::optional<int64_t> after_id,
                                        size_t limit, bool archived) override;
  Result<MarketingEmailRecord> UpdateEmail(int64_t account_id, int64_t email_id,
                                           const MarketingEmailWrite& email,
                                           int64_t now_ms) override;
  Status ArchiveEmail(int64_t account_id, int64_t email_id, int64_t now_ms) override;

 private:
  Database& db_;
};

class SqliteSecretStore final : public SecretStore {
 public:
  explicit SqliteSecretStore(Database& db) : db_(db) {}
  Result<SecretInfo> SetSecret(int64_t account_id, std::string_view name, std::string_view value,
                               int64_t now_ms) override;
  Result<std::map<std::string, std::string>> GetSecrets(
      int64_t account_id, const std::vector<std::string>& names) override;
  Result<std::vector<SecretInfo>> ListSecrets(int64_t account_id) override;
  Status DeleteSecret(int64_t account_id, std::string_view name) override;

 private:
  Database& db_;
};

class SqliteAppStore final : public AppStore {
 public:
  explicit SqliteAppStore(Database& db) : db_(db) {}
  Result<AppRecord> CreateApp(int64_t account_id, std::string_view name,
                              std::string_view client_secret, int64_t now_ms) override;
  Result<std::vector<AppRecord>> ListApps(int64_t account_id) override;
  Result<AppRecord> GetApp(int64_t account_id, int64_t app_id) override;
  Result<std::optional<std::string>> GetAppSecret(int64_t account_id, int64_t app_id) override;
  Status DeleteApp(int64_t account_id, int64_t app_id) override;
  Result<ActionDefinitionRecord> CreateDefinition(int64_t account_id, int64_t app_id,
                                                  std::string_view body_json,
                                                  int64_t now_ms) override;
  Result<ActionDefinitionRecord> GetDefinition(int64_t account_id, int64_t app_id,
                                               int64_t definition_id) override;
  Result<ActionDefinitionRecord> FindDefinition(int64_t account_id, int64_t definition_id) override;
  Result<ActionDefinitionPage> ListDefinitions(int64_t account_id, int64_t app_id, bool archived,
                                               std::optional<int64_t> after, size_t limit) override;
  Result<ActionDefinitionRecord> UpdateDefinition(int64_t account_id, int64_t app_id,
                                                  int64_t definition_id, std::string_view body_json,
                                                  int64_t now_ms) override;
  Status SetRequiresObject(int64_t account_id, int64_t app_id, int64_t definition_id,
                           bool requires_object) override;
  Status ArchiveDefinition(int64_t account_id, int64_t app_id, int64_t definition_id,
                           int64_t now_ms) override;
  Result<ActionRevisionPage> ListRevisions(int64_t account_id, int64_t app_id,
                                           int64_t definition_id, std::optional<int64_t> after,
                                           size_t limit) override;
  Result<ActionRevisionRecord> GetRevision(int64_t account_id, int64_t app_id,
                                           int64_t definition_id, int64_t revision_id) override;

 private:
  Database& db_;
};

class SqliteEngineStore final : public EngineStore {
 public:
  explicit SqliteEngineStore(Database& db) : db_(db) {}
  Result<std::vector<EnrollResult>> Enroll(const std::vector<NewEnrollment>& items,
                                           std::optional<EventAdvance> events,
                                           int64_t now_ms) override;
  Result<int64_t> EventSeq() override;
  Status SetEventSeq(const EventAdvance& events) override;
  Result<std::vector<EnrollResult>> EnrollBackfillPage(const std::vector<NewEnrollment>& items,
                                                       const BackfillAdvance& advance,
                                                       int64_t now_ms) override;
  Result<BackfillRecord> AddBackfill(const BackfillRecord& pass, int64_t now_ms) override;
  Result<std::vector<BackfillRecord>> DueBackfills(int64_t now_ms, size_t limit) override;
  Result<std::vector<BackfillRecord>> FlowBackfills(int64_t account_id, int64_t flow_id) override;
  Result<int64_t> DropBackfills(int64_t account_id, int64_t flow_id,
                                std::optional<std::string> kind) override;
  Status WriteDateDues(const std::vector<DateDueWrite>& writes) override;
  Result<std::vector<DateDueRecord>> DueDates(int64_t now_ms, size_t limit) override;
  Result<std::vector<DateDueRecord>> FlowDateDues(int64_t account_id, int64_t flow_id,
                                                  int64_t after_object_id, size_t limit) override;
  Result<std::vector<EnrollResult>> EnrollDateDues(const std::vector<NewEnrollment>& items,
                                                   const std::vector<DateDueWrite>& writes,
                                                   int64_t now_ms) override;
  Result<int64_t> DropDateDues(int64_t account_id, int64_t flow_id) override;
  Result<int64_t> DropObjectDateDues(int64_t account_id, const std::string& object_type_id,
                                     int64_t object_id) override;
  Result<EnrollmentRecord> GetEnrollment(int64_t account_id, int64_t enrollment_id) override;
  Result<std::vector<EnrollmentRecord>> EnrollmentsById(
      const std::vector<int64_t>& enrollment_ids) override;
  Result<EnrollmentPage> ListEnrollments(int64_t account_id, int64_t flow_id,
                                         const EnrollmentFilter& filter) override;
  Result<std::vector<EnrollmentRecord>> EnrollmentsOfObject(int64_t account_id,
                                                            const std::string& object_type_id,
                                                            int64_t object_id) override;
  Result<int64_t> CountActive(int64_t account_id, int64_t flow_id) override;
  Result<std::vector<EnrollmentRecord>> ActiveEnrollments(
      int64_t account_id, int64_t flow_id, const std::vector<int64_t>& object_ids) override;
  Result<std::vector<StepRecord>> ListSteps(int64_t account_id, int64_t enrollment_id) override;
  Result<std::vector<int64_t>> EndEnrollments(int64_t account_id,
                                              const std::vector<int64_t>& enrollment_ids,
                                              const std::string& status, const std::string& reason,
                                              int64_t now_ms) override;
  Result<int64_t> EndFlowEnrollments(int64_t account_id, int64_t flow_id, const std::string& status,
                                     const std::string& reason, int64_t now_ms) override;
  Result<int64_t> EndObjectEnrollments(int64_t account_id, const std::string& object_type_id,
                                       int64_t object_id, const std::string& status,
                                       const std::string& reason, int64_t now_ms) override;
  Result<int64_t> SetFlowPaused(int64_t account_id, int64_t flow_id, bool paused) override;
  Result<int64_t> RecoverLeases(int64_t now_ms) override;
  Result<std::vector<JobRecord>> ClaimJobs(const std::string& owner, int64_t now_ms,
                                           int64_t lease_ms, size_t limit) override;
  Result<std::vector<int64_t>> RenewLeases(const std::string& owner,
                                           const std::vector<int64_t>& job_ids,
                                           int64_t lease_until_ms) override;
  Result<std::optional<int64_t>> NextDueAt() override;
  Result<bool> WakeJob(int64_t account_id, int64_t job_id, int64_t execution_index,
                       int64_t run_at_ms) override;
  Result<QueueDepth> Depth(int64_t now_ms) override;
  Result<std::optional<JobRecord>> JobOfEnrollment(int64_t account_id,
                                                   int64_t enrollment_id) override;
  Status CompleteCallback(int64_t account_id, int64_t enrollment_id, const std::string& action_id,
                          const std::string& callback_id, const std::string& outputs_json,
                          int64_t now_ms) override;
  Result<std::vector<CommitResult>> CommitSteps(std::vector<StepCommit>& steps) override;
  Result<std::vector<DeliveryRecord>> ListDeliveries(int64_t account_id,
                                                     int64_t enrollment_id) override;
  Result<std::vector<MessageRecord>> ListMessages(int64_t account_id, const std::string& channel,
                                                  std::optional<int64_t> before_id,
                                                  size_t limit) override;
  Result<PerformanceCounts> Performance(int64_t account_id, int64_t flow_id,
                                        const std::vector<int64_t>& edges) override;

 private:
  Database& db_;
};

}  // namespace flowd::store::sqlite
