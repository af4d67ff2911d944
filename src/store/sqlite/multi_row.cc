#include "store/sqlite/multi_row.h"

namespace flowd::store::sqlite {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

MultiRowSql::MultiRowSql(std::string_view head, std::string_view row, std::string_view tail,
                         int fixed, int per_row)
    : fixed_(fixed), per_row_(per_row) {
  for (size_t rows = 1; rows <= kMaxRows; rows *= 2) {
    std::string sql(head);
    for (size_t r = 0; r < rows; ++r) {
      if (r > 0) sql += ", ";
      for (size_t i = 0; i < row.size(); ++i) {
        if (row[i] == '$' && i + 1 < row.size() && IsDigit(row[i + 1])) {
          int k = row[i + 1] - '0';
          ++i;
          if (i + 1 < row.size() && IsDigit(row[i + 1])) k = k * 10 + (row[++i] - '0');
          sql += '?';
          sql += std::to_string(fixed + 1 + static_cast<int>(r) * per_row + k);
        } else {
          sql += row[i];
        }
      }
    }
    sql += tail;
    texts_.push_back(std::move(sql));
  }
}

}  // namespace flowd::store::sqlite
