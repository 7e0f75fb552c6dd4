// Random bytes and passwords from OpenSSL's CSPRNG, for salts, token ids, the
// signing key and the first administrator's password.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace vigie::event_manager::auth {

// Throws std::runtime_error when OpenSSL has no entropy to give.
std::vector<std::uint8_t> random_bytes(std::size_t size);

// length characters drawn uniformly from letters and digits that cannot be taken
// for one another when read aloud or copied from a terminal (no 0/O/o, 1/l/I):
// 56 symbols, about 5.8 bits each.
std::string random_password(std::size_t length);

}  // namespace vigie::event_manager::auth
