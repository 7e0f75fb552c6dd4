// Camera credentials sealed as Fernet tokens: they round-trip, open when made by
// another Fernet implementation, and no failure quotes what the token held.
#include "vigie/crypto/credentials.h"

#include <gtest/gtest.h>

#include <string>

namespace vigie::crypto {
namespace {

constexpr std::string_view kSpecKey = "cw_0x689RpI-jtRR7oE8h_eQsKImvJapLeSbXpwF4e4=";

TEST(CredentialsTest, RoundTrip) {
  const Fernet fernet = Fernet::from_key(Fernet::generate_key());
  const Credentials credentials{"opérateur", "p@ss:w/rd \"quoted\" \\ ünïcode"};
  const std::string token = seal_credentials(fernet, credentials);
  EXPECT_EQ(token.find("opérateur"), std::string::npos);
  const Credentials opened = open_credentials(fernet, token);
  EXPECT_EQ(opened.username, credentials.username);
  EXPECT_EQ(opened.password, credentials.password);
}

// Made with Python's cryptography package:
//   Fernet(KEY).encrypt_at_time(b'{"username":"admin","password":"p\\u00e4ss w:rd@1"}', 499162800)
TEST(CredentialsTest, OpensATokenMadeByAnotherImplementation) {
  const Fernet fernet = Fernet::from_key(kSpecKey);
  const Credentials opened = open_credentials(
      fernet,
      "gAAAAAAdwJ6wQHoj_Tlnp3IOkjILkA3lES27w06GgFX1NhAln6zir-RicGPKiSF8_ImWUVBSldPLcHfcIzA_S81R0XXg"
      "03NaywzfhKHrPhOFlnO-fdF7xPtuVXUldnM26CInWN9k-ti7pbwp66LE_UhRxSJJDUmFVw==");
  EXPECT_EQ(opened.username, "admin");
  EXPECT_EQ(opened.password, "p\u00e4ss w:rd@1");
}

TEST(CredentialsTest, ATokenWithoutCredentialsIsRefusedWithoutQuotingIt) {
  const Fernet fernet = Fernet::from_key(kSpecKey);
  for (const char* plaintext : {"not json hunter2", "{\"username\":\"hunter2\"}",
                                "{\"username\":\"a\",\"password\":42}", "[\"hunter2\"]"}) {
    try {
      open_credentials(fernet, fernet.encrypt(plaintext));
      ADD_FAILURE() << "accepted " << plaintext;
    } catch (const InvalidToken& e) {
      EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
    }
  }
}

TEST(CredentialsTest, AnotherKeyCannotOpenThem) {
  const std::string token =
      seal_credentials(Fernet::from_key(Fernet::generate_key()), {"admin", "hunter2"});
  EXPECT_THROW(open_credentials(Fernet::from_key(kSpecKey), token), InvalidToken);
}

TEST(CredentialsTest, NonUtf8IsRefusedWithoutQuotingIt) {
  const Fernet fernet = Fernet::from_key(kSpecKey);
  try {
    seal_credentials(fernet, {"admin", "hunter2\xff"});
    FAIL() << "sealed invalid UTF-8";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).find("hunter2"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("FF"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vigie::crypto
