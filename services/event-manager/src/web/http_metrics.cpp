#include "web/http_metrics.h"

namespace vigie::event_manager::web {

HttpMetrics::HttpMetrics(prometheus::Registry& registry)
    : requests_(prometheus::BuildCounter()
                    .Name("vigie_event_manager_http_requests_total")
                    .Help("HTTP requests answered, by route pattern, method and status")
                    .Register(registry)),
      duration_(prometheus::BuildHistogram()
                    .Name("vigie_event_manager_http_request_duration_seconds")
                    .Help("Time from a request's last byte read to its answer's last byte written")
                    .Register(registry)) {}

void HttpMetrics::observe(std::string_view route, std::string_view method, unsigned status, double seconds) {
  std::string route_label(route);
  std::string method_name(method);
  requests_.Add({{"route", route_label}, {"method", method_name}, {"status", std::to_string(status)}}).Increment();
  static const prometheus::Histogram::BucketBoundaries kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                                   0.1,    0.25,  0.5,    1,     2.5,  5,     10};
  duration_.Add({{"route", route_label}, {"method", method_name}}, kBuckets).Observe(seconds);
}

std::string_view method_label(std::string_view method) {
  for (std::string_view known : {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"}) {
    if (method == known) return known;
  }
  return "other";
}

}  // namespace vigie::event_manager::web
