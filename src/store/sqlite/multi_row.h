// Statements over many rows at once: a multi-row INSERT … VALUES (…), (…) or an IN (?, ?, …)
// list, prepared once per chunk size so that any number of rows takes a few executions.
//
// Why: a batch create wrote one statement per value, and SQLite's per-execution costs (binding,
// reset, opening and closing a cursor per B-tree, halting the VDBE) were as large as the B-tree
// work. Rows inserted by one execution also share its open cursors, so appends at the end of a
// B-tree (new records' ids grow) skip the descent from the root.
//
// Thread safety: a MultiRowSql is immutable after construction; use it from any thread, with each
// Connection on one thread at a time (connection.h).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "store/sqlite/connection.h"

namespace flowd::store::sqlite {

class MultiRowSql {
 public:
  // The statement for n rows is `head` + n copies of `row` separated by ", " + `tail`. In `row`,
  // `$k` (k = 0…99) stands for the row's k-th parameter (`per_row` of them); `?1`…`?fixed` are
  // parameters every row shares. Chunks are powers of two up to kMaxRows.
  MultiRowSql(std::string_view head, std::string_view row, std::string_view tail, int fixed,
              int per_row);
  MultiRowSql(const MultiRowSql&) = delete;
  MultiRowSql& operator=(const MultiRowSql&) = delete;

  static constexpr size_t kMaxRows = 128;

  // Executes the statements for `count` rows, in order. `bind_fixed(stmt)` binds ?1…?fixed;
  // `bind_row(stmt, first, i)` binds row i's parameters at indexes first, first + 1, …;
  // `each(stmt)` steps the bound statement (e.g. stmt.Run(), or reading a RETURNING clause).
  template <typename BindFixed, typename BindRow, typename Each>
  Status Run(Connection& conn, size_t count, BindFixed&& bind_fixed, BindRow&& bind_row,
             Each&& each) const {
    size_t done = 0;
    while (done < count) {
      size_t level = texts_.size() - 1;
      while ((size_t{1} << level) > count - done) --level;
      const size_t rows = size_t{1} << level;
      FLOWD_ASSIGN_OR_RETURN(Stmt stmt, conn.Prepare(texts_[level].c_str()));
      bind_fixed(stmt);
      for (size_t r = 0; r < rows; ++r) {
        bind_row(stmt, fixed_ + 1 + static_cast<int>(r) * per_row_, done + r);
      }
      FLOWD_TRY(each(stmt));
      done += rows;
    }
    return Status::Ok();
  }

 private:
  const int fixed_;
  const int per_row_;
  // texts_[j]: the statement for 2^j rows. Connection::Prepare caches by the text's address, so
  // these strings live as long as the MultiRowSql (a static).
  std::vector<std::string> texts_;
};

}  // namespace flowd::store::sqlite
