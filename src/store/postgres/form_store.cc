#include <algorithm>
#include <string>

#include "store/common/marketing_records.h"
#include "store/common/record_util.h"
#include "store/postgres/stores.h"

namespace flowd::store::postgres {

using namespace internal;  // NOLINT(google-build-using-namespace): the shared record helpers

namespace {

#define FORM_COLUMNS                                                                   \
  "account_id, id, seq, name, form_type, content_json, created_at_ms, updated_at_ms, " \
  "archived_at_ms"

FormRecord ReadForm(const Rows& rows, int i) {
  FormRecord f;
  f.account_id = rows.Int(i, 0);
  f.id = rows.Text(i, 1);
  f.seq = rows.Int(i, 2);
  f.name = rows.Text(i, 3);
  f.form_type = rows.Text(i, 4);
  f.content_json = rows.Text(i, 5);
  f.created_at_ms = rows.Int(i, 6);
  f.updated_at_ms = rows.Int(i, 7);
  f.archived_at_ms = rows.OptInt(i, 8);
  return f;
}

}  // namespace

Result<FormRecord> PgFormStore::CreateForm(int64_t account_id, const std::string& form_id,
                                           const FormWrite& form, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<FormRecord> {
    auto inserted = conn.Query(
        "INSERT INTO forms (id, account_id, name, form_type, content_json, created_at_ms, "
        "updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING seq",
        Params()
            .Add(form_id)
            .Add(account_id)
            .Add(form.name)
            .Add(form.form_type)
            .Add(form.content_json)
            .Add(now_ms));
    if (!inserted.ok()) {
      if (inserted.error().code == ErrorCode::kConflict) return FormIdTaken(form_id);
      return std::move(inserted).error();
    }
    FormRecord f;
    f.account_id = account_id;
    f.id = form_id;
    f.seq = inserted->Int(0, 0);
    f.name = form.name;
    f.form_type = form.form_type;
    f.content_json = form.content_json;
    f.created_at_ms = f.updated_at_ms = now_ms;
    return f;
  });
}

Result<FormRecord> PgFormStore::GetForm(int64_t account_id, const std::string& form_id) {
  return db_.Read(false, [&](Connection& conn) -> Result<FormRecord> {
    FLOWD_ASSIGN_OR_RETURN(Rows rows, conn.Query("SELECT " FORM_COLUMNS
                                                 " FROM forms WHERE id = $1 AND account_id = $2",
                                                 Params().Add(form_id).Add(account_id)));
    if (rows.empty()) return FormNotFound(form_id);
    return ReadForm(rows, 0);
  });
}

Result<FormPage> PgFormStore::ListForms(int64_t account_id, std::optional<int64_t> after_seq,
                                        size_t limit, bool archived) {
  if (limit == 0) return FormPage{};
  limit = std::min(limit, kMaxPage);
  return db_.Read(false, [&](Connection& conn) -> Result<FormPage> {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows,
        conn.Query("SELECT " FORM_COLUMNS " FROM forms WHERE account_id = $1 AND seq > $2 "
                   "AND (archived_at_ms IS NOT NULL) = $3 ORDER BY seq LIMIT $4",
                   Params()
                       .Add(account_id)
                       .Add(after_seq.value_or(kMinId))
                       .Add(archived)
                       .Add(static_cast<int64_t>(limit) + 1)));
    FormPage page;
    for (int i = 0; i < rows.size(); ++i) {
      if (page.forms.size() == limit) {
        page.next_after = page.forms.back().seq;
        break;
      }
      page.forms.push_back(ReadForm(rows, i));
    }
    return page;
  });
}

Result<FormRecord> PgFormStore::UpdateForm(int64_t account_id, const std::string& form_id,
                                           const FormWrite& form, bool archived, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<FormRecord> {
    // An archived form keeps its first archivedAt; restoring clears it.
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("UPDATE forms SET name = $1, form_type = $2, content_json = $3, "
                              "updated_at_ms = $4, archived_at_ms = CASE WHEN $5 THEN "
                              "COALESCE(archived_at_ms, $4) ELSE NULL END "
                              "WHERE id = $6 AND account_id = $7 RETURNING " FORM_COLUMNS,
                              Params()
                                  .Add(form.name)
                                  .Add(form.form_type)
                                  .Add(form.content_json)
                                  .Add(now_ms)
                                  .Add(archived)
                                  .Add(form_id)
                                  .Add(account_id)));
    if (rows.empty()) return FormNotFound(form_id);
    return ReadForm(rows, 0);
  });
}

Status PgFormStore::ArchiveForm(int64_t account_id, const std::string& form_id, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(
        Rows rows, conn.Query("UPDATE forms SET archived_at_ms = $1, updated_at_ms = $1 "
                              "WHERE id = $2 AND account_id = $3 AND archived_at_ms IS NULL",
                              Params().Add(now_ms).Add(form_id).Add(account_id)));
    if (rows.affected() == 0) return FormNotFound(form_id);
    return Status::Ok();
  });
}

}  // namespace flowd::store::postgres
