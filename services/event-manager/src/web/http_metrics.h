// The server's Prometheus metrics: requests by route pattern (never the raw
// path, which would make a series per camera id), method and status; their
// duration from the request's last byte to the answer's.
#pragma once

#include <string>
#include <string_view>

#include <prometheus/counter.h>
#include <prometheus/family.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>

namespace vigie::event_manager::web {

class HttpMetrics {
 public:
  explicit HttpMetrics(prometheus::Registry& registry);
  // route: a pattern, "static:/ui", "websocket:/api/ws" or "unmatched".
  void observe(std::string_view route, std::string_view method, unsigned status, double seconds);

 private:
  prometheus::Family<prometheus::Counter>& requests_;
  prometheus::Family<prometheus::Histogram>& duration_;
};

// The method as a label: one of the methods routes use, else "other" (any
// token is a valid method, and labels must stay few).
std::string_view method_label(std::string_view method);

}  // namespace vigie::event_manager::web
