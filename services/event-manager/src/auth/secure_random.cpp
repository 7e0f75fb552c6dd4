#include "auth/secure_random.h"

#include <openssl/rand.h>

#include <climits>
#include <stdexcept>
#include <string_view>

#include "vigie/crypto/openssl_failure.h"

namespace vigie::event_manager::auth {
namespace {

constexpr std::string_view kUnambiguous = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";

}  // namespace

std::vector<std::uint8_t> random_bytes(std::size_t size) {
  if (size > INT_MAX) throw std::length_error("auth: too many random bytes asked for");
  std::vector<std::uint8_t> bytes(size);
  if (size > 0 && RAND_bytes(bytes.data(), static_cast<int>(size)) != 1) {
    throw std::runtime_error(crypto::openssl_failure("auth", "RAND_bytes"));
  }
  return bytes;
}

std::string random_password(std::size_t length) {
  // A byte at or above the largest multiple of the alphabet's size is drawn
  // again, so that every symbol is equally likely.
  constexpr unsigned kLimit = 256 / kUnambiguous.size() * kUnambiguous.size();
  std::string password;
  password.reserve(length);
  while (password.size() < length) {
    for (const std::uint8_t byte : random_bytes(length - password.size())) {
      if (byte < kLimit && password.size() < length) password += kUnambiguous[byte % kUnambiguous.size()];
    }
  }
  return password;
}

}  // namespace vigie::event_manager::auth
