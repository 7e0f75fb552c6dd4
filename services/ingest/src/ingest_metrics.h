// The per-camera metrics of ingest (Grafana's camera row and alert rules read them).
#pragma once

#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/registry.h>

namespace vigie::ingest {

struct CameraMetrics {
  prometheus::Gauge& up;
  prometheus::Gauge& fps;
  prometheus::Counter& published;
  prometheus::Counter& dropped;
  prometheus::Counter& reconnects;
};

class IngestMetrics {
 public:
  explicit IngestMetrics(prometheus::Registry& registry);
  CameraMetrics camera(const std::string& camera_id);
  // A camera this instance no longer reads leaves no stale series behind.
  void forget(const std::string& camera_id);
  prometheus::Gauge& running() { return running_; }

 private:
  prometheus::Family<prometheus::Gauge>& up_;
  prometheus::Family<prometheus::Gauge>& fps_;
  prometheus::Family<prometheus::Counter>& published_;
  prometheus::Family<prometheus::Counter>& dropped_;
  prometheus::Family<prometheus::Counter>& reconnects_;
  prometheus::Gauge& running_;
};

}  // namespace vigie::ingest
