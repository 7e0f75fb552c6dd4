// Turns what the stores refuse into the HTTP answers the API promises:
// ValidationError 400 naming the field, NotFound 404, Conflict 409, the
// database unreachable 503 with Retry-After. The server's exception mapper.
#pragma once

#include <exception>
#include <optional>

#include "web/request.h"

namespace vigie::event_manager::api {

std::optional<web::Response> store_error_response(const std::exception& error, const web::Request& request);

}  // namespace vigie::event_manager::api
