// The command lines of vigie-rtsp-server and vigie-http-media, as the demo launcher
// and people use them: --help, bad options refused with exit code 2 naming the
// option, a log line with the URL once serving, a clean exit on SIGTERM and SIGINT.
#include <chrono>
#include <csignal>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <sys/wait.h>

#include "media_fixtures.h"

namespace vigie::testing {
namespace {

using namespace std::chrono_literals;

struct Exit {
  int code = -1;  // -1: killed by a signal or still running after the timeout
  std::string output;
};

Exit run(const std::string& binary, const std::vector<std::string>& args) {
  TempDir dir("vigie-cli-test");
  const std::string log_path = dir.path() + "/output";
  std::vector<std::string> argv{binary_path(binary)};
  argv.insert(argv.end(), args.begin(), args.end());
  Process process({.args = argv, .env = {}, .log_path = log_path, .working_dir = {}});
  std::optional<int> status = process.wait(10s);
  Exit result;
  if (status && WIFEXITED(*status)) result.code = WEXITSTATUS(*status);
  result.output = read_file(log_path);
  return result;
}

struct BadOption {
  std::string binary;
  std::vector<std::string> args;
  std::string named;  // what the message must name
};

class ServerCli : public ::testing::TestWithParam<std::string> {};

TEST_P(ServerCli, HelpPrintsUsage) {
  Exit help = run(GetParam(), {"--help"});
  EXPECT_EQ(help.code, 0);
  EXPECT_TRUE(help.output.starts_with("usage: " + GetParam())) << help.output;
  EXPECT_NE(help.output.find("--port-file"), std::string::npos) << help.output;
}

TEST_P(ServerCli, StopsCleanlyOnSigtermAndSigint) {
  const bool rtsp = GetParam() == "vigie-rtsp-server";
  for (int signal : {SIGTERM, SIGINT}) {
    TempDir dir("vigie-cli-test");
    std::vector<std::string> args{binary_path(GetParam()), "--port", "0", "--port-file",
                                  dir.path() + "/port"};
    if (rtsp) args.insert(args.end(), {"--file", prepared_video(2)});
    Process server({.args = args, .env = {}, .log_path = dir.path() + "/log", .working_dir = {}});
    ASSERT_TRUE(wait_until([&] { return !read_file(dir.path() + "/port").empty(); }, 10s))
        << read_file(dir.path() + "/log");
    const std::string port = std::to_string(std::stoi(read_file(dir.path() + "/port")));

    server.signal(signal);
    std::optional<int> status = server.wait(5s);
    ASSERT_TRUE(status) << "still running 5 s after signal " << signal;
    EXPECT_TRUE(WIFEXITED(*status) && WEXITSTATUS(*status) == 0)
        << "signal " << signal << ", wait status " << *status;
    std::string log = read_file(dir.path() + "/log");
    std::string url = (rtsp ? "rtsp://127.0.0.1:" + port + "/vtest"
                            : "http://127.0.0.1:" + port + "/mjpeg");
    EXPECT_NE(log.find(url), std::string::npos) << log;
  }
}

std::string test_name(const ::testing::TestParamInfo<std::string>& binary) {
  return binary.param == "vigie-rtsp-server" ? "Rtsp" : "Http";
}

INSTANTIATE_TEST_SUITE_P(MediaServers, ServerCli,
                         ::testing::Values("vigie-rtsp-server", "vigie-http-media"), test_name);

TEST(ServerCli, BadOptionsExitWithCode2NamingTheOption) {
  const std::vector<BadOption> cases{
      {"vigie-rtsp-server", {"--port", "abc", "--file", prepared_video(2)}, "--port"},
      {"vigie-rtsp-server", {"--file", prepared_video(2), "--port", "70000"}, "--port"},
      {"vigie-rtsp-server", {"--file", prepared_video(2), "--port"}, "--port"},
      {"vigie-rtsp-server", {"--port", "0"}, "--file"},
      {"vigie-rtsp-server", {"--file", "/nonexistent/camera.ts"}, "--file"},
      {"vigie-rtsp-server", {"--file", VIGIE_SOURCE_DIR "/CMakeLists.txt"}, "--file"},
      {"vigie-rtsp-server", {"--file", prepared_video(2), "--path", "vtest"}, "--path"},
      {"vigie-rtsp-server", {"--frobnicate"}, "--frobnicate"},
      {"vigie-http-media", {"--port", "-1"}, "--port"},
      {"vigie-http-media", {"--snapshot-interval-ms", "soon"}, "--snapshot-interval-ms"},
      {"vigie-http-media", {"--width"}, "--width"},
      {"vigie-http-media", {"--file", "/nonexistent/camera.avi"}, "--file"},
  };
  for (const BadOption& bad : cases) {
    std::string command = bad.binary;
    for (const std::string& arg : bad.args) command += " " + arg;
    Exit exit = run(bad.binary, bad.args);
    EXPECT_EQ(exit.code, 2) << command << "\n" << exit.output;
    EXPECT_NE(exit.output.find(bad.named), std::string::npos) << command << "\n" << exit.output;
  }
}

}  // namespace
}  // namespace vigie::testing
