#include "vigie/crypto/openssl_failure.h"

#include <openssl/err.h>

namespace vigie::crypto {

std::string openssl_failure(std::string_view component, const char* what) {
  std::string message = std::string(component) + ": " + what + " failed";
  if (unsigned long code = ERR_get_error(); code != 0) {
    char reason[256];
    ERR_error_string_n(code, reason, sizeof reason);
    message += std::string(": ") + reason;
  }
  ERR_clear_error();
  return message;
}

}  // namespace vigie::crypto
