// Kafka headers every Vigie message carries, so a frame's path can be followed
// through every service: a trace id kept from the first producer on, the
// producing service, and the protobuf type.
#pragma once

#include <string>

namespace vigie::bus {

inline constexpr const char* kHeaderTraceId = "vigie-trace-id";
inline constexpr const char* kHeaderProducer = "vigie-producer";
inline constexpr const char* kHeaderType = "vigie-type";

// 32 lowercase hex digits, as a W3C trace id.
std::string new_trace_id();

}  // namespace vigie::bus
