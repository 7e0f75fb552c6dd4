// The token signing key in PostgreSQL: made once, shared by every instance that
// loads it (even loading together), kept across a server restart; a token from
// one instance verifies on another.
#include "auth/server_secrets.h"

#include <gtest/gtest.h>

#include <latch>
#include <thread>

#include "auth/token_signer.h"
#include "event_manager_test_support.h"

namespace vigie::event_manager::auth {
namespace {

using testing::EventManagerDatabase;

const Principal kAlice{"alice", Role::operator_, 0};

bool accepts(const TokenSigner& signer, const std::string& token) {
  return std::holds_alternative<VerifiedToken>(signer.verify(token));
}

class ServerSecretsTest : public ::testing::Test {
 protected:
  EventManagerDatabase em_;
};

TEST_F(ServerSecretsTest, TheSigningKeyIsMadeOnceAndSharedByEveryLoad) {
  const TokenSigner first = TokenSigner::from_database(em_.db);
  const TokenSigner second = TokenSigner::from_database(em_.db);
  EXPECT_EQ(em_.scalar<int>("SELECT count(*) FROM server_secrets"), 1);
  EXPECT_EQ(em_.scalar<int>("SELECT octet_length(value) FROM server_secrets WHERE name = 'token_signing_key'"), 32);
  EXPECT_TRUE(accepts(second, first.issue(kAlice).token));
  EXPECT_TRUE(accepts(first, second.issue(kAlice).token));
  EXPECT_EQ(first.sign("evidence/1/1750003600"), second.sign("evidence/1/1750003600"));
}

TEST_F(ServerSecretsTest, InstancesLoadingTogetherAgreeOnOneKey) {
  constexpr int kInstances = 4;
  std::latch start(kInstances);
  std::vector<std::vector<std::uint8_t>> keys(kInstances);
  std::vector<std::thread> threads;
  for (int i = 0; i < kInstances; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      keys[static_cast<size_t>(i)] = server_secret(em_.db, "token_signing_key", 32);
    });
  }
  for (auto& thread : threads) thread.join();
  for (const auto& key : keys) EXPECT_EQ(key, keys.front());
  EXPECT_EQ(em_.scalar<int>("SELECT count(*) FROM server_secrets"), 1);
}

TEST_F(ServerSecretsTest, TokensSurviveARestartOfTheDatabaseAndOfTheService) {
  const std::string token = TokenSigner::from_database(em_.db).issue(kAlice).token;
  em_.pg.stop();
  em_.pg.start();
  EXPECT_TRUE(accepts(TokenSigner::from_database(em_.db), token));
}

TEST_F(ServerSecretsTest, AnotherDatabaseHasAnotherKey) {
  const std::string token = TokenSigner::from_database(em_.db).issue(kAlice).token;
  EventManagerDatabase other;
  EXPECT_EQ(std::get<TokenError>(TokenSigner::from_database(other.db).verify(token)), TokenError::bad_signature);
}

TEST_F(ServerSecretsTest, AStoredSecretOfTheWrongSizeIsRefusedWithoutShowingIt) {
  em_.exec("INSERT INTO server_secrets (name, value) VALUES ('token_signing_key', '\\x73656372657473'::bytea)");
  try {
    TokenSigner::from_database(em_.db);
    FAIL() << "a 7-byte key was accepted";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("token_signing_key"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("secrets"), std::string::npos) << e.what();
    EXPECT_EQ(std::string(e.what()).find("73656372657473"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace vigie::event_manager::auth
