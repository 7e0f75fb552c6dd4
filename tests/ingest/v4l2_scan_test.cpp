// The V4L2 scan on directories made to look like /dev (this machine has no
// camera): what is not a capture device is reported or left out, never a crash.
#include "v4l2_scan.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "process.h"

namespace vigie::ingest {
namespace {

TEST(V4l2ScanTest, AnEmptyDirectoryHasNoDevices) {
  testing::TempDir dev("vigie-v4l2");
  EXPECT_TRUE(scan_v4l2(dev.path()).empty());
  EXPECT_EQ(to_json(scan_v4l2(dev.path())), nlohmann::json::array());
}

TEST(V4l2ScanTest, ARegularFileNamedLikeADeviceIsListedWithItsError) {
  testing::TempDir dev("vigie-v4l2");
  std::ofstream(dev.path() + "/video0") << "not a device";
  // Not video nodes: ignored whatever they are.
  std::ofstream(dev.path() + "/video-by-id") << "";
  std::ofstream(dev.path() + "/videoX") << "";
  std::ofstream(dev.path() + "/vbi0") << "";

  const std::vector<V4l2Device> devices = scan_v4l2(dev.path());
  ASSERT_EQ(devices.size(), 1u);
  EXPECT_EQ(devices[0].path, dev.path() + "/video0");
  EXPECT_EQ(devices[0].error, "not a character device");
  EXPECT_TRUE(devices[0].formats.empty());
  const nlohmann::json json = to_json(devices);
  EXPECT_EQ(json, nlohmann::json::parse(R"([{"path": ")" + dev.path() +
                                        R"(/video0", "error": "not a character device"}])"));
}

TEST(V4l2ScanTest, ACharacterDeviceThatIsNotV4l2IsListedWithTheIoctlError) {
  testing::TempDir dev("vigie-v4l2");
  std::filesystem::create_symlink("/dev/null", dev.path() + "/video2");
  std::filesystem::create_symlink("/dev/null", dev.path() + "/video10");
  const std::vector<V4l2Device> devices = scan_v4l2(dev.path());
  ASSERT_EQ(devices.size(), 2u);
  EXPECT_EQ(devices[0].path, dev.path() + "/video2") << "in device-number order";
  EXPECT_EQ(devices[1].path, dev.path() + "/video10");
  for (const V4l2Device& device : devices) {
    EXPECT_NE(device.error.find("VIDIOC_QUERYCAP"), std::string::npos) << device.error;
    EXPECT_NE(device.error.find("not a V4L2 device"), std::string::npos) << device.error;
  }
}

TEST(V4l2ScanTest, AMissingDirectoryIsAnError) {
  EXPECT_THROW(scan_v4l2("/nonexistent-vigie-dev"), std::runtime_error);
}

TEST(V4l2ScanTest, ThisMachinesDevScansWithoutFailing) {
  std::vector<V4l2Device> devices;
  ASSERT_NO_THROW(devices = scan_v4l2());
  for (const V4l2Device& device : devices) {
    EXPECT_TRUE(!device.error.empty() || !device.card.empty()) << device.path;
  }
}

}  // namespace
}  // namespace vigie::ingest
