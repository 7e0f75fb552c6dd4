#include "auth/token_signer.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <optional>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "vigie/crypto/base64.h"
#include "vigie/crypto/openssl_failure.h"
#include "auth/secure_random.h"
#include "auth/server_secrets.h"

namespace vigie::event_manager::auth {
namespace {

using crypto::Base64;
using crypto::base64_decode;
using crypto::base64_encode;

// What each signature is for, put before what it signs. They differ from their
// seventh character, so no text signed for one purpose reads as text for another.
constexpr std::string_view kTokenPurpose = "vigie.token.v1";
constexpr std::string_view kUrlPurpose = "vigie.url.v1";
constexpr std::size_t kMacSize = 32;
constexpr std::size_t kTokenIdSize = 16;
// Far above any token issue() writes (a few hundred characters): a bound on the
// work an unauthenticated request can ask for.
constexpr std::size_t kMaxTokenSize = 4096;
constexpr int kPayloadVersion = 1;
constexpr std::string_view kSigningKeyName = "token_signing_key";
constexpr std::chrono::seconds kMaxLifetime = std::chrono::days(366);
constexpr std::int64_t kMaxUnixTime = std::int64_t{1} << 40;

std::int64_t unix_seconds(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}

Clock::time_point from_unix(std::int64_t seconds) { return Clock::time_point(std::chrono::seconds(seconds)); }

bool same_mac(std::span<const std::uint8_t> a, std::span<const std::uint8_t> b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<std::string> string_field(const nlohmann::json& payload, const char* name) {
  const auto it = payload.find(name);
  if (it == payload.end() || !it->is_string()) return std::nullopt;
  return it->get<std::string>();
}

std::optional<std::int64_t> integer_field(const nlohmann::json& payload, const char* name) {
  const auto it = payload.find(name);
  if (it == payload.end() || !it->is_number_integer()) return std::nullopt;
  return it->get<std::int64_t>();
}

// The payload's fields, all present with their types; nullopt for anything else.
std::optional<VerifiedToken> read_payload(const std::vector<std::uint8_t>& bytes) {
  const nlohmann::json payload = nlohmann::json::parse(bytes.begin(), bytes.end(), nullptr, false);
  if (payload.is_discarded() || !payload.is_object()) return std::nullopt;
  const auto version = integer_field(payload, "v");
  const auto name = string_field(payload, "sub");
  const auto role_name = string_field(payload, "role");
  const auto generation = integer_field(payload, "gen");
  const auto issued_at = integer_field(payload, "iat");
  const auto expires_at = integer_field(payload, "exp");
  auto id = string_field(payload, "jti");
  if (version != kPayloadVersion || !name || name->empty() || !role_name || !generation || !issued_at || !expires_at ||
      !id) {
    return std::nullopt;
  }
  // Times a time_point holds without overflow, whatever the payload says.
  if (*issued_at < 0 || *expires_at < 0 || *issued_at > kMaxUnixTime || *expires_at > kMaxUnixTime) return std::nullopt;
  const std::optional<Role> role = role_from_text(*role_name);
  if (!role) return std::nullopt;
  return VerifiedToken{{*name, *role, *generation}, from_unix(*issued_at), from_unix(*expires_at), std::move(*id)};
}

}  // namespace

std::string_view to_text(TokenError error) {
  switch (error) {
    case TokenError::malformed:
      return "malformed";
    case TokenError::bad_signature:
      return "bad signature";
    case TokenError::expired:
      return "expired";
  }
  return "unknown token error";
}

TokenSigner::TokenSigner(std::span<const std::uint8_t> key) : key_(key.begin(), key.end()) {
  if (key_.size() < kKeySize) {
    OPENSSL_cleanse(key_.data(), key_.size());
    throw std::invalid_argument("token signing key: expected at least " + std::to_string(kKeySize) + " bytes, got " +
                                std::to_string(key.size()));
  }
}

TokenSigner TokenSigner::from_database(storage::Database& database) {
  std::vector<std::uint8_t> key = server_secret(database, kSigningKeyName, kKeySize);
  TokenSigner signer(key);
  OPENSSL_cleanse(key.data(), key.size());
  return signer;
}

TokenSigner::~TokenSigner() { OPENSSL_cleanse(key_.data(), key_.size()); }

std::vector<std::uint8_t> TokenSigner::mac(std::string_view purpose, std::string_view data) const {
  std::string input;
  input.reserve(purpose.size() + 1 + data.size());
  input.append(purpose).push_back('\0');
  input.append(data);
  std::vector<std::uint8_t> out(kMacSize);
  std::size_t length = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key_.data(), key_.size(),
                reinterpret_cast<const unsigned char*>(input.data()), input.size(), out.data(), out.size(),
                &length) == nullptr ||
      length != kMacSize) {
    throw std::runtime_error(crypto::openssl_failure("auth", "HMAC-SHA256"));
  }
  return out;
}

IssuedToken TokenSigner::issue(const Principal& principal, std::chrono::seconds ttl, Clock::time_point now) const {
  if (ttl <= std::chrono::seconds::zero() || ttl > kMaxLifetime) {
    throw std::invalid_argument("token lifetime must be positive and at most a year");
  }
  if (principal.name.empty()) throw std::invalid_argument("a token needs a user name");
  const std::int64_t issued_at = unix_seconds(now);
  const std::int64_t expires_at = issued_at + ttl.count();
  const nlohmann::json payload = {{"v", kPayloadVersion},
                                  {"sub", principal.name},
                                  {"role", to_text(principal.role)},
                                  {"gen", principal.generation},
                                  {"iat", issued_at},
                                  {"exp", expires_at},
                                  {"jti", base64_encode(random_bytes(kTokenIdSize), Base64::url)}};
  const std::string text = payload.dump();
  const std::string encoded =
      base64_encode(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), Base64::url);
  return {encoded + "." + base64_encode(mac(kTokenPurpose, encoded), Base64::url), from_unix(expires_at)};
}

std::variant<VerifiedToken, TokenError> TokenSigner::verify(std::string_view token, Clock::time_point now) const {
  if (token.empty() || token.size() > kMaxTokenSize) return TokenError::malformed;
  const std::size_t dot = token.find('.');
  if (dot == std::string_view::npos || token.find('.', dot + 1) != std::string_view::npos) {
    return TokenError::malformed;
  }
  const std::string_view encoded = token.substr(0, dot);
  const auto payload = base64_decode(encoded, Base64::url);
  const auto signature = base64_decode(token.substr(dot + 1), Base64::url);
  if (!payload || payload->empty() || !signature || signature->size() != kMacSize) return TokenError::malformed;
  // Nothing of the payload is read before its signature is known good.
  if (!same_mac(mac(kTokenPurpose, encoded), *signature)) return TokenError::bad_signature;
  std::optional<VerifiedToken> verified = read_payload(*payload);
  if (!verified) return TokenError::malformed;
  if (now >= verified->expires_at) return TokenError::expired;
  return std::move(*verified);
}

std::string TokenSigner::sign(std::string_view message) const {
  return base64_encode(mac(kUrlPurpose, message), Base64::url);
}

bool TokenSigner::verify_signature(std::string_view message, std::string_view signature) const {
  const auto decoded = base64_decode(signature, Base64::url);
  return decoded && same_mac(mac(kUrlPurpose, message), *decoded);
}

}  // namespace vigie::event_manager::auth
