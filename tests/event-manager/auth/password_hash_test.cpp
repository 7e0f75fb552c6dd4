// scrypt password hashes: a round trip, wrong passwords and damaged strings
// refused without an exception, parameters read from the string itself (so a
// hash from another scrypt implementation checks), and a rehash advised when
// they are not the wanted ones.
#include "auth/password_hash.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "vigie/crypto/base64.h"

namespace vigie::event_manager::auth {
namespace {

using crypto::Base64;
using crypto::base64_encode;

// About a millisecond per hash: tests check behaviour, not cost.
constexpr KdfParams kCheap{.log2_n = 10, .block_size = 8, .parallelism = 1};
const std::string kPassword = "correct horse battery staple";

std::vector<std::uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

std::vector<std::uint8_t> from_hex(std::string_view hex) {
  std::vector<std::uint8_t> out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2)
    out.push_back(static_cast<std::uint8_t>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  return out;
}

TEST(PasswordHash, ARoundTripMatchesAndNeedsNoRehash) {
  const std::string stored = hash_password(kPassword, kCheap);
  EXPECT_TRUE(stored.starts_with("$scrypt$ln=10,r=8,p=1$")) << stored;
  EXPECT_EQ(stored.find(kPassword), std::string::npos);
  const PasswordCheck check = verify_password(kPassword, stored, kCheap);
  EXPECT_TRUE(check.matches);
  EXPECT_FALSE(check.needs_rehash);
  EXPECT_FALSE(check.unreadable);
}

TEST(PasswordHash, EachHashHasItsOwnSalt) {
  const std::string a = hash_password(kPassword, kCheap);
  const std::string b = hash_password(kPassword, kCheap);
  EXPECT_NE(a, b);
  EXPECT_TRUE(verify_password(kPassword, a, kCheap).matches);
  EXPECT_TRUE(verify_password(kPassword, b, kCheap).matches);
}

TEST(PasswordHash, AWrongPasswordDoesNotMatch) {
  const std::string stored = hash_password(kPassword, kCheap);
  for (const std::string& wrong :
       std::vector<std::string>{"correct horse battery stapl", "Correct horse battery staple", "", kPassword + " "}) {
    const PasswordCheck check = verify_password(wrong, stored, kCheap);
    EXPECT_FALSE(check.matches) << wrong;
    EXPECT_FALSE(check.needs_rehash);
    EXPECT_FALSE(check.unreadable);
  }
}

TEST(PasswordHash, ADamagedStringIsRefusedCleanly) {
  const std::string stored = hash_password(kPassword, kCheap);
  const size_t hash_start = stored.rfind('$') + 1;
  const size_t salt_start = stored.rfind('$', hash_start - 2) + 1;
  auto with_char = [&](size_t at, char c) {
    std::string s = stored;
    s[at] = s[at] == c ? 'B' : c;
    return s;
  };
  // Still well formed, but another hash or salt: no match.
  for (const std::string& altered :
       {with_char(hash_start, 'A'), with_char(salt_start, 'A'), std::string(stored).replace(0, 13, "$scrypt$ln=11")}) {
    const PasswordCheck check = verify_password(kPassword, altered, kCheap);
    EXPECT_FALSE(check.matches) << altered;
    EXPECT_FALSE(check.unreadable) << altered;
  }
  // Not something hash_password writes: unreadable, and no exception.
  const std::string salt_and_hash = stored.substr(salt_start);
  for (const std::string& damaged : {std::string(),
                                     std::string("$scrypt$"),
                                     stored.substr(0, hash_start - 1),
                                     stored + "=",
                                     stored + "$",
                                     stored + "\n",
                                     " " + stored,
                                     stored.substr(1),
                                     "$argon2id$v=19$m=65536,t=3,p=4$" + salt_and_hash,
                                     "$scrypt$ln=99,r=8,p=1$" + salt_and_hash,
                                     "$scrypt$ln=10,r=0,p=1$" + salt_and_hash,
                                     "$scrypt$ln=10,r=8,p=0$" + salt_and_hash,
                                     "$scrypt$ln=-1,r=8,p=1$" + salt_and_hash,
                                     "$scrypt$ln=20,r=32,p=1$" + salt_and_hash,
                                     "$scrypt$ln=10,r=8$" + salt_and_hash,
                                     "$scrypt$r=8,ln=10,p=1$" + salt_and_hash,
                                     "$scrypt$ln=10,r=8,p=1,x=2$" + salt_and_hash,
                                     "$scrypt$ln=10,r=8,p=1$AAAA$" + stored.substr(hash_start),
                                     with_char(hash_start, '*'),
                                     with_char(salt_start, '-')}) {
    PasswordCheck check;
    EXPECT_NO_THROW(check = verify_password(kPassword, damaged, kCheap)) << damaged;
    EXPECT_FALSE(check.matches) << damaged;
    EXPECT_TRUE(check.unreadable) << damaged;
  }
}

TEST(PasswordHash, ParametersAreReadFromTheStringAndOtherOnesAdviseARehash) {
  const KdfParams older{.log2_n = 9, .block_size = 4, .parallelism = 2};
  const std::string stored = hash_password(kPassword, older);
  EXPECT_TRUE(stored.starts_with("$scrypt$ln=9,r=4,p=2$")) << stored;
  const PasswordCheck check = verify_password(kPassword, stored, kCheap);
  EXPECT_TRUE(check.matches);
  EXPECT_TRUE(check.needs_rehash);
  EXPECT_FALSE(verify_password(kPassword, stored, older).needs_rehash);
  EXPECT_FALSE(verify_password("not the password", stored, kCheap).needs_rehash);
}

// RFC 7914 section 12, fourth vector, written as a hash string: a hash another
// scrypt implementation made checks here.
TEST(PasswordHash, TheRfc7914VectorChecks) {
  const std::string stored = "$scrypt$ln=14,r=8,p=1$" + base64_encode(bytes_of("SodiumChloride"), Base64::standard) +
                             "$" +
                             base64_encode(from_hex("7023bdcb3afd7348461c06cd81fd38ebfda8fbba904f8e3ea9b543f6545da1f2"
                                                    "d5432955613f0fcf62d49705242a9af9e61e85dc0d651e40dfcf017b45575887"),
                                           Base64::standard);
  const PasswordCheck check = verify_password("pleaseletmein", stored, KdfParams{});
  EXPECT_TRUE(check.matches);
  // Its salt is 14 bytes and its hash 64, not this code's 16 and 32.
  EXPECT_TRUE(check.needs_rehash);
  EXPECT_FALSE(verify_password("pleaseletmeim", stored, KdfParams{}).matches);
}

TEST(PasswordHash, ParametersOutOfRangeAreRefused) {
  for (const KdfParams bad : {KdfParams{0, 8, 1}, KdfParams{25, 8, 1}, KdfParams{10, 0, 1}, KdfParams{10, 33, 1},
                              KdfParams{10, 8, 0}, KdfParams{10, 8, 17}, KdfParams{20, 16, 1}}) {
    EXPECT_THROW(hash_password(kPassword, bad), std::invalid_argument) << bad.log2_n << " " << bad.block_size;
  }
}

}  // namespace
}  // namespace vigie::event_manager::auth
