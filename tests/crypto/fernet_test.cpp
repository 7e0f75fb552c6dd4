// Fernet: every vector of the specification (generate, verify, invalid), then what
// the vectors do not cover: round trips, any altered character, another key, ages.
#include "vigie/crypto/fernet.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>

namespace vigie::crypto {
namespace {

using namespace std::chrono_literals;

constexpr std::string_view kSpecKey = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";
constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The vectors are the specification's files, unchanged; a missing file is a broken
// checkout, so it fails the test rather than skipping it.
nlohmann::json load_vectors(const std::string& name) {
  const std::filesystem::path path = std::filesystem::path(VIGIE_FERNET_VECTORS_DIR) / name;
  std::ifstream in(path);
  if (!in) {
    ADD_FAILURE() << "Fernet test vectors not found at " << path
                  << ": the tests expect the shared/ directory beside the repository "
                     "(shared/testdata/fernet/"
                  << name << ")";
    return nlohmann::json::array();
  }
  nlohmann::json vectors = nlohmann::json::parse(in);
  EXPECT_TRUE(vectors.is_array() && !vectors.empty()) << path << " holds no vectors";
  return vectors;
}

// The vectors' times, such as 1985-10-26T01:20:01-07:00, as Unix seconds.
int64_t parse_rfc3339(const std::string& text) {
  std::tm tm{};
  char sign = '+';
  int offset_hours = 0;
  int offset_minutes = 0;
  if (std::sscanf(text.c_str(), "%d-%d-%dT%d:%d:%d%c%d:%d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday,
                  &tm.tm_hour, &tm.tm_min, &tm.tm_sec, &sign, &offset_hours,
                  &offset_minutes) != 9) {
    ADD_FAILURE() << "unreadable time in a vector: " << text;
    return 0;
  }
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  const int64_t offset = (offset_hours * 3600 + offset_minutes * 60) * (sign == '-' ? -1 : 1);
  return static_cast<int64_t>(timegm(&tm)) - offset;
}

TEST(FernetSpecTest, ParsesTheVectorsTimes) {
  EXPECT_EQ(parse_rfc3339("1985-10-26T01:20:00-07:00"), 499162800);
  EXPECT_EQ(parse_rfc3339("1970-01-01T01:00:00+01:00"), 0);
}

TEST(FernetSpecTest, EveryGenerateVectorGivesItsToken) {
  const nlohmann::json vectors = load_vectors("generate.json");
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.dump());
    std::array<uint8_t, 16> iv{};
    ASSERT_EQ(v["iv"].size(), iv.size());
    for (size_t i = 0; i < iv.size(); ++i) iv[i] = v["iv"][i].get<uint8_t>();
    const Fernet fernet = Fernet::from_key(v["secret"].get<std::string>());
    EXPECT_EQ(fernet.encrypt_at(v["src"].get<std::string>(),
                                parse_rfc3339(v["now"].get<std::string>()), iv),
              v["token"].get<std::string>());
  }
}

TEST(FernetSpecTest, EveryVerifyVectorOpens) {
  const nlohmann::json vectors = load_vectors("verify.json");
  for (const auto& v : vectors) {
    SCOPED_TRACE(v.dump());
    const Fernet fernet = Fernet::from_key(v["secret"].get<std::string>());
    EXPECT_EQ(fernet.decrypt(v["token"].get<std::string>(), std::chrono::seconds(v["ttl_sec"]),
                             parse_rfc3339(v["now"].get<std::string>())),
              v["src"].get<std::string>());
  }
}

TEST(FernetSpecTest, EveryInvalidVectorIsRefused) {
  const nlohmann::json vectors = load_vectors("invalid.json");
  for (const auto& v : vectors) {
    SCOPED_TRACE(v["desc"].get<std::string>());
    const std::string secret = v["secret"].get<std::string>();
    const Fernet fernet = Fernet::from_key(secret);
    try {
      fernet.decrypt(v["token"].get<std::string>(), std::chrono::seconds(v["ttl_sec"]),
                     parse_rfc3339(v["now"].get<std::string>()));
      ADD_FAILURE() << "accepted";
    } catch (const InvalidToken& e) {
      EXPECT_EQ(std::string(e.what()).find(secret), std::string::npos) << e.what();
    }
  }
}

TEST(FernetTest, RoundTripsAnyBytes) {
  const Fernet fernet = Fernet::from_key(Fernet::generate_key());
  const std::string binary("\0\x01\xff\x80 zero and high bytes", 25);
  for (const std::string& plaintext : {std::string(), std::string("a"), std::string(15, 'x'),
                                       std::string(16, 'y'), binary, std::string(1 << 20, 'z')}) {
    EXPECT_EQ(fernet.decrypt(fernet.encrypt(plaintext)), plaintext) << plaintext.size() << " bytes";
  }
}

