// Numbered migrations against a real server: applied once, in order, each in its
// own transaction; refused when they disagree with what the database recorded;
// safe when two instances start at once.
#include "vigie/storage/migrations.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <future>

#include <prometheus/registry.h>

#include "postgres_fixture.h"

namespace vigie::storage {
namespace {

using namespace std::chrono_literals;
using ::testing::AllOf;
using ::testing::HasSubstr;
using testing::PostgresFixture;

const Migration kFirst{1, "first", "CREATE TABLE items (id int PRIMARY KEY, note text);\n"};
const Migration kSecond{2, "second",
                        "INSERT INTO items VALUES (1, 'a;b');\n"
                        "CREATE FUNCTION item_count() RETURNS bigint AS $$ SELECT count(*) FROM items; $$ LANGUAGE sql;\n"};
const Migration kThird{3, "third", "ALTER TABLE items ADD COLUMN extra int;"};

DatabaseOptions options_for(const PostgresFixture& pg) {
  DatabaseOptions o;
  o.url = pg.connection_string();
  return o;
}

class Migrations : public ::testing::Test {
 protected:
  Database& db() { return db_; }
  template <class T>
  T query(const std::string& sql) {
    return db_.with_transaction([&](pqxx::work& tx) { return tx.exec1(sql)[0].as<T>(); });
  }
  bool table_exists(const std::string& name) {
    return db_.with_transaction([&](pqxx::work& tx) {
      return !tx.exec_params1("SELECT to_regclass($1)", name)[0].is_null();
    });
  }

  PostgresFixture pg_;
  prometheus::Registry metrics_;
  Database db_{options_for(pg_), metrics_};
};

TEST_F(Migrations, ApplyInOrderOnAnEmptyDatabaseThenDoNothing) {
  EXPECT_EQ(migrate(db(), {kSecond, kFirst}), 2);  // given out of order, applied in order
  EXPECT_EQ(query<int>("SELECT item_count()"), 1);
  EXPECT_EQ(query<std::string>("SELECT string_agg(version || ':' || name || ':' || checksum, ',' ORDER BY version) "
                               "FROM schema_migrations"),
            "1:first:" + migration_checksum(kFirst) + ",2:second:" + migration_checksum(kSecond));

  EXPECT_EQ(migrate(db(), {kFirst, kSecond}), 0);
  EXPECT_EQ(query<int>("SELECT item_count()"), 1) << "migration 2 ran twice";
  EXPECT_EQ(migrate(db(), {kFirst, kSecond, kThird}), 1);
  EXPECT_EQ(query<int>("SELECT count(*) FROM schema_migrations"), 3);
}

TEST_F(Migrations, AMigrationChangedAfterItWasAppliedStopsEverything) {
  migrate(db(), {kFirst});
  Migration changed = kFirst;
  changed.sql += "-- an innocent comment\n";
  EXPECT_THAT([&] { migrate(db(), {changed, kSecond}); },
              ::testing::ThrowsMessage<MigrationError>(
                  AllOf(HasSubstr("0001_first"), HasSubstr("changed after it was applied"),
                        HasSubstr(migration_checksum(kFirst)), HasSubstr(migration_checksum(changed)))));
  EXPECT_EQ(query<int>("SELECT count(*) FROM pg_proc WHERE proname = 'item_count'"), 0) << "a later migration ran";
  EXPECT_EQ(query<int>("SELECT count(*) FROM schema_migrations"), 1);

  Migration renamed = kFirst;
  renamed.name = "renamed";
  EXPECT_THAT([&] { migrate(db(), {renamed}); },
              ::testing::ThrowsMessage<MigrationError>(AllOf(HasSubstr("0001_first"), HasSubstr("0001_renamed"))));
}

TEST_F(Migrations, ANewMigrationMustComeAfterEveryAppliedOne) {
  migrate(db(), {kFirst, kThird});
  EXPECT_THAT([&] { migrate(db(), {kFirst, kSecond, kThird}); },
              ::testing::ThrowsMessage<MigrationError>(AllOf(HasSubstr("0002_second"), HasSubstr("0003_third"))));
}

TEST_F(Migrations, AMigrationTheBuildDoesNotKnowIsLeftAlone) {
  migrate(db(), {kFirst, kSecond});
  EXPECT_EQ(migrate(db(), {kFirst}), 0);  // an older build starting against a newer schema
}

TEST_F(Migrations, AFailedStatementIsNamedAndItsMigrationRolledBack) {
  const Migration broken{1, "broken",
                         "CREATE TABLE kept_if_committed (id int);\n"
                         "\n"
                         "-- the faulty one:\n"
                         "INSERT INTO no_such_table VALUES (1);\n"
                         "CREATE TABLE never (id int);\n"};
  EXPECT_THAT([&] { migrate(db(), {broken}); },
              ::testing::ThrowsMessage<MigrationError>(
                  AllOf(HasSubstr("0001_broken"), HasSubstr("statement 2 of 3"), HasSubstr("line 4"),
                        HasSubstr("INSERT INTO no_such_table"), HasSubstr("does not exist"))));
  EXPECT_FALSE(table_exists("kept_if_committed"));
  EXPECT_EQ(query<int>("SELECT count(*) FROM schema_migrations"), 0);
}

TEST_F(Migrations, TwoInstancesMigratingAtOnceApplyEachMigrationOnce) {
  // The first migration holds the lock long enough for the other instance to wait on it.
  const Migration slow{1, "slow", "SELECT pg_sleep(0.5); CREATE TABLE items (id int PRIMARY KEY, note text);"};
  prometheus::Registry other_metrics;
  Database other(options_for(pg_), other_metrics);
  auto a = std::async(std::launch::async, [&] { return migrate(db(), {slow, kSecond, kThird}); });
  auto b = std::async(std::launch::async, [&] { return migrate(other, {slow, kSecond, kThird}); });
  EXPECT_EQ(a.get() + b.get(), 3);
  EXPECT_EQ(query<int>("SELECT item_count()"), 1);
  EXPECT_EQ(query<int>("SELECT count(*) FROM schema_migrations"), 3);
}

TEST_F(Migrations, VersionsMustBeUniqueAndPositive) {
  EXPECT_THROW(migrate(db(), {kFirst, Migration{1, "again", "SELECT 1"}}), std::invalid_argument);
  EXPECT_THROW(migrate(db(), {Migration{0, "zero", "SELECT 1"}}), std::invalid_argument);
  EXPECT_EQ((Migration{7, "seven", ""}.label()), "0007_seven");
}

}  // namespace
}  // namespace vigie::storage
