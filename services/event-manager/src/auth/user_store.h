// The people who may use the operators' interface, in PostgreSQL's users table:
// their password hashes (password_hash.h), roles, and whether they are disabled.
// Every change is one transaction with its audit row; no password nor hash ever
// reaches the audit log, a log line or an error message.
#pragma once

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "auth/password_hash.h"
#include "auth/role.h"
#include "auth/token_signer.h"
#include "vigie/storage/database.h"

namespace vigie::event_manager::auth {

struct User {
  std::string name;
  Role role = Role::viewer;
  bool disabled = false;
  std::chrono::system_clock::time_point created_at;
};

// What update changes: the fields that are set.
struct UserChange {
  std::optional<Role> role = std::nullopt;
  std::optional<std::string> password = std::nullopt;
  std::optional<bool> disabled = std::nullopt;
};

// Thread-safe, as the Database it uses.
class UserStore {
 public:
  // Passwords: at least 12 characters (Unicode code points), at most 1024 bytes.
  static constexpr std::size_t kMinPasswordCharacters = 12;
  static constexpr std::size_t kMaxPasswordBytes = 1024;
  static constexpr std::size_t kGeneratedPasswordLength = 24;
  static constexpr std::string_view kFirstAdminName = "admin";

  // New hashes use kdf; older ones are replaced on the next successful login.
  // Computes one hash (for logins of unknown users), so it takes one hash's time.
  explicit UserStore(storage::Database& database, KdfParams kdf = {});

  // Every change names its actor ("user:alice", "system:auth") for the audit log.
  // ValidationError on "name" (the schema's pattern: a letter or digit, then up
  // to 127 of letters, digits and ._@-), "password" or "role"; Conflict when the
  // name is taken, whatever its case.
  User create(const std::string& name, const std::string& password, Role role, const std::string& actor);
  // NotFound when there is no such user (name in any case); Conflict when the
  // change would leave no enabled admin. Changing the password or disabling the
  // user ends the sessions it had (the token generation is raised).
  User update(std::string_view name, const UserChange& change, const std::string& actor);

  std::optional<User> get(std::string_view name) const;
  // Ordered by name, whatever its case.
  std::vector<User> list() const;

  // The user when name (in any case) and password match and it is not disabled.
  // Does one hash's work whether the user exists or not, so that the answer's
  // time does not tell which names exist. A hash made with other parameters
  // than this store's is replaced (audited as system:auth).
  std::optional<Principal> authenticate(std::string_view name, std::string_view password);

  // What the holder of a verified token may do now: the user as stored (its
  // current role, not the token's), or nullopt when the user is gone, disabled,
  // or its token generation moved on since the token was issued. One indexed
  // lookup per call and no cache, so a change takes effect on the next request.
  std::optional<Principal> current(const VerifiedToken& token) const;
  // The user as stored, nullopt when there is none or it is disabled.
  std::optional<Principal> current(std::string_view name) const;

  // When there is no user at all, creates "admin" with a generated password
  // (kGeneratedPasswordLength characters, random_password) and returns that
  // password, to be shown once; otherwise nullopt. Instances starting together
  // take turns on an advisory lock, so exactly one of them creates it.
  std::optional<std::string> ensure_first_admin();

 private:
  storage::Database& database_;
  KdfParams kdf_;
  // The hash unknown names are checked against: the same work as a real one.
  std::string dummy_hash_;
};

}  // namespace vigie::event_manager::auth
