// The alert list's page cursor: where the last page ended in its order
// (first_seen DESC, id DESC), as an opaque base64url token.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigie::event_manager {

struct AlertCursor {
  int64_t first_seen_us = 0;
  std::string id;  // UUID
};

std::string encode_cursor(const AlertCursor& cursor);
// nullopt for a token encode_cursor did not make.
std::optional<AlertCursor> decode_cursor(std::string_view token);

}  // namespace vigie::event_manager
