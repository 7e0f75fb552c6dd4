// vigie-broker: the embedded Kafka broker for one machine (local runs and tests).
#include <cstdio>

#include "mock_cluster.h"
#include "vigie/app/runtime.h"
#include "vigie/bus/bus_config.h"
#include "vigie/log/log.h"

int main(int argc, char** argv) {
  using namespace vigie;
  auto spec = app::base_spec(
      "vigie-broker",
      "Embedded Kafka broker for ONE machine: hosts librdkafka's mock cluster, which speaks\n"
      "the real Kafka protocol over TCP on loopback, and creates Vigie's topics.\n"
      "It keeps every message IN MEMORY ONLY (lost when it stops, about the last 5 MB of\n"
      "each partition kept) and does not compact. For local runs and tests only: in\n"
      "production run a real Kafka cluster; services then only change VIGIE_KAFKA_BOOTSTRAP.",
      9400);
  bus::declare_settings(spec, false);
  spec.integer("VIGIE_BROKER_COUNT", 3, 1, 16, "number of brokers in the mock cluster")
      .text("VIGIE_BROKER_BOOTSTRAP_FILE", "",
            "file the bootstrap address (host:port,...) is written to once the brokers listen")
      .note("Admin routes besides /healthz, /readyz, /metrics (fault injection for tests):\n"
            "  GET /control/bootstrap    the bootstrap address\n"
            "  POST /control/down        set every broker down (connections refused)\n"
            "  POST /control/up          bring them back");
  auto settings = spec.load(argc, argv);
  app::Runtime runtime("vigie-broker", settings);
  auto config = bus::from_settings(settings, false);

  broker::MockCluster cluster(static_cast<int>(settings.integer("VIGIE_BROKER_COUNT")), config);
  auto& admin = runtime.admin();
  admin.route("GET", "/control/bootstrap", [&](const admin::Request&) {
    return admin::Response{200, "text/plain; charset=utf-8", cluster.bootstrap() + "\n"};
  });
  admin.route("POST", "/control/down", [&](const admin::Request&) {
    cluster.set_all_down();
    log::warn("fault injection: every broker is down");
    return admin::Response{200, "text/plain; charset=utf-8", "down\n"};
  });
  admin.route("POST", "/control/up", [&](const admin::Request&) {
    cluster.set_all_up();
    log::info("fault injection over: brokers are up");
    return admin::Response{200, "text/plain; charset=utf-8", "up\n"};
  });
  admin.add_readiness_check("brokers", [&] { return !cluster.down(); });

  if (const auto& file = settings.text("VIGIE_BROKER_BOOTSTRAP_FILE"); !file.empty())
    app::write_file_atomically(file, cluster.bootstrap() + "\n");
  log::info("embedded broker ready (in memory only)",
            {{"bootstrap", cluster.bootstrap()}, {"brokers", cluster.brokers()},
             {"topic_prefix", config.topic_prefix}});
  runtime.wait_for_stop();
  log::info("embedded broker stopped");
  return 0;
}
