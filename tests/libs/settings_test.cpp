#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "process.h"
#include "vigie/config/settings.h"

namespace vigie::config {
namespace {

using namespace std::chrono_literals;

Spec spec() {
  Spec s("vigie-test", "A test service.");
  s.integer("VIGIE_T_COUNT", 3, 1, 10, "how many")
      .number("VIGIE_T_RATIO", 0.5, 0, 1, "a share")
      .boolean("VIGIE_T_ON", false, "a switch")
      .duration("VIGIE_T_WAIT", 2s, "a wait")
      .choice("VIGIE_T_MODE", "fast", {"fast", "slow"}, "a mode")
      .address("VIGIE_T_ADDR", "127.0.0.1:80", "an address")
      .text("VIGIE_T_NAME", std::nullopt, "a required name")
      .secret("VIGIE_T_KEY", "a secret")
      .flag("--scan", "scan and exit");
  return s;
}

TEST(Settings, DefaultsApplyAndTypedValuesAreRead) {
  auto r = spec().parse({"--scan"}, {{"VIGIE_T_NAME", "x"}, {"VIGIE_T_WAIT", "250ms"}, {"VIGIE_T_ON", "yes"}});
  ASSERT_TRUE(r.errors.empty()) << r.errors[0];
  EXPECT_EQ(r.settings.integer("VIGIE_T_COUNT"), 3);
  EXPECT_DOUBLE_EQ(r.settings.number("VIGIE_T_RATIO"), 0.5);
  EXPECT_TRUE(r.settings.boolean("VIGIE_T_ON"));
  EXPECT_EQ(r.settings.duration("VIGIE_T_WAIT"), 250ms);
  EXPECT_EQ(r.settings.text("VIGIE_T_MODE"), "fast");
  EXPECT_EQ(r.settings.text("VIGIE_T_NAME"), "x");
  EXPECT_TRUE(r.settings.flag("--scan"));
  EXPECT_EQ(r.settings.source("VIGIE_T_NAME"), "environment");
  EXPECT_EQ(r.settings.source("VIGIE_T_COUNT"), "default");
}

TEST(Settings, EveryBadValueIsReportedWithItsVariableAndWhatWasExpected) {
  auto r = spec().parse({}, {{"VIGIE_T_COUNT", "11"}, {"VIGIE_T_RATIO", "abc"}, {"VIGIE_T_ON", "maybe"},
                             {"VIGIE_T_WAIT", "5 parsecs"}, {"VIGIE_T_MODE", "medium"},
                             {"VIGIE_T_ADDR", "localhost"}});
  ASSERT_EQ(r.errors.size(), 7u);
  EXPECT_EQ(r.errors[0], "VIGIE_T_COUNT: expected an integer from 1 to 10, got '11' (from environment)");
  EXPECT_EQ(r.errors[4], "VIGIE_T_MODE: expected one of fast slow, got 'medium' (from environment)");
  EXPECT_EQ(r.errors[6], "VIGIE_T_NAME: required, expected a non-empty value");
}

TEST(Settings, ASecretIsNeverEchoed) {
  auto s = spec();
  auto r = s.parse({}, {{"VIGIE_T_NAME", "x"}, {"VIGIE_T_KEY", "hunter2"}});
  ASSERT_TRUE(r.errors.empty());
  EXPECT_EQ(r.settings.text("VIGIE_T_KEY"), "hunter2");
  EXPECT_EQ(s.help_text().find("hunter2"), std::string::npos);
}

TEST(Settings, AFileIsReadAndTheEnvironmentWinsOverIt) {
  vigie::testing::TempDir dir;
  std::string path = dir.path() + "/vigie.env";
  std::ofstream(path) << "# comment\nVIGIE_T_NAME=from-file\nexport VIGIE_T_COUNT=\"7\"\nVIGIE_T_MODE=slow\n";
  auto r = spec().parse({"--config", path}, {{"VIGIE_T_MODE", "fast"}});
  ASSERT_TRUE(r.errors.empty()) << r.errors[0];
  EXPECT_EQ(r.settings.text("VIGIE_T_NAME"), "from-file");
  EXPECT_EQ(r.settings.integer("VIGIE_T_COUNT"), 7);
  EXPECT_EQ(r.settings.text("VIGIE_T_MODE"), "fast");
  EXPECT_EQ(r.settings.source("VIGIE_T_NAME"), "file " + path);
}

TEST(Settings, AMalformedFileOrUnknownArgumentIsRefused) {
  vigie::testing::TempDir dir;
  std::string path = dir.path() + "/bad.env";
  std::ofstream(path) << "VIGIE_T_NAME x\n";
  auto r = spec().parse({"--config", path, "--frobnicate"}, {{"VIGIE_T_NAME", "x"}});
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_NE(r.errors[0].find("--frobnicate: unknown argument"), std::string::npos);
  EXPECT_NE(r.errors[1].find(path + ":1: expected NAME=VALUE"), std::string::npos) << r.errors[1];
}

TEST(Settings, HelpListsEveryVariableWithItsDefault) {
  auto r = spec().parse({"--help"}, {});
  EXPECT_TRUE(r.help);
  auto text = spec().help_text();
  for (auto* name : {"VIGIE_T_COUNT", "VIGIE_T_WAIT", "VIGIE_T_NAME", "--scan", "--config FILE"})
    EXPECT_NE(text.find(name), std::string::npos) << name;
  EXPECT_NE(text.find("default '3'"), std::string::npos);
}

TEST(Settings, DurationsAcceptTheUsualUnits) {
  EXPECT_EQ(parse_duration("1500"), 1500ms);
  EXPECT_EQ(parse_duration("5s"), 5000ms);
  EXPECT_EQ(parse_duration("2m"), 120000ms);
  EXPECT_EQ(parse_duration("1h"), 3600000ms);
  EXPECT_FALSE(parse_duration("-1s"));
  EXPECT_FALSE(parse_duration("s"));
  EXPECT_FALSE(parse_duration("1d"));
}

}  // namespace
}  // namespace vigie::config
