#include "client_events.h"

#include <nlohmann/json.hpp>

#include "vigie/log/log.h"
#include "vigie/metrics/metrics.h"

namespace vigie::bus {

ClientEvents::ClientEvents(std::string client, metrics::Metrics& metrics)
    : client_(std::move(client)),
      errors_(prometheus::BuildCounter()
                  .Name("vigie_bus_client_errors_total")
                  .Help("Errors reported by the Kafka client (connections, brokers down ...)")
                  .Register(metrics.registry())),
      lag_(prometheus::BuildGauge()
               .Name("vigie_bus_consumer_lag")
               .Help("Messages behind the partition's end, per consumer and consumed partition")
               .Register(metrics.registry())) {}

void ClientEvents::event_cb(RdKafka::Event& event) {
  switch (event.type()) {
    case RdKafka::Event::EVENT_ERROR: {
      auto code = event.err();
      errors_.Add({{"client", client_}, {"error", RdKafka::err2str(code)}}).Increment();
      if (code == RdKafka::ERR__ALL_BROKERS_DOWN) connected_ = false;
      log::Level level = event.fatal() ? log::Level::error : log::Level::warn;
      log::write(level, "kafka client error",
                 {{"client", client_}, {"error", RdKafka::err2str(code)}, {"detail", event.str()}});
      break;
    }
    case RdKafka::Event::EVENT_STATS:
      on_stats(event.str());
      break;
    case RdKafka::Event::EVENT_LOG:
      // Up to "error", log events repeat what EVENT_ERROR already reported
      // (refused connections ...).
      if (event.severity() <= RdKafka::Event::EVENT_SEVERITY_CRITICAL)
        log::warn("kafka client", {{"client", client_}, {"facility", event.fac()}, {"detail", event.str()}});
      break;
    default:
      break;
  }
}

void ClientEvents::on_stats(const std::string& text) {
  auto stats = nlohmann::json::parse(text, nullptr, false);
  if (stats.is_discarded()) return;
  bool any_up = false;
  // Named copies: items() of a temporary would dangle inside the loops.
  const auto brokers = stats.value("brokers", nlohmann::json::object());
  for (auto& [_, broker] : brokers.items()) {
    // The bootstrap pseudo-brokers have nodeid -1 and do not count as a connection.
    if (broker.value("nodeid", -1) >= 0 && broker.value("state", "") == "UP") any_up = true;
  }
  connected_ = any_up;
  const auto topics = stats.value("topics", nlohmann::json::object());
  std::map<std::pair<std::string, std::string>, prometheus::Gauge*> seen;
  for (auto& [topic, t] : topics.items()) {
    const auto partitions = t.value("partitions", nlohmann::json::object());
    for (auto& [partition, p] : partitions.items()) {
      if (partition == "-1") continue;
      int64_t lag = p.value("consumer_lag", int64_t{-1});
      if (lag < 0) continue;  // not consumed by this client
      auto& gauge = lag_.Add({{"client", client_}, {"topic", topic}, {"partition", partition}});
      gauge.Set(static_cast<double>(lag));
      seen[{topic, partition}] = &gauge;
    }
  }
  for (auto& [key, gauge] : lag_gauges_) {
    if (!seen.count(key)) lag_.Remove(gauge);
  }
  lag_gauges_ = std::move(seen);
}

}  // namespace vigie::bus
