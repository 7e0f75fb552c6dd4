// Where a connection string points, readable in logs without what it must hide.
#include "vigie/storage/connection_target.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace vigie::storage {
namespace {

TEST(ConnectionTarget, KeyValueStringsGiveHostPortDatabaseAndUserButNoPassword) {
  auto t = parse_connection_target("host=db.example port=5433 dbname=vigie user=events password=hunter2 sslmode=require");
  EXPECT_EQ(t.host, "db.example");
  EXPECT_EQ(t.port, "5433");
  EXPECT_EQ(t.dbname, "vigie");
  EXPECT_EQ(t.user, "events");
  EXPECT_EQ(t.describe(), "host=db.example port=5433 dbname=vigie user=events");
}

TEST(ConnectionTarget, UrisToo) {
  auto t = parse_connection_target("postgresql://events:hunter2@db.example:6543/alerts?sslmode=require");
  EXPECT_EQ(t.describe(), "host=db.example port=6543 dbname=alerts user=events");
  EXPECT_EQ(parse_connection_target("postgresql://%2Frun%2Fpg/vigie").host, "/run/pg");
}

TEST(ConnectionTarget, WhatLibpqRefusesIsReportedWithoutQuotingIt) {
  for (const char* bad : {"host=db password='hunter2", "password=hunter2 nonsense", "postgresql://u:hunter2@h/db?nosuchoption=1"}) {
    SCOPED_TRACE(bad);
    try {
      parse_connection_target(bad);
      ADD_FAILURE() << "accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
    }
  }
}

TEST(ConnectionTarget, NothingSetSaysSo) { EXPECT_EQ(parse_connection_target("").describe(), "libpq defaults"); }

}  // namespace
}  // namespace vigie::storage
