// The private PostgreSQL server that tests and the local run get from
// deploy/local/postgres.sh, checked the way a user would: through libpqxx, /proc
// and the server's own settings.
#include "postgres_fixture.h"

#include <cstdlib>
#include <future>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>
#include <sys/stat.h>
#include <unistd.h>

namespace vigie::testing {
namespace {

std::string query_text(pqxx::connection& connection, const std::string& sql) {
  pqxx::nontransaction tx{connection};
  return tx.exec1(sql)[0].as<std::string>();
}

// Real, effective, saved and file-system uid of a running process.
std::vector<uid_t> process_uids(const std::string& pid) {
  std::istringstream status(read_file("/proc/" + pid + "/status"));
  for (std::string line; std::getline(status, line);) {
    if (line.starts_with("Uid:")) {
      std::istringstream fields(line.substr(4));
      std::vector<uid_t> uids;
      for (uid_t uid = 0; fields >> uid;) uids.push_back(uid);
      return uids;
    }
  }
  return {};
}

TEST(PostgresFixture, StoresAndReadsRowsInUtf8) {
  PostgresFixture pg;
  pqxx::connection connection{pg.connection_string()};
  {
    pqxx::work tx{connection};
    tx.exec0("CREATE TABLE cameras (id integer PRIMARY KEY, name text NOT NULL)");
    tx.exec_params0("INSERT INTO cameras VALUES ($1, $2)", 7, "Caméra Hôtel-de-Ville");
    tx.commit();
  }
  EXPECT_EQ(query_text(connection, "SELECT name FROM cameras WHERE id = 7"), "Caméra Hôtel-de-Ville");
  EXPECT_EQ(query_text(connection, "SHOW server_encoding"), "UTF8");
  EXPECT_EQ(query_text(connection, "SELECT current_database()"), "vigie");
  EXPECT_EQ(query_text(connection, "SELECT current_user"), "vigie");
}

TEST(PostgresFixture, ServerRunsUnprivilegedAndOnlyOnTheUnixSocket) {
  PostgresFixture pg;
  pqxx::connection connection{pg.connection_string()};
  EXPECT_EQ(query_text(connection, "SHOW listen_addresses"), "");
  EXPECT_EQ(query_text(connection, "SELECT inet_server_addr() IS NULL"), "t");

  const std::string data_dir = query_text(connection, "SELECT current_setting('data_directory')");
  struct stat data_stat {};
  ASSERT_EQ(stat(data_dir.c_str(), &data_stat), 0) << data_dir;
  if (geteuid() == 0) {
    EXPECT_NE(data_stat.st_uid, 0u) << "the cluster belongs to root";
  } else {
    EXPECT_EQ(data_stat.st_uid, geteuid());
  }
  std::istringstream pid_file(read_file(data_dir + "/postmaster.pid"));
  std::string postmaster;
  ASSERT_TRUE(std::getline(pid_file, postmaster)) << data_dir << "/postmaster.pid";
  const std::string backend = query_text(connection, "SELECT pg_backend_pid()");
  for (const auto& pid : {postmaster, backend}) {
    const std::vector<uid_t> uids = process_uids(pid);
    ASSERT_EQ(uids.size(), 4u) << "no uids for process " << pid;
    for (uid_t uid : uids) EXPECT_EQ(uid, data_stat.st_uid) << "process " << pid;
  }
}

TEST(PostgresFixture, StopIsAnOutageAndStartBringsTheDataBack) {
  PostgresFixture pg;
  const std::string conninfo = pg.connection_string();
  {
    pqxx::connection connection{conninfo};
    pqxx::work tx{connection};
    tx.exec0("CREATE TABLE alerts (id bigint PRIMARY KEY)");
    tx.exec0("INSERT INTO alerts VALUES (42)");
    tx.commit();
  }

  pg.stop();
  EXPECT_THROW(pqxx::connection{conninfo}, pqxx::broken_connection);
  pg.stop();  // an outage that is already on is no error

  pg.start();
  EXPECT_EQ(pg.connection_string(), conninfo);
  pg.start();  // a server that runs is left alone
  EXPECT_EQ(pg.connection_string(), conninfo);
  pqxx::connection connection{conninfo};
  EXPECT_EQ(query_text(connection, "SELECT id FROM alerts"), "42");
}

TEST(PostgresFixture, TwoServersAtOnceAreIndependent) {
  auto start = [] { return std::make_unique<PostgresFixture>(); };
  auto a_started = std::async(std::launch::async, start);
  auto b_started = std::async(std::launch::async, start);
  std::unique_ptr<PostgresFixture> a = a_started.get();
  std::unique_ptr<PostgresFixture> b = b_started.get();
  ASSERT_NE(a->connection_string(), b->connection_string());

  {
    pqxx::connection connection{a->connection_string()};
    pqxx::work tx{connection};
    tx.exec0("CREATE TABLE only_in_a (id integer)");
    tx.commit();
  }
  pqxx::connection to_b{b->connection_string()};
  EXPECT_EQ(query_text(to_b, "SELECT to_regclass('only_in_a') IS NULL"), "t");

  a->stop();
  EXPECT_THROW(pqxx::connection{a->connection_string()}, pqxx::broken_connection);
  EXPECT_EQ(query_text(to_b, "SELECT 1"), "1");
}

TEST(PostgresFixture, FailureToStartSaysWhatFailed) {
  ASSERT_EQ(setenv("VIGIE_PG_PORT", "not-a-port", 1), 0);
  auto start = [] { PostgresFixture pg; };
  EXPECT_THAT(start, ::testing::ThrowsMessage<std::runtime_error>(
                         ::testing::HasSubstr("VIGIE_PG_PORT=not-a-port is not a port number")));
  unsetenv("VIGIE_PG_PORT");
}

}  // namespace
}  // namespace vigie::testing
