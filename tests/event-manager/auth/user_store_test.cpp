// Users against the real schema: logins whatever the name's case, disabled users
// and wrong passwords refused, bad values refused by field with nothing written,
// an audit row for each change with no secret in it, tokens that stop working
// when their user changes, and one first admin however many instances start.
#include "auth/user_store.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <latch>
#include <thread>

#include "event_manager_test_support.h"
#include "store_errors.h"

namespace vigie::event_manager::auth {
namespace {

using namespace std::chrono_literals;
using testing::EventManagerDatabase;

constexpr KdfParams kCheap{.log2_n = 10, .block_size = 8, .parallelism = 1};
const std::string kPassword = "correct horse battery staple";

class UserStoreTest : public ::testing::Test {
 protected:
  int count(const std::string& sql) { return em_.scalar<int>(sql); }
  std::string field_of(const std::function<void()>& change) {
    try {
      change();
    } catch (const ValidationError& e) {
      EXPECT_EQ(std::string(e.what()).find(kPassword), std::string::npos) << e.what();
      return e.field();
    }
    return "";
  }

  EventManagerDatabase em_;
  UserStore users_{em_.db, kCheap};
};

TEST_F(UserStoreTest, AUserLogsInWithItsNameInAnyCase) {
  const User created = users_.create("Alice", kPassword, Role::operator_, "user:admin");
  EXPECT_EQ(created.name, "Alice");
  EXPECT_EQ(created.role, Role::operator_);
  EXPECT_FALSE(created.disabled);
  EXPECT_GT(created.created_at.time_since_epoch(), 0s);

  for (const char* name : {"Alice", "alice", "ALICE", "aLiCe"}) {
    const std::optional<Principal> principal = users_.authenticate(name, kPassword);
    ASSERT_TRUE(principal) << name;
    EXPECT_EQ(*principal, (Principal{"Alice", Role::operator_, 0}));
  }
  EXPECT_FALSE(users_.authenticate("alice", "correct horse battery stapl"));
  EXPECT_FALSE(users_.authenticate("alice", ""));
  EXPECT_FALSE(users_.authenticate("bob", kPassword));
  EXPECT_FALSE(users_.authenticate("", kPassword));
  EXPECT_FALSE(users_.authenticate("alice' OR '1'='1", kPassword));
  EXPECT_FALSE(users_.authenticate("alice", std::string(5000, 'x')));

  const std::string stored = em_.scalar<std::string>("SELECT password_hash FROM users");
  EXPECT_TRUE(stored.starts_with("$scrypt$ln=10,r=8,p=1$")) << stored;
  EXPECT_EQ(stored.find(kPassword), std::string::npos);
}

TEST_F(UserStoreTest, NamesAreUniqueWhateverTheirCase) {
  users_.create("Alice", kPassword, Role::viewer, "user:admin");
  EXPECT_THROW(users_.create("ALICE", kPassword, Role::admin, "user:admin"), Conflict);
  EXPECT_EQ(count("SELECT count(*) FROM users"), 1);
}

TEST_F(UserStoreTest, BadValuesAreRefusedByFieldAndNothingIsWritten) {
  for (const std::string& name : std::vector<std::string>{"", "-alice", ".alice", "alice smith", "élodie", "a/b",
                                                          "alice'--", std::string(129, 'a')}) {
    EXPECT_EQ(field_of([&] { users_.create(name, kPassword, Role::viewer, "user:admin"); }), "name") << name;
  }
  for (const std::string& password :
       std::vector<std::string>{"", "short", "elevenchars", std::string(1025, 'x'), "ééééééééééé"}) {
    EXPECT_EQ(field_of([&] { users_.create("bob", password, Role::viewer, "user:admin"); }), "password") << password;
  }
  EXPECT_EQ(field_of([&] { users_.create("bob", kPassword, static_cast<Role>(7), "user:admin"); }), "role");
  EXPECT_EQ(count("SELECT count(*) FROM users"), 0);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log"), 0);

  // Characters, not bytes; and the longest name the schema allows.
  users_.create("b0b.smith_2@city-hall", "éééééééééééé", Role::viewer, "user:admin");
  users_.create(std::string(128, 'z'), std::string(1024, 'x'), Role::viewer, "user:admin");
  EXPECT_TRUE(users_.authenticate("B0B.Smith_2@City-Hall", "éééééééééééé"));

  users_.create("carol", kPassword, Role::viewer, "user:admin");
  EXPECT_EQ(field_of([&] { users_.update("carol", {.password = "too short"}, "user:admin"); }), "password");
  EXPECT_EQ(field_of([&] { users_.update("carol", {.role = static_cast<Role>(-1)}, "user:admin"); }), "role");
  EXPECT_THROW(users_.update("dave", {.role = Role::admin}, "user:admin"), NotFound);
  EXPECT_TRUE(users_.authenticate("carol", kPassword));
}

TEST_F(UserStoreTest, ADisabledUserCannotLogInUntilEnabledAgain) {
  users_.create("alice", kPassword, Role::operator_, "user:admin");
  EXPECT_TRUE(users_.update("ALICE", {.disabled = true}, "user:admin").disabled);
  EXPECT_FALSE(users_.authenticate("alice", kPassword));
  EXPECT_FALSE(users_.current("alice"));
  EXPECT_TRUE(users_.get("alice")->disabled);

  EXPECT_FALSE(users_.update("alice", {.disabled = false}, "user:admin").disabled);
  EXPECT_TRUE(users_.authenticate("alice", kPassword));
}

TEST_F(UserStoreTest, UpdatesChangeWhatTheyNameAndListIsByName) {
  users_.create("carol", kPassword, Role::viewer, "user:admin");
  users_.create("Bob", kPassword, Role::viewer, "user:admin");
  users_.create("alice", kPassword, Role::viewer, "user:admin");

  const User promoted = users_.update("bob", {.role = Role::admin}, "user:admin");
  EXPECT_EQ(promoted.name, "Bob");
  EXPECT_EQ(promoted.role, Role::admin);
  users_.update("carol", {.password = "a new and longer password"}, "user:admin");
  EXPECT_FALSE(users_.authenticate("carol", kPassword));
  EXPECT_TRUE(users_.authenticate("carol", "a new and longer password"));
  EXPECT_EQ(users_.update("alice", {}, "user:admin").role, Role::viewer);

  std::vector<std::string> names;
  for (const User& user : users_.list()) names.push_back(user.name + " " + std::string(to_text(user.role)));
  EXPECT_EQ(names, (std::vector<std::string>{"alice viewer", "Bob admin", "carol viewer"}));
  EXPECT_FALSE(users_.get("dave"));
}

TEST_F(UserStoreTest, TheLastEnabledAdminCanBeNeitherDemotedNorDisabled) {
  users_.create("root", kPassword, Role::admin, "system:auth");
  EXPECT_THROW(users_.update("root", {.role = Role::operator_}, "user:root"), Conflict);
  EXPECT_THROW(users_.update("root", {.disabled = true}, "user:root"), Conflict);
  EXPECT_EQ(users_.get("root")->role, Role::admin);
  EXPECT_FALSE(users_.get("root")->disabled);

  users_.create("second", kPassword, Role::admin, "user:root");
  users_.update("root", {.role = Role::operator_}, "user:second");
  EXPECT_THROW(users_.update("second", {.disabled = true}, "user:second"), Conflict);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log WHERE action = 'user.update'"), 1);
}

TEST_F(UserStoreTest, EveryChangeIsAuditedWithoutASecret) {
  users_.create("alice", kPassword, Role::viewer, "user:admin");
  const std::string first_hash = em_.scalar<std::string>("SELECT password_hash FROM users");
  users_.update("Alice", {.role = Role::operator_}, "user:admin");
  users_.update("alice", {.password = "another long password"}, "user:alice");
  users_.update("alice", {.disabled = true}, "user:admin");
  const std::string last_hash = em_.scalar<std::string>("SELECT password_hash FROM users");

  const auto rows = em_.db.with_transaction([](pqxx::work& tx) {
    std::vector<std::string> out;
    for (const auto& row : tx.exec("SELECT actor, action, target_type, target_id, details::text FROM audit_log "
                                   "ORDER BY id")) {
      out.push_back(row[0].as<std::string>() + " " + row[1].as<std::string>() + " " + row[2].as<std::string>() + " " +
                    row[3].as<std::string>() + " " + row[4].as<std::string>());
    }
    return out;
  });
  EXPECT_EQ(rows, (std::vector<std::string>{
                      R"(user:admin user.create user alice {"role": "viewer"})",
                      R"(user:admin user.update user alice {"role": "operator", "previous_role": "viewer"})",
                      R"(user:alice user.update user alice {"password": "changed"})",
                      R"(user:admin user.update user alice {"disabled": true})",
                  }));
  for (const std::string& row : rows) {
    for (const std::string& secret : {kPassword, std::string("another long password"), first_hash, last_hash,
                                      first_hash.substr(first_hash.rfind('$') + 1), std::string("$scrypt$")}) {
      EXPECT_EQ(row.find(secret), std::string::npos) << row;
    }
  }
}

TEST_F(UserStoreTest, ATokenSpeaksForItsUserOnlyAsTheUserIsNow) {
  const TokenSigner signer(std::vector<std::uint8_t>(32, 7));
  users_.create("alice", kPassword, Role::admin, "user:root");
  users_.create("root", kPassword, Role::admin, "user:root");
  auto verified = [&](const std::string& token) { return std::get<VerifiedToken>(signer.verify(token)); };

  const std::string token = signer.issue(*users_.authenticate("alice", kPassword)).token;
  EXPECT_EQ(users_.current(verified(token)), (Principal{"alice", Role::admin, 0}));

  // A lowered role holds at once: the stored role, never the token's.
  users_.update("alice", {.role = Role::viewer}, "user:root");
  EXPECT_EQ(verified(token).principal.role, Role::admin);
  EXPECT_EQ(users_.current(verified(token)), (Principal{"alice", Role::viewer, 0}));

  // A new password ends the sessions of the old one.
  users_.update("alice", {.password = "a brand new password"}, "user:root");
  EXPECT_FALSE(users_.current(verified(token)));
  const std::string after = signer.issue(*users_.authenticate("alice", "a brand new password")).token;
  EXPECT_EQ(users_.current(verified(after)), (Principal{"alice", Role::viewer, 1}));

  // So does disabling, for good: enabling again does not bring them back.
  users_.update("alice", {.disabled = true}, "user:root");
  EXPECT_FALSE(users_.current(verified(after)));
  users_.update("alice", {.disabled = false}, "user:root");
  EXPECT_FALSE(users_.current(verified(after)));
  EXPECT_TRUE(users_.authenticate("alice", "a brand new password"));
}

TEST_F(UserStoreTest, AHashWithOlderParametersIsReplacedAtLogin) {
  UserStore older(em_.db, KdfParams{.log2_n = 9, .block_size = 8, .parallelism = 1});
  older.create("alice", kPassword, Role::viewer, "user:admin");
  EXPECT_TRUE(em_.scalar<std::string>("SELECT password_hash FROM users").starts_with("$scrypt$ln=9,"));

  EXPECT_FALSE(users_.authenticate("alice", "wrong password here"));
  EXPECT_TRUE(em_.scalar<std::string>("SELECT password_hash FROM users").starts_with("$scrypt$ln=9,"));
  EXPECT_TRUE(users_.authenticate("alice", kPassword));
  EXPECT_TRUE(em_.scalar<std::string>("SELECT password_hash FROM users").starts_with("$scrypt$ln=10,"));
  EXPECT_TRUE(users_.authenticate("alice", kPassword));
  EXPECT_EQ(em_.scalar<std::string>("SELECT actor || ' ' || action || ' ' || details::text FROM audit_log "
                                    "WHERE action = 'user.password_rehash'"),
            R"(system:auth user.password_rehash {"kdf": "scrypt ln=10,r=8,p=1"})");
}

TEST_F(UserStoreTest, AnUnreadableStoredHashRefusesTheLoginWithoutAnError) {
  users_.create("alice", kPassword, Role::viewer, "user:admin");
  em_.exec("UPDATE users SET password_hash = '$scrypt$ln=10,r=8,p=1$broken'");
  std::optional<Principal> principal;
  EXPECT_NO_THROW(principal = users_.authenticate("alice", kPassword));
  EXPECT_FALSE(principal);
}

TEST_F(UserStoreTest, TheFirstAdminIsCreatedOnceWithAGeneratedPassword) {
  const std::optional<std::string> password = users_.ensure_first_admin();
  ASSERT_TRUE(password);
  EXPECT_GE(password->size(), 20u);
  EXPECT_EQ(password->find_first_not_of("ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789"), std::string::npos)
      << *password;
  EXPECT_EQ(users_.authenticate("admin", *password), (Principal{"admin", Role::admin, 0}));
  EXPECT_EQ(em_.scalar<std::string>("SELECT actor || ' ' || action || ' ' || target_id || ' ' || details::text "
                                    "FROM audit_log"),
            R"(system:auth user.create admin {"role": "admin", "first_admin": true})");

  EXPECT_FALSE(users_.ensure_first_admin());
  EXPECT_EQ(count("SELECT count(*) FROM users"), 1);
  // Another instance's password is another.
  EventManagerDatabase other;
  UserStore elsewhere(other.db, kCheap);
  EXPECT_NE(elsewhere.ensure_first_admin(), password);
}

TEST_F(UserStoreTest, NoFirstAdminWhenThereIsAlreadyAUser) {
  users_.create("alice", kPassword, Role::viewer, "user:root");
  EXPECT_FALSE(users_.ensure_first_admin());
  EXPECT_FALSE(users_.get("admin"));
}

TEST_F(UserStoreTest, InstancesStartingTogetherCreateOneFirstAdmin) {
  // Each thread as its own instance: its own pool of connections.
  constexpr int kInstances = 4;
  std::vector<std::unique_ptr<prometheus::Registry>> registries;
  std::vector<std::unique_ptr<storage::Database>> databases;
  std::vector<std::unique_ptr<UserStore>> stores;
  for (int i = 0; i < kInstances; ++i) {
    registries.push_back(std::make_unique<prometheus::Registry>());
    databases.push_back(std::make_unique<storage::Database>(storage::DatabaseOptions{.url = em_.pg.connection_string()},
                                                            *registries.back()));
    stores.push_back(std::make_unique<UserStore>(*databases.back(), kCheap));
  }
  std::latch start(kInstances);
  std::vector<std::optional<std::string>> passwords(kInstances);
  std::vector<std::thread> threads;
  for (int i = 0; i < kInstances; ++i) {
    threads.emplace_back([&, i] {
      start.arrive_and_wait();
      passwords[static_cast<size_t>(i)] = stores[static_cast<size_t>(i)]->ensure_first_admin();
    });
  }
  for (auto& thread : threads) thread.join();

  const auto created = std::count_if(passwords.begin(), passwords.end(), [](const auto& p) { return p.has_value(); });
  EXPECT_EQ(created, 1);
  EXPECT_EQ(count("SELECT count(*) FROM users"), 1);
  EXPECT_EQ(count("SELECT count(*) FROM audit_log"), 1);
  for (const auto& password : passwords) {
    if (password) {
      EXPECT_TRUE(users_.authenticate("admin", *password));
    }
  }
}

}  // namespace
}  // namespace vigie::event_manager::auth
