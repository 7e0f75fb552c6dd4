// Base64url with padding (RFC 4648 section 5): the alphabet and form of Fernet
// keys and tokens, and of opaque values the services hand out in URLs.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace vigie::crypto {

std::string base64url_encode(std::span<const uint8_t> bytes);

// nullopt unless text is entirely base64url characters in groups of four, padded
// with '=' only at the end. Strict on purpose: the Fernet specification pads every
// token, and a decoder that skipped stray characters would accept garbage.
std::optional<std::vector<uint8_t>> base64url_decode(std::string_view text);

}  // namespace vigie::crypto
