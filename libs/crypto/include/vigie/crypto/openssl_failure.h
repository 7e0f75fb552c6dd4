// OpenSSL's own reason for its last failure, for an error message. These are
// failures of the library or the machine (no memory, no entropy), never of the
// data, so no secret is in them.
#pragma once

#include <string>
#include <string_view>

namespace vigie::crypto {

// "<component>: <what> failed: <OpenSSL's reason>"; clears OpenSSL's error queue.
std::string openssl_failure(std::string_view component, const char* what);

}  // namespace vigie::crypto
