// Base64 as the project writes and reads it: unpadded (password hashes, tokens)
// and padded URL-safe (Fernet, cursors), each accepting only its own spelling.
#include "vigie/crypto/base64.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

namespace vigie::crypto {
namespace {

std::vector<std::uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

TEST(Base64, DecodesOnlyWhatItEncodes) {
  for (const std::string text : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    for (const Base64 alphabet : {Base64::standard, Base64::url}) {
      const std::string encoded = base64_encode(bytes_of(text), alphabet);
      EXPECT_EQ(base64_decode(encoded, alphabet), bytes_of(text)) << encoded;
    }
  }
  EXPECT_EQ(base64_encode(bytes_of("foobar"), Base64::standard), "Zm9vYmFy");
  EXPECT_EQ(base64_encode(bytes_of("fo"), Base64::standard), "Zm8");
  EXPECT_EQ(base64_encode(std::vector<std::uint8_t>{0xfb, 0xff}, Base64::standard), "+/8");
  EXPECT_EQ(base64_encode(std::vector<std::uint8_t>{0xfb, 0xff}, Base64::url), "-_8");
  for (const char* bad : {"Zm8=", "Zm9", "Z", "Zm8!", "-_8", "Zm 8"}) {
    EXPECT_EQ(base64_decode(bad, Base64::standard), std::nullopt) << bad;
  }
  EXPECT_EQ(base64_decode("+/8", Base64::url), std::nullopt);
}

TEST(Base64, PaddedUrlSafeHasExactlyItsPadding) {
  // RFC 4648's test vectors, in the URL-safe alphabet.
  const std::vector<std::pair<std::string, std::string>> vectors = {
      {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [text, encoded] : vectors) {
    EXPECT_EQ(base64url_encode(bytes_of(text)), encoded);
    EXPECT_EQ(base64url_decode(encoded), bytes_of(text)) << encoded;
  }
  EXPECT_EQ(base64url_encode(std::vector<std::uint8_t>{0xfb, 0xff}), "-_8=");
  for (const char* bad : {"Zg", "Zg=", "Zg===", "Zm8==", "Zm9v=", "====", "Zh==", "+/8=", "Zm=8"}) {
    EXPECT_EQ(base64url_decode(bad), std::nullopt) << bad;
  }
}

}  // namespace
}  // namespace vigie::crypto
