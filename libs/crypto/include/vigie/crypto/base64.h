// Base64 (RFC 4648), strict: one value has one spelling. Without padding: the
// standard alphabet for the salt and hash of a password hash string (as the PHC
// string format writes them), the URL-safe one for tokens and URL signatures.
// Padded URL-safe: Fernet tokens and keys, and the alert list's cursors.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::crypto {

enum class Base64 { standard, url };

std::string base64_encode(std::span<const std::uint8_t> bytes, Base64 alphabet);

// nullopt unless text is exactly what base64_encode writes for some bytes: only
// the alphabet's characters, no padding, no stray bits in the last character. So
// one value has one spelling, and a tampered string never decodes to the original.
std::optional<std::vector<std::uint8_t>> base64_decode(std::string_view text, Base64 alphabet);

// Padded to a multiple of four with '=' (what Fernet's specification uses).
std::string base64url_encode(std::span<const std::uint8_t> bytes);
// nullopt unless text is what base64url_encode writes for some bytes.
std::optional<std::vector<std::uint8_t>> base64url_decode(std::string_view text);

}  // namespace vigie::crypto
