// The pool and its transactions against a real PostgreSQL server: what a
// transaction returns, what it refuses to retry, how many connections it opens,
// and a real outage (the server stopped, then started again) ridden out.
#include "vigie/storage/database.h"

#include <gtest/gtest.h>

#include <future>
#include <mutex>
#include <set>
#include <thread>

#include <prometheus/registry.h>

#include "postgres_fixture.h"
#include "vigie/storage/text_array.h"

namespace vigie::storage {
namespace {

using namespace std::chrono_literals;
using testing::PostgresFixture;

DatabaseOptions options_for(const PostgresFixture& pg, std::size_t pool_size = 2) {
  DatabaseOptions o;
  // Trust authentication ignores the password: it is here to be kept out of sight.
  o.url = pg.connection_string() + " password=hunter2";
  o.pool_size = pool_size;
  o.initial_backoff = 50ms;
  o.max_backoff = 500ms;
  return o;
}

TEST(Database, RunsTransactionsAndGivesBackWhatTheyReturn) {
  PostgresFixture pg;
  prometheus::Registry metrics;
  Database db(options_for(pg), metrics);
  EXPECT_FALSE(db.connected());  // nothing tried yet
  db.with_transaction([](pqxx::work& tx) { tx.exec0("CREATE TABLE t (v text)"); });
  const int inserted = db.with_transaction([](pqxx::work& tx) {
    tx.exec_params0("INSERT INTO t VALUES ($1)", "one");
    return 1;
  });
  EXPECT_EQ(inserted, 1);
  EXPECT_TRUE(db.connected());
  EXPECT_EQ(db.target().dbname, "vigie");
  EXPECT_EQ(db.target().describe().find("hunter2"), std::string::npos);
}

TEST(Database, AnErrorRollsBackAndReachesTheCallerAtOnce) {
  PostgresFixture pg;
  prometheus::Registry metrics;
  Database db(options_for(pg, 1), metrics);
  db.with_transaction([](pqxx::work& tx) { tx.exec0("CREATE TABLE t (v int PRIMARY KEY)"); });

  EXPECT_THROW(db.with_transaction([](pqxx::work& tx) {
    tx.exec0("INSERT INTO t VALUES (1)");
    throw std::runtime_error("the caller's own error");
  }), std::runtime_error);
  const auto started = std::chrono::steady_clock::now();
  EXPECT_THROW(db.with_transaction([](pqxx::work& tx) { tx.exec0("SELEKT 1"); }), pqxx::syntax_error);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 1s) << "an SQL error was retried";

