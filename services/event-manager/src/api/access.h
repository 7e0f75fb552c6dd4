// The web layer's opaque, ordered roles are the auth roles' order, and every
// change is recorded under its caller's name.
#pragma once

#include <string>

#include "auth/role.h"
#include "web/request.h"

namespace vigie::event_manager::api {

inline web::Access needs(auth::Role role) { return web::Access::role_at_least(static_cast<int>(role)); }

// "user:NAME" for the audit log and the decisions.
std::string actor(const web::Request& request);

}  // namespace vigie::event_manager::api
