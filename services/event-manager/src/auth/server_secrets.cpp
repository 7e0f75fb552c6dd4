#include "auth/server_secrets.h"

#include <openssl/crypto.h>

#include <stdexcept>
#include <string>

#include <pqxx/pqxx>

#include "auth/secure_random.h"

namespace vigie::event_manager::auth {

std::vector<std::uint8_t> server_secret(storage::Database& database, std::string_view name, std::size_t size) {
  const std::string key_name(name);
  return database.with_transaction([&](pqxx::work& tx) {
    std::vector<std::uint8_t> fresh = random_bytes(size);
    pqxx::binarystring value(fresh.data(), fresh.size());
    OPENSSL_cleanse(fresh.data(), fresh.size());
    tx.exec_params0("INSERT INTO server_secrets (name, value) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING", key_name,
                    value);
    const pqxx::binarystring stored(tx.exec_params1("SELECT value FROM server_secrets WHERE name = $1", key_name)[0]);
    if (stored.size() != size) {
      throw std::runtime_error("server secret '" + key_name + "' holds " + std::to_string(stored.size()) +
                               " bytes, expected " + std::to_string(size));
    }
    return std::vector<std::uint8_t>(stored.data(), stored.data() + stored.size());
  });
}

}  // namespace vigie::event_manager::auth
