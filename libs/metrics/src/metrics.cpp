#include "vigie/metrics/metrics.h"

#include <prometheus/text_serializer.h>

#include "process_collector.h"

namespace vigie::metrics {

Metrics::Metrics()
    : registry_(std::make_shared<prometheus::Registry>()),
      process_(std::make_shared<ProcessCollector>()) {}

std::string Metrics::render() const {
  auto families = registry_->Collect();
  auto process = process_->Collect();
  families.insert(families.end(), process.begin(), process.end());
  return prometheus::TextSerializer().Serialize(families);
}

}  // namespace vigie::metrics
