// librdkafka's events for one client: errors and logs become log lines and
// metrics, statistics become the consumer-lag gauges and the connected flag that
// /readyz reads.
#pragma once

#include <atomic>
#include <map>
#include <string>

#include <librdkafka/rdkafkacpp.h>
#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>

namespace vigie::metrics {
class Metrics;
}

namespace vigie::bus {

class ClientEvents : public RdKafka::EventCb {
 public:
  ClientEvents(std::string client, metrics::Metrics& metrics);
  void event_cb(RdKafka::Event& event) override;
  bool connected() const { return connected_; }
  void set_connected(bool up) { connected_ = up; }

 private:
  void on_stats(const std::string& json);

  std::string client_;
  std::atomic<bool> connected_{false};
  prometheus::Family<prometheus::Counter>& errors_;
  prometheus::Family<prometheus::Gauge>& lag_;
  // Gauges of the partitions this client reads now; a partition that moved to
  // another instance loses its gauge rather than keep a stale value.
  std::map<std::pair<std::string, std::string>, prometheus::Gauge*> lag_gauges_;
};

}  // namespace vigie::bus
