#include "vigie/storage/connection_target.h"

#include <libpq-fe.h>

#include <memory>
#include <stdexcept>
#include <string_view>

namespace vigie::storage {

std::string ConnectionTarget::describe() const {
  std::string out;
  auto add = [&out](std::string_view key, const std::string& value) {
    if (value.empty()) return;
    if (!out.empty()) out += ' ';
    out.append(key).append("=").append(value);
  };
  add("host", host);
  add("port", port);
  add("dbname", dbname);
  add("user", user);
  return out.empty() ? "libpq defaults" : out;
}

ConnectionTarget parse_connection_target(const std::string& url) {
  char* error = nullptr;
  std::unique_ptr<PQconninfoOption, decltype(&PQconninfoFree)> options(
      PQconninfoParse(url.c_str(), &error), &PQconninfoFree);
  if (!options) {
    // libpq's message quotes the part it could not read, which may be the password.
    PQfreemem(error);
    throw std::invalid_argument(
        "not a libpq connection string (key=value ...) nor a postgresql:// URI");
  }
  ConnectionTarget target;
  for (const PQconninfoOption* o = options.get(); o->keyword != nullptr; ++o) {
    if (o->val == nullptr) continue;
    const std::string_view key = o->keyword;
    if (key == "host" || (key == "hostaddr" && target.host.empty())) target.host = o->val;
    else if (key == "port") target.port = o->val;
    else if (key == "dbname") target.dbname = o->val;
    else if (key == "user") target.user = o->val;
  }
  return target;
}

}  // namespace vigie::storage
