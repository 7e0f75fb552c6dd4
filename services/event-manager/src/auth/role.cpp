#include "auth/role.h"

#include <stdexcept>

namespace vigie::event_manager::auth {

std::string_view to_text(Role role) {
  switch (role) {
    case Role::viewer:
      return "viewer";
    case Role::operator_:
      return "operator";
    case Role::admin:
      return "admin";
  }
  throw std::invalid_argument("role: " + std::to_string(static_cast<int>(role)) + " is not a role");
}

std::optional<Role> role_from_text(std::string_view text) {
  for (const Role role : {Role::viewer, Role::operator_, Role::admin}) {
    if (text == to_text(role)) return role;
  }
  return std::nullopt;
}

bool allows(Role have, Role need) {
  // A value outside the enumeration (a bad cast) allows nothing rather than everything.
  const auto rank = [](Role role) { return static_cast<int>(role); };
  const bool known = rank(have) >= rank(Role::viewer) && rank(have) <= rank(Role::admin);
  return known && rank(have) >= rank(need);
}

}  // namespace vigie::event_manager::auth
