// Times as the API writes and reads them: RFC 3339 in UTC with milliseconds.
#pragma once

#include <chrono>
#include <string>

#include <google/protobuf/timestamp.pb.h>
#include <nlohmann/json.hpp>

namespace vigie::event_manager::api {

std::string rfc3339(std::chrono::system_clock::time_point time);
// null for an unset timestamp (seconds and nanos both 0).
nlohmann::json rfc3339(const google::protobuf::Timestamp& time);
// Accepts "2026-11-21T14:05:19Z", with optional fraction and a ±HH:MM offset
// instead of Z; ValidationError(field) otherwise.
std::chrono::system_clock::time_point parse_rfc3339(const std::string& field, const std::string& text);

}  // namespace vigie::event_manager::api