  // The one connection of the pool went back to it after each failure.
  const auto count = db.with_transaction([](pqxx::work& tx) { return tx.exec1("SELECT count(*) FROM t")[0].as<int>(); });
  EXPECT_EQ(count, 0);
}

TEST(Database, OpensNoMoreConnectionsThanThePoolSize) {
  PostgresFixture pg;
  prometheus::Registry metrics;
  Database db(options_for(pg, 2), metrics);
  std::mutex mutex;
  std::set<int> backends;
  std::vector<std::future<void>> running;
  for (int i = 0; i < 6; ++i) {
    running.push_back(std::async(std::launch::async, [&] {
      db.with_transaction([&](pqxx::work& tx) {
        const int pid = tx.exec1("SELECT pg_backend_pid() FROM pg_sleep(0.2)")[0].as<int>();
        std::lock_guard lock(mutex);
        backends.insert(pid);
      });
    }));
  }
  for (auto& r : running) r.get();
  EXPECT_EQ(backends.size(), 2u);
}

TEST(Database, ATransactionIssuedDuringAnOutageCompletesAfterIt) {
  PostgresFixture pg;
  prometheus::Registry metrics;
  Database db(options_for(pg), metrics);
  db.with_transaction([](pqxx::work& tx) { tx.exec0("CREATE TABLE t (v text)"); });
  ::testing::internal::CaptureStderr();

  pg.stop();
  auto pending = std::async(std::launch::async, [&] {
    db.with_transaction([](pqxx::work& tx) { tx.exec_params0("INSERT INTO t VALUES ($1)", "during the outage"); },
                        60s);
  });
  EXPECT_EQ(pending.wait_for(5s), std::future_status::timeout) << "completed while the server was down";
  EXPECT_FALSE(db.connected());
  pg.start();
  ASSERT_EQ(pending.wait_for(20s), std::future_status::ready);
  pending.get();
  EXPECT_TRUE(db.connected());

  const std::string logs = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(logs.find("database unreachable"), std::string::npos) << logs;
  EXPECT_NE(logs.find("database reachable"), std::string::npos) << logs;
  EXPECT_EQ(logs.find("hunter2"), std::string::npos) << logs;
  EXPECT_EQ(db.with_transaction([](pqxx::work& tx) { return tx.exec1("SELECT v FROM t")[0].as<std::string>(); }),
            "during the outage");
}

TEST(Database, GivesUpAfterThePatienceItWasGivenOrWhenToldToStop) {
  PostgresFixture pg;
  prometheus::Registry metrics;
  Database db(options_for(pg), metrics);
  pg.stop();

  auto started = std::chrono::steady_clock::now();
  try {
    db.with_transaction([](pqxx::work& tx) { tx.exec0("SELECT 1"); }, 1s);
    ADD_FAILURE() << "no error with the server down";
  } catch (const DatabaseUnavailable& e) {
    EXPECT_NE(std::string(e.what()).find("dbname=vigie"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
  }
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);

  std::stop_source stop;
  started = std::chrono::steady_clock::now();
  std::jthread stopper([&] {
    std::this_thread::sleep_for(300ms);
    stop.request_stop();
  });
  EXPECT_THROW(db.with_transaction([](pqxx::work& tx) { tx.exec0("SELECT 1"); }, 60s, stop.get_token()),
               DatabaseUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - started, 3s);
}

TEST(Database, WaitUntilConnectedWaitsForTheServer) {
  PostgresFixture pg;
  prometheus::Registry metrics;
  Database db(options_for(pg), metrics);
  pg.stop();
  auto waiting = std::async(std::launch::async, [&] { return db.wait_until_connected({}); });
  EXPECT_EQ(waiting.wait_for(1s), std::future_status::timeout);
  pg.start();
  ASSERT_EQ(waiting.wait_for(20s), std::future_status::ready);
  EXPECT_TRUE(waiting.get());

  std::stop_source stop;
  stop.request_stop();
  EXPECT_FALSE(db.wait_until_connected(stop.get_token()));
}

TEST(TextArray, EveryStringSurvivesTheRoundTripAsAParameter) {
  PostgresFixture pg;
  prometheus::Registry metrics;
  Database db(options_for(pg), metrics);
  const std::vector<std::string> values{"",           "plain",  "a,b",        "\"quoted\"", "back\\slash",
                                        "{braces}",   "NULL",   " spaced ",   "é ✓",        "'; DROP TABLE x; --",
                                        "line\nbreak"};
  db.with_transaction([&](pqxx::work& tx) {
    const auto row = tx.exec_params1("SELECT $1::text[], array_length($1::text[], 1), ($1::text[])[5]",
                                     text_array_literal(values));
    EXPECT_EQ(read_text_array(row[0]), values);
    EXPECT_EQ(row[1].as<size_t>(), values.size());
    EXPECT_EQ(row[2].as<std::string>(), "back\\slash");
    EXPECT_TRUE(read_text_array(tx.exec_params1("SELECT $1::text[]", text_array_literal({}))[0]).empty());
    EXPECT_THROW(read_text_array(tx.exec1("SELECT ARRAY['a', NULL]")[0]), std::invalid_argument);
  });
}

}  // namespace
}  // namespace vigie::storage
