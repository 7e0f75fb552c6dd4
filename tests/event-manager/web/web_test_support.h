// What the web server tests share: a stand-in authenticator with three known
// tokens (one per role), the Authorization header, and metric values read
// from the registry the server fills.
#pragma once

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

}  // namespace vigie::testing::web
