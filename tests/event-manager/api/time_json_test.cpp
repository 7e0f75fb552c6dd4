#include "time_json.h"

#include <gtest/gtest.h>

#include "store_errors.h"

namespace vigie::event_manager::api {
namespace {

using std::chrono::system_clock;

TEST(TimeJson, WritesUtcWithMilliseconds) {
  const auto t = system_clock::time_point(std::chrono::milliseconds(1'763'733'919'123));
  EXPECT_EQ(rfc3339(t), "2025-11-21T14:05:19.123Z");
}

TEST(TimeJson, ReadsZuluFractionsAndOffsets) {
  const auto base = parse_rfc3339("from", "2026-11-21T14:05:00Z");
  EXPECT_EQ(rfc3339(base), "2026-11-21T14:05:00.000Z");
  EXPECT_EQ(parse_rfc3339("from", "2026-11-21T15:05:00+01:00"), base);
  EXPECT_EQ(parse_rfc3339("from", "2026-11-21T13:35:00-00:30"), base);
  EXPECT_EQ(rfc3339(parse_rfc3339("from", "2026-11-21T14:05:00.25Z")), "2026-11-21T14:05:00.250Z");
}

TEST(TimeJson, RefusesWhatIsNotATime) {
  for (const char* bad : {"yesterday", "2026-02-30T00:00:00Z", "2026-11-21T14:05:00", "2026-11-21T25:00:00Z",
                          "2026-11-21T14:05:00.Z", "2026-11-21T14:05:00+1:00", "'; DROP TABLE alerts; --"}) {
    try {
      parse_rfc3339("to", bad);
      ADD_FAILURE() << bad;
    } catch (const ValidationError& e) {
      EXPECT_EQ(e.field(), "to") << bad;
    }
  }
}

}  // namespace
}  // namespace vigie::event_manager::api