TEST(FernetTest, EveryTokenHasItsOwnIvAndTheSpecVersion) {
  const Fernet fernet = Fernet::from_key(kSpecKey);
  const std::string a = fernet.encrypt("same");
  const std::string b = fernet.encrypt("same");
  EXPECT_NE(a, b);
  // 0x80 then a 2020s timestamp's leading zero bytes.
  EXPECT_EQ(a.substr(0, 6), "gAAAAA");
}

TEST(FernetTest, AnyAlteredCharacterIsRefused) {
  const Fernet fernet = Fernet::from_key(kSpecKey);
  const std::string token = fernet.encrypt("camera password");
  for (size_t i = 0; i < token.size() && token[i] != '='; ++i) {
    std::string altered = token;
    // XOR 32 flips a character's highest bit, which every position uses, so the
    // decoded bytes always change (a low bit can be padding in the last group).
    altered[i] = kAlphabet[kAlphabet.find(token[i]) ^ 32];
    EXPECT_THROW(fernet.decrypt(altered), InvalidToken) << "position " << i;
  }
  EXPECT_THROW(fernet.decrypt(token.substr(0, token.size() - 4)), InvalidToken);
  EXPECT_THROW(fernet.decrypt(token + "AAAA"), InvalidToken);
  EXPECT_THROW(fernet.decrypt(""), InvalidToken);
  EXPECT_THROW(fernet.decrypt(token.substr(0, token.size() - 2)), InvalidToken)
      << "padding is required";
}

TEST(FernetTest, AnotherKeyCannotOpenAToken) {
  const Fernet sealing = Fernet::from_key(Fernet::generate_key());
  const Fernet other = Fernet::from_key(Fernet::generate_key());
  const std::string token = sealing.encrypt("s3cret-plaintext");
  try {
    other.decrypt(token);
    FAIL() << "opened with another key";
  } catch (const InvalidToken& e) {
    EXPECT_EQ(std::string(e.what()).find("s3cret-plaintext"), std::string::npos);
    EXPECT_NE(std::string(e.what()).find("signature"), std::string::npos) << e.what();
  }
}

TEST(FernetTest, TtlRefusesOldAndFarFutureTokensOnly) {
  const Fernet fernet = Fernet::from_key(kSpecKey);
  const std::array<uint8_t, 16> iv{};
  const std::string token = fernet.encrypt_at("x", 1'000'000, iv);
  EXPECT_EQ(fernet.decrypt(token, 60s, 1'000'060), "x");
  EXPECT_THROW(fernet.decrypt(token, 60s, 1'000'061), InvalidToken);
  EXPECT_EQ(fernet.decrypt(token, 60s, 1'000'000 - 60), "x") << "60 s of clock skew is allowed";
  EXPECT_THROW(fernet.decrypt(token, 60s, 1'000'000 - 61), InvalidToken);
  EXPECT_EQ(fernet.decrypt(token), "x") << "without a ttl the age is not checked";
  EXPECT_EQ(fernet.decrypt(fernet.encrypt("now"), 1s), "now");
  EXPECT_THROW(fernet.encrypt_at("x", -1, iv), std::invalid_argument);
}

TEST(FernetTest, BadKeysAreRefusedWithoutBeingEchoed) {
  const std::string short_key = "c2hvcnQta2V5LXNlY3JldA==";  // 16 bytes
  const std::string unpadded(kSpecKey.substr(0, kSpecKey.size() - 1));
  const std::string not_base64 = "cw_0x689RpI+jtRR7oE8h/eQsKImvJapLeSbXpwF4e4=";
  for (const std::string& key : {short_key, unpadded, not_base64, std::string()}) {
    try {
      Fernet::from_key(key);
      ADD_FAILURE() << "accepted a bad key";
    } catch (const std::invalid_argument& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("Fernet key"), std::string::npos) << what;
      if (!key.empty()) {
        EXPECT_EQ(what.find(key), std::string::npos) << what;
      }
    }
  }
}

TEST(FernetTest, GeneratedKeysAreFreshAndUsable) {
  const std::string a = Fernet::generate_key();
  const std::string b = Fernet::generate_key();
  EXPECT_EQ(a.size(), 44u);
  EXPECT_NE(a, b);
  const Fernet fernet = Fernet::from_key(a);
  EXPECT_EQ(fernet.decrypt(fernet.encrypt("ok")), "ok");
}

}  // namespace
}  // namespace vigie::crypto
