// Secrets the event manager makes for itself (the token signing key), kept in
// PostgreSQL's server_secrets table so that every instance and every restart
// uses the same ones.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "vigie/storage/database.h"

namespace vigie::event_manager::auth {

// The secret called name: size random bytes, stored by the first instance that
// asks (INSERT ... ON CONFLICT DO NOTHING, then read back, so instances starting
// together agree on one). Throws std::runtime_error, naming the secret but never
// showing it, when the stored one does not have size bytes.
std::vector<std::uint8_t> server_secret(storage::Database& database, std::string_view name, std::size_t size);

}  // namespace vigie::event_manager::auth
