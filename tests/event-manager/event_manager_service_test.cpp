// vigie-event-manager as it runs: a process against a private PostgreSQL and the
// embedded broker. It waits for the database (not ready meanwhile), applies the
// schema, publishes the cameras the database holds, serves its admin endpoint,
// never shows the database password, and refuses a schema that was tampered with.
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <thread>

#include <sys/wait.h>

#include "broker_fixture.h"
#include "camera_store.h"
#include "event_manager_process.h"
#include "event_manager_test_support.h"
#include "http_client.h"
#include "migrations.h"
#include "process.h"
#include "topic_reader.h"

namespace vigie::testing {
namespace {

using namespace std::chrono_literals;

std::string database_url(const EventManagerDatabase& em) {
  // Trust authentication ignores it: the password is there to be kept out of sight.
  return em.pg.connection_string() + " password=hunter2";
}

TEST(EventManagerService, BecomesReadyAndPublishesTheCamerasOfTheDatabase) {
  EventManagerDatabase em;
  event_manager::CameraStore cameras(em.db, std::nullopt);
  cameras.create(example_camera("cam-1"), "user:a");
  cameras.create(example_camera("cam-2"), "user:a");
  cameras.update(example_camera("cam-2"), "user:a");
  em.exec("DELETE FROM camera_outbox");  // only the start will publish them
  BrokerFixture broker;
  TopicReader reader(broker, {bus::Topic::cameras});

  EventManagerProcess service(broker, database_url(em));
  const std::string url = service.admin_url();
  ASSERT_FALSE(url.empty()) << service.log();
  EXPECT_EQ(http_get(url + "/healthz").status, 200);
  ASSERT_TRUE(wait_until([&] { return http_get(url + "/readyz").status == 200; }, 30s))
      << http_get(url + "/readyz").body << service.log();

  // Ready once the cameras are published; the reader follows soon after.
  std::map<std::string, uint64_t> published;
  EXPECT_TRUE(wait_until(
      [&] {
        for (const auto& [key, camera] : reader.read<v1::Camera>(bus::Topic::cameras)) published[key] = camera.revision();
        return published.size() == 2;
      },
      10s));
  EXPECT_EQ(published, (std::map<std::string, uint64_t>{{"cam-1", 1}, {"cam-2", 2}}));

  const auto metrics = http_get(url + "/metrics");
  EXPECT_NE(metrics.body.find("vigie_database_connected 1"), std::string::npos) << metrics.body;
  EXPECT_NE(metrics.body.find("vigie_event_manager_cameras_published_total{kind=\"camera\"} 2"), std::string::npos)
      << metrics.body;
  TempDir dir;
  std::ofstream(dir.path() + "/metrics.txt") << metrics.body;
  const std::string check = std::string(PROMTOOL) + " check metrics < " + dir.path() + "/metrics.txt > " +
                            dir.path() + "/promtool.out 2>&1";
  EXPECT_EQ(std::system(check.c_str()), 0) << read_file(dir.path() + "/promtool.out");

  // A camera added while it runs (here by the test, through the outbox) is published too.
  cameras.create(example_camera("cam-3"), "user:a");
  EXPECT_TRUE(wait_until([&] { return reader.read<v1::Camera>(bus::Topic::cameras).size() == 3; }, 20s));

  service.process().signal(SIGTERM);
  auto status = service.process().wait(20s);
  ASSERT_TRUE(status) << "no exit on SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << service.log();
  EXPECT_EQ(service.log().find("hunter2"), std::string::npos) << service.log();
}

TEST(EventManagerService, WaitsNotReadyForTheDatabaseThenMigratesIt) {
  PostgresFixture pg;  // an empty database
  pg.stop();
  BrokerFixture broker;
  EventManagerProcess service(broker, pg.connection_string() + " password=hunter2");
  const std::string url = service.admin_url();
  ASSERT_FALSE(url.empty()) << service.log();
  std::this_thread::sleep_for(2s);
  EXPECT_EQ(http_get(url + "/healthz").status, 200);
  const auto waiting = http_get(url + "/readyz");
  EXPECT_EQ(waiting.status, 503);
  EXPECT_NE(waiting.body.find("database"), std::string::npos) << waiting.body;

  pg.start();
  ASSERT_TRUE(wait_until([&] { return http_get(url + "/readyz").status == 200; }, 30s))
      << http_get(url + "/readyz").body << service.log();
  pqxx::connection connection(pg.connection_string());
  EXPECT_EQ(pqxx::nontransaction(connection).exec1("SELECT count(*) FROM schema_migrations")[0].as<size_t>(),
            event_manager::migrations().size())
      << service.log();
  EXPECT_EQ(service.log().find("hunter2"), std::string::npos) << service.log();
}

TEST(EventManagerService, RefusesToStartOnAMigrationChangedSinceItWasApplied) {
  EventManagerDatabase em;
  em.exec("UPDATE schema_migrations SET checksum = 'tampered' WHERE version = 1");
  BrokerFixture broker;
  EventManagerProcess service(broker, database_url(em));
  auto status = service.process().wait(30s);
  ASSERT_TRUE(status) << service.log();
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 1) << service.log();
  EXPECT_NE(service.log().find("0001_cameras_and_analyses was changed after it was applied"), std::string::npos)
      << service.log();
}

TEST(EventManagerService, NeverEchoesTheDatabaseUrl) {
  TempDir dir;
  auto run = [&](std::vector<std::string> args, std::map<std::string, std::string> env) {
    args.insert(args.begin(), binary_path("vigie-event-manager"));
    Process p({args, env, dir.path() + "/out", {}});
    auto status = p.wait(30s);
    return std::pair{status && WIFEXITED(*status) ? WEXITSTATUS(*status) : -1, read_file(dir.path() + "/out")};
  };
  auto [help_code, help] = run({"--help"}, {});
  EXPECT_EQ(help_code, 0);
  EXPECT_NE(help.find("VIGIE_DATABASE_URL"), std::string::npos) << help;
  EXPECT_NE(help.find("VIGIE_HTTP_ADDR"), std::string::npos) << help;

  auto [missing_code, missing] = run({}, {{"VIGIE_DATABASE_URL", ""}});
  EXPECT_EQ(missing_code, 2) << missing;
  EXPECT_NE(missing.find("VIGIE_DATABASE_URL"), std::string::npos) << missing;

  auto [bad_code, bad] = run({}, {{"VIGIE_DATABASE_URL", "host=db password='hunter2"}});
  EXPECT_EQ(bad_code, 2) << bad;
  EXPECT_NE(bad.find("VIGIE_DATABASE_URL"), std::string::npos) << bad;
  EXPECT_EQ(bad.find("hunter2"), std::string::npos) << bad;
}

}  // namespace
}  // namespace vigie::testing
