#include "vigie/crypto/fernet.h"

#include <openssl/crypto.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rand.h>

#include <climits>
#include <memory>
#include <vector>

#include "vigie/crypto/base64.h"
#include "vigie/crypto/openssl_failure.h"

namespace vigie::crypto {
namespace {

constexpr uint8_t kVersion = 0x80;
constexpr size_t kTimestampSize = 8;
constexpr size_t kIvSize = 16;
constexpr size_t kHeaderSize = 1 + kTimestampSize + kIvSize;
constexpr size_t kMacSize = 32;
constexpr size_t kBlockSize = 16;
// The reference implementations' allowance for a token stamped by a machine whose
// clock runs ahead of ours.
constexpr int64_t kMaxClockSkewSeconds = 60;

using Mac = std::array<uint8_t, kMacSize>;

struct CipherContextDeleter {
  void operator()(EVP_CIPHER_CTX* context) const { EVP_CIPHER_CTX_free(context); }
};
using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, CipherContextDeleter>;

// Bytes that held a key or a plaintext are wiped before their memory is given back.
struct SecretBytes {
  std::vector<uint8_t> bytes;
  ~SecretBytes() { OPENSSL_cleanse(bytes.data(), bytes.size()); }
};

int checked_length(size_t size) {
  if (size > static_cast<size_t>(INT_MAX - static_cast<int>(kBlockSize))) {
    throw std::length_error("Fernet: plaintext too large");
  }
  return static_cast<int>(size);
}

Mac hmac_sha256(const std::array<uint8_t, 16>& key, std::span<const uint8_t> data) {
  Mac mac{};
  size_t length = 0;
  if (EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(), data.data(),
                data.size(), mac.data(), mac.size(), &length) == nullptr ||
      length != mac.size()) {
    throw std::runtime_error(openssl_failure("Fernet", "HMAC-SHA256"));
  }
  return mac;
}

CipherContext new_cipher_context() {
  CipherContext context(EVP_CIPHER_CTX_new());
  if (!context) throw std::runtime_error(openssl_failure("Fernet", "EVP_CIPHER_CTX_new"));
  return context;
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

Fernet Fernet::from_key(std::string_view base64url_key) {
  SecretBytes key{base64url_decode(base64url_key).value_or(std::vector<uint8_t>{})};
  if (key.bytes.size() != 32) {
    throw std::invalid_argument(
        "Fernet key: expected 32 bytes in base64url with padding (44 characters)");
  }
  Key signing;
  Key encryption;
  std::copy(key.bytes.begin(), key.bytes.begin() + 16, signing.begin());
  std::copy(key.bytes.begin() + 16, key.bytes.end(), encryption.begin());
  Fernet fernet(signing, encryption);
  OPENSSL_cleanse(signing.data(), signing.size());
  OPENSSL_cleanse(encryption.data(), encryption.size());
  return fernet;
}

std::string Fernet::generate_key() {
  SecretBytes key{std::vector<uint8_t>(32)};
  if (RAND_bytes(key.bytes.data(), static_cast<int>(key.bytes.size())) != 1) {
    throw std::runtime_error(openssl_failure("Fernet", "RAND_bytes"));
  }
  return base64url_encode(key.bytes);
}

Fernet::~Fernet() {
  OPENSSL_cleanse(signing_.data(), signing_.size());
  OPENSSL_cleanse(encryption_.data(), encryption_.size());
}

std::string Fernet::encrypt(std::string_view plaintext) const {
  std::array<uint8_t, kIvSize> iv{};
  if (RAND_bytes(iv.data(), static_cast<int>(iv.size())) != 1) {
    throw std::runtime_error(openssl_failure("Fernet", "RAND_bytes"));
  }
  return encrypt_at(plaintext, unix_now(), iv);
}

std::string Fernet::encrypt_at(std::string_view plaintext, int64_t unix_time,
                               std::span<const uint8_t, 16> iv) const {
  if (unix_time < 0) throw std::invalid_argument("Fernet: a token's time cannot be before 1970");
  const int plaintext_length = checked_length(plaintext.size());

  std::vector<uint8_t> token(kHeaderSize + plaintext.size() + kBlockSize + kMacSize);
  token[0] = kVersion;
  for (size_t i = 0; i < kTimestampSize; ++i) {
    token[1 + i] = static_cast<uint8_t>(static_cast<uint64_t>(unix_time) >> (8 * (7 - i)));
  }
  std::copy(iv.begin(), iv.end(), token.begin() + 1 + kTimestampSize);

  CipherContext context = new_cipher_context();
  uint8_t* ciphertext = token.data() + kHeaderSize;
  int written = 0;
  int final_written = 0;
  if (EVP_EncryptInit_ex2(context.get(), EVP_aes_128_cbc(), encryption_.data(), iv.data(),
                          nullptr) != 1 ||
      EVP_EncryptUpdate(context.get(), ciphertext, &written,
                        reinterpret_cast<const uint8_t*>(plaintext.data()),
                        plaintext_length) != 1 ||
      EVP_EncryptFinal_ex(context.get(), ciphertext + written, &final_written) != 1) {
    throw std::runtime_error(openssl_failure("Fernet", "AES-128-CBC encryption"));
  }
  const size_t signed_size = kHeaderSize + static_cast<size_t>(written + final_written);
  const Mac mac = hmac_sha256(signing_, std::span(token.data(), signed_size));
  std::copy(mac.begin(), mac.end(), token.begin() + static_cast<std::ptrdiff_t>(signed_size));
  token.resize(signed_size + kMacSize);
  return base64url_encode(token);
}

std::string Fernet::decrypt(std::string_view token, std::optional<std::chrono::seconds> ttl,
                            std::optional<int64_t> now) const {
  const std::optional<std::vector<uint8_t>> decoded = base64url_decode(token);
  if (!decoded) throw InvalidToken("Fernet token: not base64url");
  const std::vector<uint8_t>& data = *decoded;
  if (data.size() < kHeaderSize + kBlockSize + kMacSize) {
    throw InvalidToken("Fernet token: too short");
  }
  if (data[0] != kVersion) throw InvalidToken("Fernet token: unknown version");

  if (ttl) {
    uint64_t stamp = 0;
    for (size_t i = 0; i < kTimestampSize; ++i) stamp = (stamp << 8) | data[1 + i];
    const int64_t current = now.value_or(unix_now());
    if (stamp > static_cast<uint64_t>(current + kMaxClockSkewSeconds)) {
      throw InvalidToken("Fernet token: stamped in the future (clock skew over 60 s)");
    }
    if (static_cast<int64_t>(stamp) < current - ttl->count()) {
      throw InvalidToken("Fernet token: expired");
    }
  }

  const size_t signed_size = data.size() - kMacSize;
  const Mac expected = hmac_sha256(signing_, std::span(data.data(), signed_size));
  if (CRYPTO_memcmp(expected.data(), data.data() + signed_size, kMacSize) != 0) {
    throw InvalidToken("Fernet token: bad signature (another key, or altered)");
  }

  const size_t ciphertext_size = signed_size - kHeaderSize;
  if (ciphertext_size % kBlockSize != 0) {
    throw InvalidToken("Fernet token: ciphertext is not whole AES blocks");
  }
  CipherContext context = new_cipher_context();
  SecretBytes plaintext{std::vector<uint8_t>(ciphertext_size)};
  int written = 0;
  int final_written = 0;
  if (EVP_DecryptInit_ex2(context.get(), EVP_aes_128_cbc(), encryption_.data(),
                          data.data() + 1 + kTimestampSize, nullptr) != 1 ||
      EVP_DecryptUpdate(context.get(), plaintext.bytes.data(), &written, data.data() + kHeaderSize,
                        checked_length(ciphertext_size)) != 1) {
    throw std::runtime_error(openssl_failure("Fernet", "AES-128-CBC decryption"));
  }
  if (EVP_DecryptFinal_ex(context.get(), plaintext.bytes.data() + written, &final_written) != 1) {
    // Only bad padding fails here; OpenSSL's queued reason says nothing more.
    ERR_clear_error();
    throw InvalidToken("Fernet token: bad padding");
  }
  return std::string(plaintext.bytes.begin(), plaintext.bytes.begin() + written + final_written);
}

std::string Fernet::check_key(const std::string& key) {
  try {
    from_key(key);
    return "";
  } catch (const std::exception&) {
    return "a Fernet key: 32 bytes in URL-safe base64";
  }
}

}  // namespace vigie::crypto
