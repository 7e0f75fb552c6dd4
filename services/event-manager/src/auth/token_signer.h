// Bearer tokens and URL signatures, both HMAC-SHA256 under the server's signing
// key (kept in PostgreSQL, so every instance accepts what another issued and
// tokens survive a restart).
//
// A token is base64url(payload) "." base64url(signature), without padding; the
// payload is compact JSON: {"v":1,"sub":NAME,"role":ROLE,"gen":GENERATION,
// "iat":UNIX,"exp":UNIX,"jti":RANDOM}. A token proves who its holder logged in as
// and until when; what the holder may do now is the user's current row
// (UserStore::current), so a disabled user or a lowered role takes effect at once.
//
// Tokens and URL signatures are made under distinct purpose prefixes, so neither
// is ever accepted as the other.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "auth/role.h"
#include "vigie/storage/database.h"

namespace vigie::event_manager::auth {

using Clock = std::chrono::system_clock;

enum class TokenError {
  malformed,      // not a token this code writes (cut, padded, not base64url, not its payload)
  bad_signature,  // another key made it, or it was altered
  expired,
};
// "malformed", "bad signature", "expired": for logs, never shown with the token.
std::string_view to_text(TokenError error);

struct IssuedToken {
  std::string token;
  Clock::time_point expires_at;  // whole seconds
};

struct VerifiedToken {
  Principal principal;  // as it was when the token was issued
  Clock::time_point issued_at;
  Clock::time_point expires_at;
  std::string id;  // random, unique per token: for logs and audit
};

// Thread-safe: nothing changes after construction.
class TokenSigner {
 public:
  // How long a login lasts unless the caller says otherwise: one shift.
  static constexpr std::chrono::seconds kDefaultLifetime = std::chrono::hours(8);
  static constexpr std::size_t kKeySize = 32;

  // key: at least kKeySize bytes (std::invalid_argument otherwise).
  explicit TokenSigner(std::span<const std::uint8_t> key);
  // With the key in server_secrets, made by the first instance that needed it.
  static TokenSigner from_database(storage::Database& database);
  ~TokenSigner();
  TokenSigner(const TokenSigner&) = default;
  TokenSigner& operator=(const TokenSigner&) = default;

  // A token for principal valid from now for ttl (positive, at most a year).
  IssuedToken issue(const Principal& principal, std::chrono::seconds ttl = kDefaultLifetime,
                    Clock::time_point now = Clock::now()) const;
  // The token's content when this key signed it and it has not expired at now.
  // The signature is checked, in constant time, before the payload is read.
  std::variant<VerifiedToken, TokenError> verify(std::string_view token, Clock::time_point now = Clock::now()) const;

  // A signature of message for a URL (base64url, 43 characters), e.g. of
  // "evidence/<id>/<expiry-unix>": the caller puts the expiry in the message and
  // checks it. Never valid as a token's signature, nor the reverse.
  std::string sign(std::string_view message) const;
  bool verify_signature(std::string_view message, std::string_view signature) const;

 private:
  std::vector<std::uint8_t> mac(std::string_view purpose, std::string_view data) const;

  std::vector<std::uint8_t> key_;
};

}  // namespace vigie::event_manager::auth
