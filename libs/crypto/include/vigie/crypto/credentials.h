// A camera's credentials as they are stored and travel: a Fernet token of
// {"username":..,"password":..}. The event manager seals them; the services that
// connect to cameras open them.
#pragma once

#include <string>
#include <string_view>

#include "vigie/crypto/fernet.h"

namespace vigie::crypto {

struct Credentials {
  std::string username;
  std::string password;
};

// Throws std::invalid_argument when a field is not valid UTF-8 (JSON cannot hold it).
std::string seal_credentials(const Fernet& fernet, const Credentials& credentials);
// Throws InvalidToken when the token does not open with this key or does not hold
// credentials; the message never quotes what the token held.
Credentials open_credentials(const Fernet& fernet, std::string_view token);

}  // namespace vigie::crypto
