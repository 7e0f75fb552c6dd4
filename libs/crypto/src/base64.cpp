#include "vigie/crypto/base64.h"

#include <array>

namespace vigie::crypto {
namespace {

constexpr std::string_view kStandard = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kUrl = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr int8_t kInvalid = -1;

constexpr std::array<int8_t, 256> decode_table(std::string_view alphabet) {
  std::array<int8_t, 256> table{};
  table.fill(kInvalid);
  for (size_t i = 0; i < alphabet.size(); ++i) table[static_cast<unsigned char>(alphabet[i])] = static_cast<int8_t>(i);
  return table;
}
constexpr std::array<int8_t, 256> kDecodeStandard = decode_table(kStandard);
constexpr std::array<int8_t, 256> kDecodeUrl = decode_table(kUrl);

}  // namespace

std::string base64_encode(std::span<const std::uint8_t> bytes, Base64 alphabet) {
  const std::string_view digits = alphabet == Base64::url ? kUrl : kStandard;
  std::string out;
  out.reserve((bytes.size() * 4 + 2) / 3);
  size_t i = 0;
  for (; i + 3 <= bytes.size(); i += 3) {
    const uint32_t group = (uint32_t{bytes[i]} << 16) | (uint32_t{bytes[i + 1]} << 8) | bytes[i + 2];
    for (int shift = 18; shift >= 0; shift -= 6) out += digits[(group >> shift) & 63];
  }
  const size_t rest = bytes.size() - i;
  if (rest > 0) {
    uint32_t group = uint32_t{bytes[i]} << 16;
    if (rest == 2) group |= uint32_t{bytes[i + 1]} << 8;
    out += digits[(group >> 18) & 63];
    out += digits[(group >> 12) & 63];
    if (rest == 2) out += digits[(group >> 6) & 63];
  }
  return out;
}

std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text, Base64 alphabet) {
  const std::array<int8_t, 256>& table = alphabet == Base64::url ? kDecodeUrl : kDecodeStandard;
  // One leftover character would carry 6 bits: less than a byte, never written.
  if (text.size() % 4 == 1) return std::nullopt;
  std::vector<std::uint8_t> out;
  out.reserve(text.size() * 3 / 4);
  uint32_t bits = 0;
  int pending = 0;
  for (const char c : text) {
    const int8_t value = table[static_cast<unsigned char>(c)];
    if (value == kInvalid) return std::nullopt;
    bits = (bits << 6) | static_cast<uint32_t>(value);
    pending += 6;
    if (pending >= 8) {
      pending -= 8;
      out.push_back(static_cast<std::uint8_t>(bits >> pending));
      bits &= (1u << pending) - 1;
    }
  }
  if (bits != 0) return std::nullopt;
  return out;
}

std::string base64url_encode(std::span<const std::uint8_t> bytes) {
  std::string out = base64_encode(bytes, Base64::url);
  out.append((4 - out.size() % 4) % 4, '=');
  return out;
}

std::optional<std::vector<std::uint8_t>> base64url_decode(std::string_view text) {
  if (text.size() % 4 != 0) return std::nullopt;
  const std::size_t digits = text.find_last_not_of('=') + 1;  // 0 for an empty or all-'=' text
  // Exactly the padding the digits call for: 2 or 3 digits in the last group.
  if (text.size() - digits != (4 - digits % 4) % 4) return std::nullopt;
  return base64_decode(text.substr(0, digits), Base64::url);
}

}  // namespace vigie::crypto
