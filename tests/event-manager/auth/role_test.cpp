// Roles: each allows what the ones below it do, their names are the schema's,
// and a value outside the enumeration allows nothing.
#include "auth/role.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace vigie::event_manager::auth {
namespace {

TEST(Role, EachAllowsWhatTheOnesBelowItDoAndNoMore) {
  EXPECT_TRUE(allows(Role::viewer, Role::viewer));
  EXPECT_FALSE(allows(Role::viewer, Role::operator_));
  EXPECT_FALSE(allows(Role::viewer, Role::admin));
  EXPECT_TRUE(allows(Role::operator_, Role::viewer));
  EXPECT_TRUE(allows(Role::operator_, Role::operator_));
  EXPECT_FALSE(allows(Role::operator_, Role::admin));
  EXPECT_TRUE(allows(Role::admin, Role::viewer));
  EXPECT_TRUE(allows(Role::admin, Role::operator_));
  EXPECT_TRUE(allows(Role::admin, Role::admin));
}

TEST(Role, NamesAreTheSchemasAndReadBack) {
  EXPECT_EQ(to_text(Role::viewer), "viewer");
  EXPECT_EQ(to_text(Role::operator_), "operator");
  EXPECT_EQ(to_text(Role::admin), "admin");
  for (const Role role : {Role::viewer, Role::operator_, Role::admin}) EXPECT_EQ(role_from_text(to_text(role)), role);
  for (const char* text : {"", "Admin", "ADMIN", "operator_", "root", "admin "}) {
    EXPECT_EQ(role_from_text(text), std::nullopt) << text;
  }
}

TEST(Role, AValueOutsideTheEnumerationAllowsNothing) {
  const auto bogus = static_cast<Role>(7);
  EXPECT_FALSE(allows(bogus, Role::viewer));
  EXPECT_THROW(to_text(bogus), std::invalid_argument);
}

}  // namespace
}  // namespace vigie::event_manager::auth
