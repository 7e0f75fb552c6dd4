#include "store_errors_http.h"

#include "store_errors.h"
#include "vigie/storage/database.h"
#include "web/json_body.h"

namespace vigie::event_manager::api {

std::optional<web::Response> store_error_response(const std::exception& error, const web::Request&) {
  if (const auto* e = dynamic_cast<const ValidationError*>(&error))
    return web::error_response(400, "validation_failed", e->what(), e->field());
  if (dynamic_cast<const NotFound*>(&error)) return web::error_response(404, "not_found", error.what());
  if (dynamic_cast<const Conflict*>(&error)) return web::error_response(409, "conflict", error.what());
  if (dynamic_cast<const storage::DatabaseUnavailable*>(&error)) {
    return web::error_response(503, "database_unavailable", "the database is unreachable; try again shortly")
        .with_header("Retry-After", "5");
  }
  return std::nullopt;
}

}  // namespace vigie::event_manager::api
