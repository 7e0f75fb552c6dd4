// Password hashes with scrypt (RFC 7914, OpenSSL's EVP_PBE_scrypt), written as a
// self-describing string in the PHC format:
//
//   $scrypt$ln=15,r=6,p=1$<salt>$<hash>      (salt and hash in base64 without padding)
//
// A hash is checked with the parameters its own string names, so hashes made
// before the parameters were raised keep working, and the check says when a
// password should be hashed again with the current ones.
#pragma once

#include <string>
#include <string_view>

namespace vigie::event_manager::auth {

// scrypt's costs. The default takes 24 MiB and about 70 ms of CPU per hash on
// the development machine (docs/event-manager.md, "Authentication"; measure
// another with vigie-bench-kdf); tests use cheaper ones. Accepted: log2_n 1..24
// and below 16·block_size, block_size 1..32, parallelism 1..16, at most 1 GiB of
// memory (128·r·(N + p) bytes).
struct KdfParams {
  int log2_n = 15;      // N = 2^log2_n: memory and time
  int block_size = 6;   // r: memory and time
  int parallelism = 1;  // p: time, without more memory

  bool operator==(const KdfParams&) const = default;
};

// A fresh 16-byte salt from RAND_bytes and a 32-byte hash. Throws
// std::invalid_argument for parameters outside the accepted ranges.
std::string hash_password(std::string_view password, const KdfParams& params);

struct PasswordCheck {
  bool matches = false;
  // It matched, but with other parameters (or salt or hash sizes) than wanted:
  // store hash_password(password, wanted) in its place.
  bool needs_rehash = false;
  // The stored string is not one hash_password writes (damaged, another algorithm,
  // parameters out of range): nothing matches it. Never an exception.
  bool unreadable = false;
};

// Compares in constant time, with the parameters read from stored.
PasswordCheck verify_password(std::string_view password, std::string_view stored, const KdfParams& wanted);

}  // namespace vigie::event_manager::auth
