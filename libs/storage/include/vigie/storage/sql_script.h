// Splits a SQL script into its statements, so each can be run and reported on its
// own. Knows what PostgreSQL's lexer knows about where a semicolon does not end a
// statement: quoted strings and identifiers, E'' escapes, dollar quoting, line
// and (nested) block comments.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace vigie::storage {

struct SqlStatement {
  std::string text;  // without the terminating semicolon
  int line = 0;      // where its first token is, from 1
};

// Statements holding only white space and comments are left out. A script that
// ends inside a quote or comment gives its last statement unterminated, for the
// server to refuse with its own message.
std::vector<SqlStatement> split_sql(std::string_view script);

}  // namespace vigie::storage
