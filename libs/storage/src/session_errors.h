// Which server errors mean the session is gone rather than the statement wrong.
#pragma once

#include <string>

namespace vigie::storage {

// SQLSTATEs with which the server ends a session or refuses a new one: the same
// work can succeed once it is back (connection exceptions, admin or crash
// shutdown, starting up, too many clients).
inline bool session_lost(const std::string& sqlstate) {
  return sqlstate.starts_with("08") || sqlstate == "57P01" || sqlstate == "57P02" ||
         sqlstate == "57P03" || sqlstate == "53300";
}

}  // namespace vigie::storage
