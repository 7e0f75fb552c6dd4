#include "auth/user_store.h"

#include <algorithm>
#include <stdexcept>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

#include "audit.h"
#include "auth/secure_random.h"
#include "store_errors.h"
#include "vigie/log/log.h"

namespace vigie::event_manager::auth {
namespace {

// "vigie.us" in ASCII: held by changes that must see every user as it is (the
// first admin, the last enabled admin). No other Vigie lock uses it.
constexpr long long kUsersLock = 0x7669676965'2e7573;
constexpr std::size_t kMaxNameSize = 128;
constexpr const char* kSystemActor = "system:auth";

// The columns read_user and read_principal expect, in their order, and the
// statements that return them.
const std::string kColumns =
    "name, role::text, disabled, (extract(epoch FROM created_at) * 1000000)::bigint, token_generation";
const std::string kInsert =
    "INSERT INTO users (name, password_hash, role) VALUES ($1, $2, $3::user_role) RETURNING " + kColumns;
// $2 role, $3 password hash, $4 disabled: NULL keeps what is stored.
const std::string kUpdate =
    "UPDATE users SET role = COALESCE($2::user_role, role), password_hash = COALESCE($3::text, password_hash), "
    "disabled = COALESCE($4::boolean, disabled), "
    "token_generation = token_generation + CASE WHEN $3::text IS NOT NULL OR $4::boolean THEN 1 ELSE 0 END "
    "WHERE id = $1 RETURNING " +
    kColumns;
const std::string kSelectById = "SELECT " + kColumns + " FROM users WHERE id = $1";
const std::string kSelectByName = "SELECT " + kColumns + " FROM users WHERE lower(name) = lower($1)";
const std::string kSelectEnabledByName = kSelectByName + " AND NOT disabled";
const std::string kSelectAll = "SELECT " + kColumns + " FROM users ORDER BY lower(name)";
// kColumns, then the row's id and hash: for a login only.
const std::string kSelectCredentials =
    "SELECT " + kColumns + ", id, password_hash FROM users WHERE lower(name) = lower($1)";

bool ascii_alnum(char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

// The schema's check on users.name, said first with the field's name.
void validate_name(std::string_view name) {
  const bool valid = !name.empty() && name.size() <= kMaxNameSize && ascii_alnum(name.front()) &&
                     std::all_of(name.begin() + 1, name.end(),
                                 [](char c) { return ascii_alnum(c) || c == '.' || c == '_' || c == '@' || c == '-'; });
  if (!valid) {
    throw ValidationError(
        "name", "expected 1 to 128 characters: a letter or digit, then letters, digits, '.', '_', '@' or '-'");
  }
}

std::size_t code_points(std::string_view text) {
  return static_cast<std::size_t>(
      std::count_if(text.begin(), text.end(), [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; }));
}

void validate_password(std::string_view password) {
  if (password.size() > UserStore::kMaxPasswordBytes) {
    throw ValidationError("password", "expected at most " + std::to_string(UserStore::kMaxPasswordBytes) + " bytes");
  }
  if (code_points(password) < UserStore::kMinPasswordCharacters) {
    throw ValidationError("password",
                          "expected at least " + std::to_string(UserStore::kMinPasswordCharacters) + " characters");
  }
}

// The role's name in the schema; ValidationError for a value outside the enumeration.
std::string role_text(Role role) {
  try {
    return std::string(to_text(role));
  } catch (const std::invalid_argument&) {
    throw ValidationError("role", "expected viewer, operator or admin");
  }
}

Role role_of(const pqxx::field& field) {
  const std::optional<Role> role = role_from_text(field.as<std::string>());
  if (!role)
    throw std::logic_error("users.role holds '" + field.as<std::string>() + "', which this build does not know");
  return *role;
}

User read_user(const pqxx::row& row) {
  return {row[0].as<std::string>(), role_of(row[1]), row[2].as<bool>(),
          std::chrono::system_clock::time_point(std::chrono::microseconds(row[3].as<std::int64_t>()))};
}

Principal read_principal(const pqxx::row& row) {
  return {row[0].as<std::string>(), role_of(row[1]), row[4].as<std::int64_t>()};
}

std::string not_found(std::string_view name) { return "there is no user '" + std::string(name) + "'"; }

std::string kdf_text(const KdfParams& kdf) {
  return "scrypt ln=" + std::to_string(kdf.log2_n) + ",r=" + std::to_string(kdf.block_size) +
         ",p=" + std::to_string(kdf.parallelism);
}

void take_users_lock(pqxx::work& tx) { tx.exec_params("SELECT pg_advisory_xact_lock($1)", kUsersLock); }

// What a user row says, read for a login: the hash never leaves this file.
struct Credentials {
  std::int64_t id = 0;
  std::string password_hash;
  bool disabled = false;
  Principal principal;
};

}  // namespace

UserStore::UserStore(storage::Database& database, KdfParams kdf)
    : database_(database), kdf_(kdf), dummy_hash_(hash_password(random_password(kGeneratedPasswordLength), kdf)) {}

User UserStore::create(const std::string& name, const std::string& password, Role role, const std::string& actor) {
  validate_name(name);
  validate_password(password);
  const std::string role_name = role_text(role);
  const std::string hash = hash_password(password, kdf_);
  return database_.with_transaction([&](pqxx::work& tx) {
    pqxx::result inserted;
    try {
      inserted = tx.exec_params(kInsert, name, hash, role_name);
    } catch (const pqxx::unique_violation&) {
      throw Conflict("there is already a user '" + name + "'");
    }
    record_audit(tx, {actor, "user.create", "user", name, {{"role", role_name}}});
    return read_user(inserted[0]);
  });
}

User UserStore::update(std::string_view name, const UserChange& change, const std::string& actor) {
  if (change.password) validate_password(*change.password);
  const std::optional<std::string> role_name =
      change.role ? std::optional(role_text(*change.role)) : std::optional<std::string>();
  const std::optional<std::string> hash =
      change.password ? std::optional(hash_password(*change.password, kdf_)) : std::optional<std::string>();
  const std::string key(name);
  return database_.with_transaction([&](pqxx::work& tx) {
    if (change.role || change.disabled) take_users_lock(tx);
    const pqxx::result before = tx.exec_params(
        "SELECT id, name, role::text, disabled FROM users WHERE lower(name) = lower($1) FOR UPDATE", key);
    if (before.empty()) throw NotFound(not_found(name));
    const std::int64_t id = before[0][0].as<std::int64_t>();
    const std::string stored_name = before[0][1].as<std::string>();
    if (!change.role && !change.password && !change.disabled) {
      return read_user(tx.exec_params1(kSelectById, id));
    }

    const pqxx::row after = tx.exec_params1(kUpdate, id, role_name, hash, change.disabled);
    const bool was_enabled_admin = before[0][2].as<std::string>() == to_text(Role::admin) && !before[0][3].as<bool>();
    if (was_enabled_admin &&
        tx.exec1("SELECT count(*) FROM users WHERE role = 'admin' AND NOT disabled")[0].as<int>() == 0) {
      throw Conflict("user '" + stored_name + "': the change would leave no enabled admin");
    }

    nlohmann::json details = nlohmann::json::object();
    if (role_name) {
      details["role"] = *role_name;
      details["previous_role"] = before[0][2].as<std::string>();
    }
    if (change.password) details["password"] = "changed";
    if (change.disabled) details["disabled"] = *change.disabled;
    record_audit(tx, {actor, "user.update", "user", stored_name, std::move(details)});
    return read_user(after);
  });
}

std::optional<User> UserStore::get(std::string_view name) const {
  const std::string key(name);
  return database_.with_transaction([&](pqxx::work& tx) -> std::optional<User> {
    const pqxx::result found = tx.exec_params(kSelectByName, key);
    if (found.empty()) return std::nullopt;
    return read_user(found[0]);
  });
}

std::vector<User> UserStore::list() const {
  return database_.with_transaction([&](pqxx::work& tx) {
    std::vector<User> users;
    for (const auto& row : tx.exec(kSelectAll)) {
      users.push_back(read_user(row));
    }
    return users;
  });
}

std::optional<Principal> UserStore::authenticate(std::string_view name, std::string_view password) {
  // Too long to be anyone's password: refused before any work, whatever the name.
  if (password.size() > kMaxPasswordBytes || name.size() > kMaxNameSize) return std::nullopt;
  const std::string key(name);
  // Read, then hash without holding a connection: the KDF is the slow part.
  const std::optional<Credentials> stored =
      database_.with_transaction([&](pqxx::work& tx) -> std::optional<Credentials> {
        const pqxx::result found = tx.exec_params(kSelectCredentials, key);
        if (found.empty()) return std::nullopt;
        return Credentials{found[0][5].as<std::int64_t>(), found[0][6].as<std::string>(), found[0][2].as<bool>(),
                           read_principal(found[0])};
      });
  if (!stored) {
    verify_password(password, dummy_hash_, kdf_);
    return std::nullopt;
  }
  const PasswordCheck check = verify_password(password, stored->password_hash, kdf_);
  if (check.unreadable) {
    log::warn("stored password hash is unreadable: the user cannot log in until an admin sets a new password",
              {{"user", stored->principal.name}});
  }
  if (!check.matches || stored->disabled) return std::nullopt;
  if (check.needs_rehash) {
    const std::string rehashed = hash_password(password, kdf_);
    database_.with_transaction([&](pqxx::work& tx) {
      // Only if the password was not changed meanwhile.
      const pqxx::result replaced =
          tx.exec_params("UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2 RETURNING id",
                         stored->id, stored->password_hash, rehashed);
      if (!replaced.empty()) {
        record_audit(tx,
                     {kSystemActor, "user.password_rehash", "user", stored->principal.name, {{"kdf", kdf_text(kdf_)}}});
      }
    });
  }
  return stored->principal;
}

std::optional<Principal> UserStore::current(const VerifiedToken& token) const {
  std::optional<Principal> now = current(token.principal.name);
  if (!now || now->generation != token.principal.generation) return std::nullopt;
  return now;
}

std::optional<Principal> UserStore::current(std::string_view name) const {
  const std::string key(name);
  return database_.with_transaction([&](pqxx::work& tx) -> std::optional<Principal> {
    const pqxx::result found = tx.exec_params(kSelectEnabledByName, key);
    if (found.empty()) return std::nullopt;
    return read_principal(found[0]);
  });
}

std::optional<std::string> UserStore::ensure_first_admin() {
  return database_.with_transaction([&](pqxx::work& tx) -> std::optional<std::string> {
    take_users_lock(tx);
    if (tx.exec1("SELECT EXISTS (SELECT 1 FROM users)")[0].as<bool>()) return std::nullopt;
    std::string password = random_password(kGeneratedPasswordLength);
    const std::string name(kFirstAdminName);
    tx.exec_params0("INSERT INTO users (name, password_hash, role) VALUES ($1, $2, 'admin')", name,
                    hash_password(password, kdf_));
    record_audit(tx, {kSystemActor, "user.create", "user", name, {{"role", "admin"}, {"first_admin", true}}});
    return password;
  });
}

}  // namespace vigie::event_manager::auth
