// The metrics of one process: a prometheus-cpp registry that every part of a
// service registers its families in, plus the standard process_* metrics, rendered
// in the Prometheus text format for /metrics.
#pragma once

#include <memory>
#include <string>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace vigie::metrics {

class Metrics {
 public:
  Metrics();
  prometheus::Registry& registry() { return *registry_; }
  // Prometheus text exposition format, version 0.0.4.
  std::string render() const;

 private:
  std::shared_ptr<prometheus::Registry> registry_;
  std::shared_ptr<prometheus::Collectable> process_;
};

}  // namespace vigie::metrics
