#include "alerts/alert_cursor.h"

#include <array>
#include <stdexcept>
#include <vector>

#include "alerts/uuid.h"
#include "vigie/crypto/base64.h"

namespace vigie::event_manager {
namespace {

// first_seen (8 bytes, big-endian) then the id's 16 bytes.
constexpr std::size_t kSize = 8 + 16;

}  // namespace

std::string encode_cursor(const AlertCursor& cursor) {
  const auto id = parse_uuid(cursor.id);
  if (!id) throw std::invalid_argument("alert cursor: '" + cursor.id + "' is not a UUID");
  std::array<uint8_t, kSize> bytes{};
  const auto time = static_cast<uint64_t>(cursor.first_seen_us);
  for (std::size_t i = 0; i < 8; ++i) bytes[i] = static_cast<uint8_t>(time >> (8 * (7 - i)));
  std::copy(id->begin(), id->end(), bytes.begin() + 8);
  return crypto::base64url_encode(bytes);
}

std::optional<AlertCursor> decode_cursor(std::string_view token) {
  const std::optional<std::vector<uint8_t>> bytes = crypto::base64url_decode(token);
  if (!bytes || bytes->size() != kSize) return std::nullopt;
  uint64_t time = 0;
  for (std::size_t i = 0; i < 8; ++i) time = time << 8 | (*bytes)[i];
  std::array<uint8_t, 16> id{};
  std::copy(bytes->begin() + 8, bytes->end(), id.begin());
  return AlertCursor{static_cast<int64_t>(time), format_uuid(id)};
}

}  // namespace vigie::event_manager
