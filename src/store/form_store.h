// Stored form definitions (HubSpot's /marketing/v3/forms). The store keeps the validated,
// canonical definition as JSON text without the server fields (id, name, formType, createdAt,
// updatedAt, archived, archivedAt), which live in columns. Thread safety and errors as in
// store.h.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/status.h"

namespace flowd::store {

struct FormRecord {
  int64_t account_id = 0;
  std::string id;   // the form guid (a UUID chosen by the caller); globally unique
  int64_t seq = 0;  // listing order and paging cursor, assigned by the store
  std::string name;
  std::string form_type;  // "hubspot"
  std::string content_json;
  int64_t created_at_ms = 0;
  int64_t updated_at_ms = 0;
  std::optional<int64_t> archived_at_ms;
};

struct FormWrite {
  std::string name;
  std::string form_type = "hubspot";
  std::string content_json;
};

struct FormPage {
  std::vector<FormRecord> forms;
  std::optional<int64_t> next_after;  // the seq to continue after, when more forms follow
};

class FormStore {
 public:
  virtual ~FormStore() = default;
  // created = updated = now. kConflict when the id is taken (in any account).
  virtual Result<FormRecord> CreateForm(int64_t account_id, const std::string& form_id,
                                        const FormWrite& form, int64_t now_ms) = 0;
  // The form, live or archived. kNotFound when it is not in the account.
  virtual Result<FormRecord> GetForm(int64_t account_id, const std::string& form_id) = 0;
  // Forms in seq order with seq > after_seq; only archived ones when `archived`, else live ones.
  virtual Result<FormPage> ListForms(int64_t account_id, std::optional<int64_t> after_seq,
                                     size_t limit, bool archived) = 0;
  // Replaces the definition and sets the archived state (an archived form keeps its first
  // archivedAt; `archived` = false restores it). updated = now. kNotFound when not in the account.
  virtual Result<FormRecord> UpdateForm(int64_t account_id, const std::string& form_id,
                                        const FormWrite& form, bool archived, int64_t now_ms) = 0;
  // kNotFound unless the form is live in the account.
  virtual Status ArchiveForm(int64_t account_id, const std::string& form_id, int64_t now_ms) = 0;
};

}  // namespace flowd::store
