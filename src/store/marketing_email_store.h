// Stored marketing emails (HubSpot's /marketing/v3/emails): the content the send-email action
// sends, by id. The store keeps the validated email as JSON text without the server fields (id,
// name, createdAt, updatedAt, archived, deletedAt), which live in columns. Thread safety and
// errors as in store.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace flowd::store {

struct MarketingEmailRecord {
  int64_t account_id = 0;
  int64_t id = 0;  // the content id; globally unique
  std::string name;
  std::string content_json;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  std::optional<int64_t> archived_at_ms;  // HubSpot's deletedAt
};

struct MarketingEmailWrite {
  std::string name;
  std::string content_json;
};

struct MarketingEmailPage {
  std::vector<MarketingEmailRecord> emails;
  std::optional<int64_t> next_after;  // set when more emails follow
  int64_t total = 0;                  // emails matching the filter, over all pages
};

class MarketingEmailStore {
 public:
  virtual ~MarketingEmailStore() = default;
  // Assigns the id; created = updated = now.
  virtual Result<MarketingEmailRecord> CreateEmail(int64_t account_id,
                                                   const MarketingEmailWrite& email,
                                                   int64_t now_ms) = 0;
  // The email, live or archived. kNotFound when not in the account.
  virtual Result<MarketingEmailRecord> GetEmail(int64_t account_id, int64_t email_id) = 0;
  // Emails in id order with id > after_id; only archived ones when `archived`, else live ones.
  virtual Result<MarketingEmailPage> ListEmails(int64_t account_id, std::optional<int64_t> after_id,
                                                size_t limit, bool archived) = 0;
  // Replaces name and content; updated = now. kNotFound unless the email is live in the account.
  virtual Result<MarketingEmailRecord> UpdateEmail(int64_t account_id, int64_t email_id,
                                                   const MarketingEmailWrite& email,
                                                   int64_t now_ms) = 0;
  // kNotFound unless the email is live in the account.
  virtual Status ArchiveEmail(int64_t account_id, int64_t email_id, int64_t now_ms) = 0;
};

}  // namespace flowd::store
