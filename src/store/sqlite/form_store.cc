#include <algorithm>
#include <string>

#include "store/common/marketing_records.h"
#include "store/common/record_util.h"
#include "store/sqlite/stores.h"

namespace flowd::store::sqlite {

using namespace internal;  // NOLINT(google-build-using-namespace): the shared record helpers

namespace {

#define FORM_COLUMNS                                                                   \
  "account_id, id, seq, name, form_type, content_json, created_at_ms, updated_at_ms, " \
  "archived_at_ms"

FormRecord ReadForm(const Stmt& row) {
  FormRecord f;
  f.account_id = row.Int(0);
  f.id = row.Text(1);
  f.seq = row.Int(2);
  f.name = row.Text(3);
  f.form_type = row.Text(4);
  f.content_json = row.Text(5);
  f.created_at_ms = row.Int(6);
  f.updated_at_ms = row.Int(7);
  f.archived_at_ms = row.OptInt(8);
  return f;
}

Result<FormRecord> SelectForm(Connection& conn, int64_t account_id, const std::string& form_id) {
  FLOWD_ASSIGN_OR_RETURN(
      Stmt select,
      conn.Prepare("SELECT " FORM_COLUMNS " FROM forms WHERE id = ?1 AND account_id = ?2"));
  select.Bind(1, form_id).Bind(2, account_id);
  FLOWD_ASSIGN_OR_RETURN(bool found, select.Step());
  if (!found) return FormNotFound(form_id);
  return ReadForm(select);
}

}  // namespace

Result<FormRecord> SqliteFormStore::CreateForm(int64_t account_id, const std::string& form_id,
                                               const FormWrite& form, int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<FormRecord> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt insert,
        conn.Prepare("INSERT INTO forms (id, account_id, name, form_type, content_json, "
                     "created_at_ms, updated_at_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?6)"));
    insert.Bind(1, form_id)
        .Bind(2, account_id)
        .Bind(3, form.name)
        .Bind(4, form.form_type)
        .Bind(5, form.content_json)
        .Bind(6, now_ms);
    Status st = insert.Run();
    if (!st.ok()) {
      if (st.error().code == ErrorCode::kConflict) return FormIdTaken(form_id);
      return std::move(st).error();
    }
    FormRecord f;
    f.account_id = account_id;
    f.id = form_id;
    f.seq = conn.LastInsertRowid();
    f.name = form.name;
    f.form_type = form.form_type;
    f.content_json = form.content_json;
    f.created_at_ms = f.updated_at_ms = now_ms;
    return f;
  });
}

Result<FormRecord> SqliteFormStore::GetForm(int64_t account_id, const std::string& form_id) {
  return db_.Read(false, [&](Connection& conn) { return SelectForm(conn, account_id, form_id); });
}

Result<FormPage> SqliteFormStore::ListForms(int64_t account_id, std::optional<int64_t> after_seq,
                                            size_t limit, bool archived) {
  if (limit == 0) return FormPage{};
  limit = std::min(limit, kMaxPage);
  return db_.Read(false, [&](Connection& conn) -> Result<FormPage> {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt select,
        conn.Prepare("SELECT " FORM_COLUMNS " FROM forms WHERE account_id = ?1 AND seq > ?2 "
                     "AND (archived_at_ms IS NOT NULL) = ?3 ORDER BY seq LIMIT ?4"));
    select.Bind(1, account_id)
        .Bind(2, after_seq.value_or(kMinId))
        .Bind(3, int64_t{archived ? 1 : 0})
        .Bind(4, static_cast<int64_t>(limit) + 1);
    FormPage page;
    while (true) {
      FLOWD_ASSIGN_OR_RETURN(bool row, select.Step());
      if (!row) break;
      if (page.forms.size() == limit) {
        page.next_after = page.forms.back().seq;
        break;
      }
      page.forms.push_back(ReadForm(select));
    }
    return page;
  });
}

Result<FormRecord> SqliteFormStore::UpdateForm(int64_t account_id, const std::string& form_id,
                                               const FormWrite& form, bool archived,
                                               int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Result<FormRecord> {
    {
      // An archived form keeps its first archivedAt; restoring clears it.
      FLOWD_ASSIGN_OR_RETURN(
          Stmt update,
          conn.Prepare("UPDATE forms SET name = ?1, form_type = ?2, content_json = ?3, "
                       "updated_at_ms = ?4, archived_at_ms = CASE WHEN ?5 = 0 THEN NULL "
                       "ELSE COALESCE(archived_at_ms, ?4) END "
                       "WHERE id = ?6 AND account_id = ?7"));
      update.Bind(1, form.name)
          .Bind(2, form.form_type)
          .Bind(3, form.content_json)
          .Bind(4, now_ms)
          .Bind(5, int64_t{archived ? 1 : 0})
          .Bind(6, form_id)
          .Bind(7, account_id);
      FLOWD_TRY(update.Run());
      if (conn.Changes() == 0) return FormNotFound(form_id);
    }
    return SelectForm(conn, account_id, form_id);
  });
}

Status SqliteFormStore::ArchiveForm(int64_t account_id, const std::string& form_id,
                                    int64_t now_ms) {
  return db_.Write([&](Connection& conn) -> Status {
    FLOWD_ASSIGN_OR_RETURN(
        Stmt update, conn.Prepare("UPDATE forms SET archived_at_ms = ?1, updated_at_ms = ?1 "
                                  "WHERE id = ?2 AND account_id = ?3 AND archived_at_ms IS NULL"));
    FLOWD_TRY(update.Bind(1, now_ms).Bind(2, form_id).Bind(3, account_id).Run());
    if (conn.Changes() == 0) return FormNotFound(form_id);
    return Status::Ok();
  });
}

}  // namespace flowd::store::sqlite
