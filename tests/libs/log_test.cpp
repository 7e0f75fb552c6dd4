#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "vigie/log/log.h"

namespace vigie::log {
namespace {

TEST(Log, ALineIsOneJsonObjectWithTheServiceAndFields) {
  init("vigie-test", Level::info);
  auto line = format(Level::warn, "camera lost", {{"camera", "cam-1"}, {"retry_ms", 500}, {"ok", false}});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  auto j = nlohmann::json::parse(line);
  EXPECT_EQ(j["level"], "warn");
  EXPECT_EQ(j["service"], "vigie-test");
  EXPECT_EQ(j["msg"], "camera lost");
  EXPECT_EQ(j["camera"], "cam-1");
  EXPECT_EQ(j["retry_ms"], 500);
  EXPECT_EQ(j["ok"], false);
}

TEST(Log, NewlinesAndInvalidUtf8CannotBreakALine) {
  auto line = format(Level::info, "a\nb", {{"raw", std::string("\xff\xfe", 2)}});
  EXPECT_EQ(line.find('\n'), std::string::npos);
  EXPECT_NO_THROW(nlohmann::json::parse(line));
}

TEST(Log, LevelsParse) {
  Level l = Level::info;
  EXPECT_TRUE(parse_level("debug", l));
  EXPECT_EQ(l, Level::debug);
  EXPECT_FALSE(parse_level("loud", l));
}

TEST(RedactUrl, CredentialsNeverSurvive) {
  EXPECT_EQ(redact_url("rtsp://admin:hunter2@10.0.0.5:554/stream1"), "rtsp://***@10.0.0.5:554/stream1");
  EXPECT_EQ(redact_url("http://user@cam.local/snap.jpg"), "http://***@cam.local/snap.jpg");
  EXPECT_EQ(redact_url("http://cam.local/snap.jpg?user=a&password=hunter2&size=2"),
            "http://cam.local/snap.jpg?user=a&password=***&size=2");
  EXPECT_EQ(redact_url("http://cam/x?token=abc#frag"), "http://cam/x?token=***#frag");
  EXPECT_EQ(redact_url("rtsp://10.0.0.5/live"), "rtsp://10.0.0.5/live");
  EXPECT_EQ(redact_url("http://cam/a@b"), "http://cam/a@b");
}

}  // namespace
}  // namespace vigie::log
