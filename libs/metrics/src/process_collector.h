// process_* metrics read from /proc/self, as other Prometheus clients export them.
#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>

namespace vigie::metrics {

class ProcessCollector : public prometheus::Collectable {
 public:
  std::vector<prometheus::MetricFamily> Collect() const override;
};

}  // namespace vigie::metrics
