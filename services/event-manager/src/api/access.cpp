#include "access.h"

namespace vigie::event_manager::api {

std::string actor(const web::Request& request) {
  // Routes that change something are never public: the server has set it.
  return "user:" + request.principal.value().name;
}

}  // namespace vigie::event_manager::api
