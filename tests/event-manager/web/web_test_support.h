// What the web server tests share: a stand-in authenticator with three known
// tokens (one per role), the Authorization header, metric values read from the
// registry the server fills, and a streamed answer like the live view's.
#pragma once

#include <atomic>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include <prometheus/registry.h>

#include "web/request.h"
#include "web_client.h"

namespace vigie::testing::web {

inline constexpr int kViewer = 0;
inline constexpr int kOperator = 1;
inline constexpr int kAdmin = 2;

// "viewer-token" → vera (viewer), "operator-token" → otto (operator),
// "admin-token" → ada (admin), "expiring-token" → eve (viewer, valid for 1 s
// from when it is checked); anything else is invalid.
std::optional<event_manager::web::Caller> test_authenticator(std::string_view token,
                                                             const event_manager::web::Request& request);

HeaderMap bearer(const std::string& token);

// The value of a counter or gauge whose labels include these; nullopt when none.
std::optional<double> metric_value(prometheus::Registry& registry, const std::string& name,
                                   const std::map<std::string, std::string>& labels = {});

// How many producers of streamed answers have started, and returned.
struct StreamCounts {
  std::atomic<int> started{0};
  std::atomic<int> ended{0};
};

// A streamed text answer like the live view's: "part-0\n", "part-1\n" ... one
// every 50 ms for as long as the client takes them.
event_manager::web::Response numbered_parts(StreamCounts& counts);

}  // namespace vigie::testing::web
