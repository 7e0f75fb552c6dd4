// Fernet tokens exactly as the Fernet specification defines them
// (https://github.com/fernet/spec), so tokens made here open anywhere else and the
// other way round: version 0x80, a 64-bit big-endian timestamp, a 128-bit IV,
// AES-128-CBC with PKCS7 padding, HMAC-SHA256 over all of that, the whole in
// base64url with padding. The key is 32 bytes in base64url: the first half signs,
// the second half encrypts.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

namespace vigie::crypto {

// A token that is malformed, forged, made with another key or too old. The reason
// says which check failed and never holds the plaintext or the key.
class InvalidToken : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Fernet {
 public:
  // Throws std::invalid_argument naming "Fernet key" (never the key itself) when
  // the text is not 32 bytes in base64url.
  static Fernet from_key(std::string_view base64url_key);
  // A new random key, in the form from_key reads.
  static std::string generate_key();
  // For configuration checks: "" when key is a usable Fernet key, else what is
  // expected (never the key itself).
  static std::string check_key(const std::string& key);

  Fernet(const Fernet& other) = default;
  Fernet& operator=(const Fernet& other) = default;
  ~Fernet();

  // A token for plaintext, stamped with the current time and a random IV.
  std::string encrypt(std::string_view plaintext) const;
  // The same with the time and IV given, for the specification's test vectors.
  std::string encrypt_at(std::string_view plaintext, int64_t unix_time,
                         std::span<const uint8_t, 16> iv) const;

  // The plaintext of a token. With a ttl, a token stamped more than ttl before
  // now, or more than 60 s after it (clock skew between machines), is refused;
  // without one its age is not checked at all, as in the reference
  // implementations. now defaults to the current time (Unix seconds).
  std::string decrypt(std::string_view token,
                      std::optional<std::chrono::seconds> ttl = std::nullopt,
                      std::optional<int64_t> now = std::nullopt) const;

 private:
  using Key = std::array<uint8_t, 16>;
  Fernet(const Key& signing, const Key& encryption) : signing_(signing), encryption_(encryption) {}

  Key signing_;
  Key encryption_;
};

}  // namespace vigie::crypto
