// Who may do what. Three roles, each allowed everything the one below it is:
// a viewer watches the map and the alerts, an operator also decides on alerts,
// an administrator also changes cameras, analyses and users.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace vigie::event_manager::auth {

// In order of rights: a later role allows all an earlier one does.
enum class Role { viewer, operator_, admin };

// "viewer", "operator", "admin": the schema's user_role values and the API's words.
// Throws std::invalid_argument for a value outside the enumeration.
std::string_view to_text(Role role);
// Exactly those words; nullopt for anything else (the caller names its field).
std::optional<Role> role_from_text(std::string_view text);

// Whether a user with role have may do what needs role need.
bool allows(Role have, Role need);

// Who is making a request.
struct Principal {
  std::string name;  // as stored, whatever case the user typed it in
  Role role = Role::viewer;
  // The user's token generation: raised when the password changes or the user is
  // disabled, so that tokens issued before stop being accepted (UserStore::current).
  std::int64_t generation = 0;

  bool operator==(const Principal&) const = default;
};

}  // namespace vigie::event_manager::auth
