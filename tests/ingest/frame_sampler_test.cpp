#include <gtest/gtest.h>

#include "frame_sampler.h"

namespace vigie::ingest {
namespace {

using namespace std::chrono;

int published_in_one_second(double source_fps, double target_fps) {
  FrameSampler sampler(target_fps);
  system_clock::time_point start{};
  int count = 0;
  for (int i = 0; i < static_cast<int>(source_fps * 10); ++i) {
    auto t = start + microseconds(static_cast<int64_t>(i * 1e6 / source_fps));
    if (sampler.take(t)) ++count;
  }
  return count / 10;
}

TEST(FrameSampler, KeepsTheAnalysisRateWhateverTheStreamRate) {
  EXPECT_EQ(published_in_one_second(25, 5), 5);
  EXPECT_EQ(published_in_one_second(10, 5), 5);
  EXPECT_EQ(published_in_one_second(30, 5), 5);
  EXPECT_EQ(published_in_one_second(7, 5), 5);
  EXPECT_EQ(published_in_one_second(3, 5), 3);  // never more than the stream has
}

TEST(FrameSampler, AStallDoesNotCauseABurst) {
  FrameSampler sampler(5);
  system_clock::time_point t{};
  EXPECT_TRUE(sampler.take(t));
  t += seconds(10);  // the stream stalled for 10 s
  EXPECT_TRUE(sampler.take(t));
  EXPECT_FALSE(sampler.take(t + milliseconds(40)));
  EXPECT_FALSE(sampler.take(t + milliseconds(80)));
  EXPECT_TRUE(sampler.take(t + milliseconds(200)));
}

}  // namespace
}  // namespace vigie::ingest
