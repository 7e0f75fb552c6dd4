#include "vigie/crypto/credentials.h"

#include <openssl/crypto.h>

#include <nlohmann/json.hpp>

namespace vigie::crypto {
namespace {

// The JSON text holds the password in clear; it is wiped once sealed or parsed.
struct SecretText {
  std::string text;
  ~SecretText() { OPENSSL_cleanse(text.data(), text.size()); }
};

}  // namespace

std::string seal_credentials(const Fernet& fernet, const Credentials& credentials) {
  SecretText json;
  try {
    json.text =
        nlohmann::json{{"username", credentials.username}, {"password", credentials.password}}
            .dump();
  } catch (const nlohmann::json::type_error&) {
    // Its message quotes the offending byte; ours must not.
    throw std::invalid_argument("camera credentials: username and password must be UTF-8");
  }
  return fernet.encrypt(json.text);
}

Credentials open_credentials(const Fernet& fernet, std::string_view token) {
  SecretText json{fernet.decrypt(token)};
  // Parsed without exceptions: nlohmann's parse errors quote the input.
  const nlohmann::json value = nlohmann::json::parse(json.text, nullptr, false);
  const auto field = [&value](const char* name) -> const nlohmann::json* {
    if (!value.is_object()) return nullptr;
    auto it = value.find(name);
    return it != value.end() && it->is_string() ? &*it : nullptr;
  };
  const nlohmann::json* username = field("username");
  const nlohmann::json* password = field("password");
  if (!username || !password) {
    throw InvalidToken(
        "camera credentials: the token does not hold a JSON object with string fields "
        "username and password");
  }
  return {username->get<std::string>(), password->get<std::string>()};
}

}  // namespace vigie::crypto
