// Every vigie-* executable answers --help and refuses a bad value by name; every
// service serves /healthz, /readyz and /metrics, and promtool accepts the metrics.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "broker_fixture.h"
#include "http_client.h"
#include "process.h"
#include "service_process.h"

namespace vigie::testing {
namespace {

using namespace std::chrono_literals;

struct Run {
  int exit_code = -1;
  std::string output;
};

Run run(const std::string& binary, std::vector<std::string> args, std::map<std::string, std::string> env) {
  TempDir dir;
  args.insert(args.begin(), binary);
  Process p({args, env, dir.path() + "/out", {}});
  auto status = p.wait(30s);
  Run r;
  if (status && WIFEXITED(*status)) r.exit_code = WEXITSTATUS(*status);
  r.output = read_file(dir.path() + "/out");
  return r;
}

std::vector<std::string> executables() {
  std::vector<std::string> out;
  for (auto& entry : std::filesystem::directory_iterator(VIGIE_BIN_DIR)) {
    auto name = entry.path().filename().string();
    if (name.rfind("vigie-", 0) == 0 && entry.is_regular_file()) out.push_back(name);
  }
  std::sort(out.begin(), out.end());
  return out;
}

// Test servers started by fixtures take command-line options rather than the
// services' environment: the bad value they are given differs.
std::pair<std::vector<std::string>, std::string> bad_value_for(const std::string& name) {
  if (name == "vigie-rtsp-server" || name == "vigie-http-media") return {{"--port", "not-a-port"}, "--port"};
  return {{}, "VIGIE_LOG_LEVEL"};
}

TEST(Executables, EveryOneAnswersHelpAndRefusesABadValueByName) {
  auto all = executables();
  ASSERT_FALSE(all.empty());
  for (auto& name : all) {
    SCOPED_TRACE(name);
    auto help = run(binary_path(name), {"--help"}, {});
    EXPECT_EQ(help.exit_code, 0) << help.output;
    EXPECT_NE(help.output.find(name), std::string::npos) << help.output;

    auto [args, variable] = bad_value_for(name);
    auto bad = run(binary_path(name), args, {{"VIGIE_LOG_LEVEL", "shouting"}});
    EXPECT_EQ(bad.exit_code, 2) << bad.output;
    EXPECT_NE(bad.output.find(variable), std::string::npos) << bad.output;
  }
}

void check_admin_endpoints(const std::string& name, std::map<std::string, std::string> env) {
  SCOPED_TRACE(name);
  TempDir dir;
  ServiceProcess service(name, std::move(env));
  const std::string url = service.admin_url();
  ASSERT_FALSE(url.empty()) << service.log();

  EXPECT_EQ(http_get(url + "/healthz").status, 200);
  EXPECT_TRUE(service.ready(30s)) << http_get(url + "/readyz").body;
  auto metrics = http_get(url + "/metrics");
  ASSERT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.content_type.find("text/plain"), std::string::npos);
  EXPECT_NE(metrics.body.find("process_resident_memory_bytes"), std::string::npos);
  std::ofstream(dir.path() + "/metrics.txt") << metrics.body;
  std::string cmd = std::string(PROMTOOL) + " check metrics < " + dir.path() + "/metrics.txt > " +
                    dir.path() + "/promtool.out 2>&1";
  EXPECT_EQ(std::system(cmd.c_str()), 0) << read_file(dir.path() + "/promtool.out") << metrics.body;
  EXPECT_EQ(http_get(url + "/nope").status, 404);

  service.process().signal(SIGTERM);
  auto status = service.process().wait(20s);
  ASSERT_TRUE(status) << name << " did not stop on SIGTERM";
  EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0) << service.log();
}

TEST(Executables, EveryServiceServesTheAdminEndpointsAndStopsCleanlyOnSigterm) {
  BrokerFixture broker;
  std::map<std::string, std::string> kafka{{"VIGIE_KAFKA_BOOTSTRAP", broker.bootstrap()}};
  check_admin_endpoints("vigie-broker", {});
  check_admin_endpoints("vigie-ingest", kafka);
  check_admin_endpoints("vigie-motion", kafka);
  check_admin_endpoints("vigie-inference", kafka);
  TempDir dir;
  auto probe_env = kafka;
  probe_env["VIGIE_PROBE_OUT"] = dir.path() + "/probe.out";
  check_admin_endpoints("vigie-bus-probe", probe_env);
}

TEST(Executables, TheBrokerIsNotReadyWhileItsBrokersAreDown) {
  BrokerFixture broker;
  EXPECT_EQ(http_get(broker.admin_url() + "/readyz").status, 200);
  broker.set_down();
  auto down = http_get(broker.admin_url() + "/readyz");
  EXPECT_EQ(down.status, 503);
  EXPECT_NE(down.body.find("brokers not ready"), std::string::npos);
  broker.set_up();
  EXPECT_EQ(http_get(broker.admin_url() + "/readyz").status, 200);
  EXPECT_EQ(http_get(broker.admin_url() + "/control/bootstrap").body, broker.bootstrap() + "\n");
  EXPECT_EQ(http_get(broker.admin_url() + "/control/down").status, 405);
}

}  // namespace
}  // namespace vigie::testing
