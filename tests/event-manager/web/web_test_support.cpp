#include "web_test_support.h"

#include <chrono>
#include <string>
#include <thread>

namespace vigie::testing::web {

std::optional<event_manager::web::Caller> test_authenticator(std::string_view token,
                                                             const event_manager::web::Request&) {
  using event_manager::web::Caller;
  if (token == "viewer-token") return Caller{"vera", kViewer, std::nullopt};
  if (token == "operator-token") return Caller{"otto", kOperator, std::nullopt};
  if (token == "admin-token") return Caller{"ada", kAdmin, std::nullopt};
  if (token == "expiring-token") {
    return Caller{"eve", kViewer, std::chrono::system_clock::now() + std::chrono::seconds(1)};
  }
  return std::nullopt;
}

HeaderMap bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

std::optional<double> metric_value(prometheus::Registry& registry, const std::string& name,
                                   const std::map<std::string, std::string>& labels) {
  for (const auto& family : registry.Collect()) {
    if (family.name != name) continue;
    for (const auto& metric : family.metric) {
      bool all = true;
      for (const auto& [key, value] : labels) {
        bool found = false;
        for (const auto& label : metric.label) found = found || (label.name == key && label.value == value);
        all = all && found;
      }
      if (!all) continue;
      if (family.type == prometheus::MetricType::Counter) return metric.counter.value;
      if (family.type == prometheus::MetricType::Gauge) return metric.gauge.value;
      if (family.type == prometheus::MetricType::Histogram) {
        return static_cast<double>(metric.histogram.sample_count);
      }
    }
  }
  return std::nullopt;
}

event_manager::web::Response numbered_parts(StreamCounts& counts) {
  event_manager::web::Response response;
  response.content_type = "text/plain";
  response.stream = [&counts](event_manager::web::StreamWriter& out) {
    ++counts.started;
    for (int part = 0; out.write("part-" + std::to_string(part) + "\n"); ++part) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    ++counts.ended;
  };
  return response;
}

}  // namespace vigie::testing::web
