// Bearer tokens and URL signatures: what is issued verifies until it expires;
// any change to a token, another key, or a signature made for the other purpose
// is refused with its reason.
#include "auth/token_signer.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <numeric>
#include <stdexcept>

#include <nlohmann/json.hpp>

#include "vigie/crypto/base64.h"

namespace vigie::event_manager::auth {
namespace {

using crypto::Base64;
using crypto::base64_decode;
using crypto::base64_encode;

using namespace std::chrono_literals;

std::vector<std::uint8_t> key_from(std::uint8_t first) {
  std::vector<std::uint8_t> key(TokenSigner::kKeySize);
  std::iota(key.begin(), key.end(), first);
  return key;
}

class TokenSignerTest : public ::testing::Test {
 protected:
  TokenError error_of(std::string_view token, Clock::time_point at) const {
    const auto result = signer_.verify(token, at);
    if (const auto* error = std::get_if<TokenError>(&result)) return *error;
    ADD_FAILURE() << "accepted: " << token;
    return TokenError::malformed;
  }

  const Clock::time_point now_ = Clock::time_point(std::chrono::seconds(1'750'000'000)) + 250ms;
  const Principal alice_{"Alice", Role::operator_, 3};
  TokenSigner signer_{key_from(1)};
};

TEST_F(TokenSignerTest, AnIssuedTokenVerifiesUntilItExpires) {
  const IssuedToken issued = signer_.issue(alice_, 1h, now_);
  EXPECT_EQ(issued.expires_at, Clock::time_point(std::chrono::seconds(1'750'000'000)) + 1h);
  EXPECT_EQ(issued.token.find_first_of("=+/ "), std::string::npos) << issued.token;

  const auto result = signer_.verify(issued.token, now_ + 59min);
  ASSERT_TRUE(std::holds_alternative<VerifiedToken>(result)) << to_text(std::get<TokenError>(result));
  const VerifiedToken& token = std::get<VerifiedToken>(result);
  EXPECT_EQ(token.principal, alice_);
  EXPECT_EQ(token.issued_at, Clock::time_point(std::chrono::seconds(1'750'000'000)));
  EXPECT_EQ(token.expires_at, issued.expires_at);
  EXPECT_EQ(token.id.size(), 22u);

  EXPECT_EQ(error_of(issued.token, issued.expires_at), TokenError::expired);
  EXPECT_EQ(error_of(issued.token, issued.expires_at + 24h), TokenError::expired);
}

TEST_F(TokenSignerTest, EveryTokenHasItsOwnId) {
  const IssuedToken a = signer_.issue(alice_, 1h, now_);
  const IssuedToken b = signer_.issue(alice_, 1h, now_);
  EXPECT_NE(a.token, b.token);
  EXPECT_NE(std::get<VerifiedToken>(signer_.verify(a.token, now_)).id,
            std::get<VerifiedToken>(signer_.verify(b.token, now_)).id);
}

TEST_F(TokenSignerTest, ATokenWithAnotherPayloadOrSignatureIsRefused) {
  const std::string token = signer_.issue(alice_, 1h, now_).token;
  const size_t dot = token.find('.');
  const std::string payload = token.substr(0, dot);
  const std::string signature = token.substr(dot + 1);

  // The same token claiming admin, with the signature it had.
  const auto decoded = base64_decode(payload, Base64::url);
  ASSERT_TRUE(decoded);
  nlohmann::json claims = nlohmann::json::parse(decoded->begin(), decoded->end());
  EXPECT_EQ(claims["sub"], "Alice");
  claims["role"] = "admin";
  const std::string text = claims.dump();
  const std::string forged =
      base64_encode(std::span(reinterpret_cast<const std::uint8_t*>(text.data()), text.size()), Base64::url);
  EXPECT_EQ(error_of(forged + "." + signature, now_), TokenError::bad_signature);

  std::string flipped_payload = payload;
  flipped_payload[5] = flipped_payload[5] == 'A' ? 'B' : 'A';
  EXPECT_EQ(error_of(flipped_payload + "." + signature, now_), TokenError::bad_signature);
  std::string flipped_signature = signature;
  flipped_signature[0] = flipped_signature[0] == 'A' ? 'B' : 'A';
  EXPECT_EQ(error_of(payload + "." + flipped_signature, now_), TokenError::bad_signature);

  // Another server's key.
  const TokenSigner other(key_from(2));
  EXPECT_EQ(error_of(other.issue(alice_, 1h, now_).token, now_), TokenError::bad_signature);
  // The signature is checked first: an expired forgery is a forgery.
  EXPECT_EQ(error_of(forged + "." + signature, now_ + 2h), TokenError::bad_signature);
}

TEST_F(TokenSignerTest, WhatIsNotATokenIsMalformed) {
  const std::string token = signer_.issue(alice_, 1h, now_).token;
  const size_t dot = token.find('.');
  for (const std::string& bad : std::vector<std::string>{
           "", "garbage", ".", token.substr(0, dot), token.substr(0, dot + 1), token.substr(dot), token + ".",
           token + "=", token + " ", "Bearer " + token, token.substr(0, dot) + "." + token.substr(0, dot),
           token.substr(0, token.size() - 1), std::string(5000, 'a')}) {
    EXPECT_EQ(error_of(bad, now_), TokenError::malformed) << bad;
  }
}

// Signed as the token format says (HMAC-SHA256 of "vigie.token.v1", a zero byte
// and the encoded payload), with the test's key.
std::string signed_token(std::string_view payload) {
  const std::string encoded =
      base64_encode(std::span(reinterpret_cast<const std::uint8_t*>(payload.data()), payload.size()), Base64::url);
  std::string input = "vigie.token.v1";
  input.push_back('\0');
  input += encoded;
  const std::vector<std::uint8_t> key = key_from(1);
  std::vector<std::uint8_t> mac(32);
  size_t length = 0;
  EXPECT_NE(
      EVP_Q_mac(nullptr, "HMAC", nullptr, "SHA256", nullptr, key.data(), key.size(),
                reinterpret_cast<const unsigned char*>(input.data()), input.size(), mac.data(), mac.size(), &length),
      nullptr);
  return encoded + "." + base64_encode(mac, Base64::url);
}

TEST_F(TokenSignerTest, TheFormatIsTheOneDocumented) {
  const auto result = signer_.verify(
      signed_token(R"({"v":1,"sub":"bob","role":"viewer","gen":0,"iat":1750000000,"exp":1750003600,"jti":"x"})"), now_);
  ASSERT_TRUE(std::holds_alternative<VerifiedToken>(result));
  EXPECT_EQ(std::get<VerifiedToken>(result).principal, (Principal{"bob", Role::viewer, 0}));
}

TEST_F(TokenSignerTest, ASignedPayloadThatIsNotATokensIsMalformed) {
  // Only this code signs; still, what it signed is read with care.
  for (const char* payload :
       {"", "{", "[]", "null", R"({"v":1})",
        R"({"v":2,"sub":"bob","role":"viewer","gen":0,"iat":1750000000,"exp":1750003600,"jti":"x"})",
        R"({"v":1,"sub":"","role":"viewer","gen":0,"iat":1750000000,"exp":1750003600,"jti":"x"})",
        R"({"v":1,"sub":"bob","role":"root","gen":0,"iat":1750000000,"exp":1750003600,"jti":"x"})",
        R"({"v":1,"sub":"bob","role":"viewer","gen":"0","iat":1750000000,"exp":1750003600,"jti":"x"})",
        R"({"v":1,"sub":"bob","role":"viewer","gen":0,"iat":1750000000,"exp":1.75e9,"jti":"x"})",
        R"({"v":1,"sub":"bob","role":"viewer","gen":0,"iat":1750000000,"exp":9223372036854775807,"jti":"x"})",
        R"({"v":1,"sub":"bob","role":"viewer","gen":0,"iat":-1,"exp":1750003600,"jti":"x"})",
        R"({"v":1,"sub":"bob","role":"viewer","gen":0,"iat":1750000000,"exp":1750003600})"}) {
    EXPECT_EQ(error_of(signed_token(payload), now_), TokenError::malformed) << payload;
  }
}

TEST_F(TokenSignerTest, AUrlSignatureVerifiesForItsMessageOnly) {
  const std::string message = "evidence/42/1750003600";
  const std::string signature = signer_.sign(message);
  EXPECT_EQ(signature.size(), 43u);
  EXPECT_EQ(signature, signer_.sign(message));
  EXPECT_TRUE(signer_.verify_signature(message, signature));
  EXPECT_FALSE(signer_.verify_signature("evidence/43/1750003600", signature));
  EXPECT_FALSE(signer_.verify_signature("evidence/42/1750007200", signature));
  EXPECT_FALSE(TokenSigner(key_from(2)).verify_signature(message, signature));
  std::string flipped = signature;
  flipped[0] = flipped[0] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(signer_.verify_signature(message, flipped));
  EXPECT_FALSE(signer_.verify_signature(message, signature + "="));
  EXPECT_FALSE(signer_.verify_signature(message, ""));
  EXPECT_FALSE(signer_.verify_signature(message, "not base64!"));
}

TEST_F(TokenSignerTest, TokensAndUrlSignaturesAreNeverTakenForEachOther) {
  const std::string token = signer_.issue(alice_, 1h, now_).token;
  const size_t dot = token.find('.');
  const std::string payload = token.substr(0, dot);
  // A token's signature is no URL signature of its payload ...
  EXPECT_FALSE(signer_.verify_signature(payload, token.substr(dot + 1)));
  // ... and a URL signature of a token's payload makes no token.
  EXPECT_EQ(error_of(payload + "." + signer_.sign(payload), now_), TokenError::bad_signature);
}

TEST_F(TokenSignerTest, BadKeysAndLifetimesAreRefused) {
  EXPECT_THROW(TokenSigner(std::vector<std::uint8_t>(31)), std::invalid_argument);
  EXPECT_THROW(signer_.issue(alice_, 0s, now_), std::invalid_argument);
  EXPECT_THROW(signer_.issue(alice_, -1s, now_), std::invalid_argument);
  EXPECT_THROW(signer_.issue(alice_, std::chrono::days(400), now_), std::invalid_argument);
  EXPECT_THROW(signer_.issue(Principal{"", Role::admin, 0}, 1h, now_), std::invalid_argument);
}

TEST(TokenError, HasWordsForLogs) {
  EXPECT_EQ(to_text(TokenError::malformed), "malformed");
  EXPECT_EQ(to_text(TokenError::bad_signature), "bad signature");
  EXPECT_EQ(to_text(TokenError::expired), "expired");
}

}  // namespace
}  // namespace vigie::event_manager::auth
