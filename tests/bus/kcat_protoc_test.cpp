// An integrator's check: Debian's kcat reads a topic and protoc decodes what it
// read with the files in proto/, no Vigie code involved.
#include <gtest/gtest.h>

#include "broker_fixture.h"
#include "process.h"
#include "vigie/bus/producer.h"
#include "vigie/metrics/metrics.h"
#include "vigie/v1/frame.pb.h"

namespace vigie::testing {
namespace {

TEST(KcatAndProtoc, DecodeAFrameReadFromTheEmbeddedBroker) {
  BrokerFixture broker;
  metrics::Metrics metrics;
  bus::Producer producer(broker.bus_config(), "kcat-test", metrics);
  v1::Frame frame;
  frame.set_schema_version(1);
  frame.set_camera_id("cam-kcat");
  frame.set_sequence(42);
  frame.set_width(640);
  frame.set_height(360);
  producer.send_and_wait(bus::Topic::frames, "cam-kcat", frame);

  TempDir dir;
  std::string src = VIGIE_SOURCE_DIR;
  std::string cmd = "kcat -C -b '" + broker.bootstrap() + "' -t vigie.frames -o beginning -c 1 -e -D '' -q"
                    " 2>" + dir.path() + "/kcat.err"
                    " | protoc --decode vigie.v1.Frame -I " + src + "/proto " + src +
                    "/proto/vigie/v1/frame.proto > " + dir.path() + "/decoded 2>&1";
  ASSERT_EQ(std::system(cmd.c_str()), 0) << read_file(dir.path() + "/decoded") << read_file(dir.path() + "/kcat.err");
  auto decoded = read_file(dir.path() + "/decoded");
  EXPECT_NE(decoded.find("camera_id: \"cam-kcat\""), std::string::npos) << decoded;
  EXPECT_NE(decoded.find("sequence: 42"), std::string::npos) << decoded;
  EXPECT_NE(decoded.find("schema_version: 1"), std::string::npos) << decoded;
}

}  // namespace
}  // namespace vigie::testing
