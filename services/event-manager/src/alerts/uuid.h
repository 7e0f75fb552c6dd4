// UUIDs of alerts and evidence images: made here (random, version 4) so a batch
// knows its rows' ids before it writes them, and checked before they reach SQL,
// so that a malformed id is "not found" rather than a database error.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigie::event_manager {

// xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx in lowercase, from the system's random source.
std::string random_uuid();

// The 16 bytes of a UUID in its canonical text form (either case); nullopt otherwise.
std::optional<std::array<uint8_t, 16>> parse_uuid(std::string_view text);
std::string format_uuid(const std::array<uint8_t, 16>& bytes);

}  // namespace vigie::event_manager
