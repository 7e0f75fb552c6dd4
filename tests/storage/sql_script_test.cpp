// split_sql finds statement ends where PostgreSQL would, and reports their lines.
#include "vigie/storage/sql_script.h"

#include <gtest/gtest.h>

namespace vigie::storage {
namespace {

std::vector<std::string> texts(std::string_view script) {
  std::vector<std::string> out;
  for (auto& s : split_sql(script)) out.push_back(s.text);
  return out;
}

TEST(SplitSql, SplitsOnSemicolonsAndGivesEachStatementsFirstLine) {
  auto statements = split_sql("CREATE TABLE a (id int);\n\n  INSERT INTO a VALUES (1);\nSELECT 1");
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[0].text, "CREATE TABLE a (id int)");
  EXPECT_EQ(statements[0].line, 1);
  EXPECT_EQ(statements[1].text, "INSERT INTO a VALUES (1)");
  EXPECT_EQ(statements[1].line, 3);
  EXPECT_EQ(statements[2].text, "SELECT 1");  // the last one needs no semicolon
  EXPECT_EQ(statements[2].line, 4);
}

TEST(SplitSql, SemicolonsInQuotesAndCommentsEndNothing) {
  EXPECT_EQ(texts("SELECT 'a;b', 'it''s;'; SELECT 2"), (std::vector<std::string>{"SELECT 'a;b', 'it''s;'", "SELECT 2"}));
  EXPECT_EQ(texts(R"(SELECT "odd;name"""; SELECT 2)"), (std::vector<std::string>{R"(SELECT "odd;name""")", "SELECT 2"}));
  EXPECT_EQ(texts(R"(SELECT E'\';'; SELECT 2)"), (std::vector<std::string>{R"(SELECT E'\';')", "SELECT 2"}));
  // Outside an E'' string a backslash is an ordinary character.
  EXPECT_EQ(texts(R"(SELECT '\'; SELECT 2)"), (std::vector<std::string>{R"(SELECT '\')", "SELECT 2"}));
  EXPECT_EQ(texts("CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql; SELECT 2"),
            (std::vector<std::string>{"CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql", "SELECT 2"}));
  EXPECT_EQ(texts("DO $body$ BEGIN PERFORM ';$$;'; END $body$; SELECT 2"),
            (std::vector<std::string>{"DO $body$ BEGIN PERFORM ';$$;'; END $body$", "SELECT 2"}));
  EXPECT_EQ(texts("SELECT 1 -- a; comment\n; SELECT /* a /* nested; */ still; */ 2"),
            (std::vector<std::string>{"SELECT 1 -- a; comment", "SELECT /* a /* nested; */ still; */ 2"}));
}

TEST(SplitSql, ParametersAndDollarsInNamesAreNoQuotes) {
  EXPECT_EQ(texts("SELECT $1; SELECT a$b$ FROM t; SELECT 3"),
            (std::vector<std::string>{"SELECT $1", "SELECT a$b$ FROM t", "SELECT 3"}));
}

TEST(SplitSql, LeavesOutStatementsOfCommentsAndSpaceOnly) {
  auto statements = split_sql("-- header\n/* block\n comment */\n;;\n  ;\nSELECT 1;\n-- trailer\n");
  ASSERT_EQ(statements.size(), 1u);
  EXPECT_EQ(statements[0].text, "SELECT 1");
  EXPECT_EQ(statements[0].line, 6);
  EXPECT_TRUE(split_sql("").empty());
}

TEST(SplitSql, CountsLinesInsideQuotesAndComments) {
  auto statements = split_sql("SELECT 'a\nb';\n/* x\ny */ SELECT $$\n$$;\nSELECT 3;");
  ASSERT_EQ(statements.size(), 3u);
  EXPECT_EQ(statements[1].line, 4);
  EXPECT_EQ(statements[2].line, 6);
}

TEST(SplitSql, AnUnterminatedQuoteKeepsTheRestForTheServerToRefuse) {
  auto statements = split_sql("SELECT 1; SELECT 'open; SELECT 3;");
  ASSERT_EQ(statements.size(), 2u);
  EXPECT_EQ(statements[1].text, "SELECT 'open; SELECT 3;");
}

}  // namespace
}  // namespace vigie::storage
