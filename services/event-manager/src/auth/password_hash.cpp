#include "auth/password_hash.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include <charconv>
#include <cstdint>
#include <optional>
#include <span>
#include <stdexcept>
#include <vector>

#include "vigie/crypto/base64.h"
#include "vigie/crypto/openssl_failure.h"
#include "auth/secure_random.h"

namespace vigie::event_manager::auth {
namespace {

using crypto::Base64;
using crypto::base64_decode;
using crypto::base64_encode;

constexpr std::string_view kPrefix = "$scrypt$";
constexpr std::size_t kSaltSize = 16;
constexpr std::size_t kHashSize = 32;
// What a stored string may ask for: anything between what a weak old setting and
// a generous future one would write, and never more than a server can afford.
constexpr std::size_t kMinSaltSize = 8;
constexpr std::size_t kMaxSaltSize = 64;
constexpr std::size_t kMinHashSize = 16;
constexpr std::size_t kMaxHashSize = 64;
constexpr std::uint64_t kMaxMemory = std::uint64_t{1} << 30;

bool acceptable(const KdfParams& p) {
  if (p.block_size < 1 || p.block_size > 32 || p.parallelism < 1 || p.parallelism > 16) return false;
  // scrypt's own bound: OpenSSL refuses N >= 2^(16·r).
  if (p.log2_n < 1 || p.log2_n > 24 || p.log2_n >= 16 * p.block_size) return false;
  return 128ull * static_cast<std::uint64_t>(p.block_size) *
             ((std::uint64_t{1} << p.log2_n) + 2 + static_cast<std::uint64_t>(p.parallelism)) <=
         kMaxMemory;
}

std::vector<std::uint8_t> scrypt(std::string_view password, std::span<const std::uint8_t> salt, const KdfParams& p,
                                 std::size_t size) {
  const std::uint64_t n = std::uint64_t{1} << p.log2_n;
  const std::uint64_t r = static_cast<std::uint64_t>(p.block_size);
  const std::uint64_t parallelism = static_cast<std::uint64_t>(p.parallelism);
  // OpenSSL's own count of what it allocates; its default limit (32 MiB) is below
  // what some accepted parameters need.
  const std::uint64_t memory = 128 * r * (n + 2) + 128 * r * parallelism;
  std::vector<std::uint8_t> out(size);
  if (EVP_PBE_scrypt(password.data(), password.size(), salt.data(), salt.size(), n, r, parallelism, memory, out.data(),
                     out.size()) != 1) {
    throw std::runtime_error(crypto::openssl_failure("auth", "scrypt"));
  }
  return out;
}

std::string params_text(const KdfParams& p) {
  return "ln=" + std::to_string(p.log2_n) + ",r=" + std::to_string(p.block_size) +
         ",p=" + std::to_string(p.parallelism);
}

// Reads "NAME=DIGITS" at the front of text, then the separator after it if any.
std::optional<int> take_param(std::string_view& text, std::string_view name, char separator) {
  if (!text.starts_with(name) || text.size() <= name.size() || text[name.size()] != '=') return std::nullopt;
  text.remove_prefix(name.size() + 1);
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end == text.data()) return std::nullopt;
  text.remove_prefix(static_cast<std::size_t>(end - text.data()));
  if (separator != '\0') {
    if (text.empty() || text.front() != separator) return std::nullopt;
    text.remove_prefix(1);
  }
  return value;
}

struct Parsed {
  KdfParams params;
  std::vector<std::uint8_t> salt;
  std::vector<std::uint8_t> hash;
};

// Splits on '$' by hand: exactly "$scrypt$PARAMS$SALT$HASH", nothing around it.
std::optional<Parsed> parse(std::string_view stored) {
  if (!stored.starts_with(kPrefix)) return std::nullopt;
  std::string_view rest = stored.substr(kPrefix.size());
  const std::size_t params_end = rest.find('$');
  if (params_end == std::string_view::npos) return std::nullopt;
  std::string_view params = rest.substr(0, params_end);
  rest.remove_prefix(params_end + 1);
  const std::size_t salt_end = rest.find('$');
  if (salt_end == std::string_view::npos) return std::nullopt;

  Parsed parsed;
  const auto ln = take_param(params, "ln", ',');
  const auto r = ln ? take_param(params, "r", ',') : std::nullopt;
  const auto p = r ? take_param(params, "p", '\0') : std::nullopt;
  if (!p || !params.empty()) return std::nullopt;
  parsed.params = {*ln, *r, *p};
  if (!acceptable(parsed.params)) return std::nullopt;

  auto salt = base64_decode(rest.substr(0, salt_end), Base64::standard);
  auto hash = base64_decode(rest.substr(salt_end + 1), Base64::standard);
  if (!salt || salt->size() < kMinSaltSize || salt->size() > kMaxSaltSize) return std::nullopt;
  if (!hash || hash->size() < kMinHashSize || hash->size() > kMaxHashSize) return std::nullopt;
  parsed.salt = std::move(*salt);
  parsed.hash = std::move(*hash);
  return parsed;
}

}  // namespace

std::string hash_password(std::string_view password, const KdfParams& params) {
  if (!acceptable(params)) throw std::invalid_argument("scrypt parameters out of range: " + params_text(params));
  const std::vector<std::uint8_t> salt = random_bytes(kSaltSize);
  std::vector<std::uint8_t> hash = scrypt(password, salt, params, kHashSize);
  std::string out = std::string(kPrefix) + params_text(params) + "$" + base64_encode(salt, Base64::standard) + "$" +
                    base64_encode(hash, Base64::standard);
  OPENSSL_cleanse(hash.data(), hash.size());
  return out;
}

PasswordCheck verify_password(std::string_view password, std::string_view stored, const KdfParams& wanted) {
  const std::optional<Parsed> parsed = parse(stored);
  if (!parsed) return {.unreadable = true};
  std::vector<std::uint8_t> computed = scrypt(password, parsed->salt, parsed->params, parsed->hash.size());
  PasswordCheck check;
  check.matches = CRYPTO_memcmp(computed.data(), parsed->hash.data(), computed.size()) == 0;
  check.needs_rehash = check.matches && (parsed->params != wanted || parsed->salt.size() != kSaltSize ||
                                         parsed->hash.size() != kHashSize);
  OPENSSL_cleanse(computed.data(), computed.size());
  return check;
}

}  // namespace vigie::event_manager::auth
