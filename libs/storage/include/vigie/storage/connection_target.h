// Where a PostgreSQL connection string points, without what it must keep secret:
// the part of it that may be logged.
#pragma once

#include <string>

namespace vigie::storage {

struct ConnectionTarget {
  std::string host;  // host name, address or socket directory; empty = libpq's default
  std::string port;
  std::string dbname;
  std::string user;

  // "host=/run/pg port=5432 dbname=vigie user=vigie", leaving out what is unset.
  std::string describe() const;
};

// Parses a libpq key=value string or a postgresql:// URI as libpq does. Throws
// std::invalid_argument when libpq refuses it; the message never quotes the
// string, which may hold a password.
ConnectionTarget parse_connection_target(const std::string& url);

}  // namespace vigie::storage
