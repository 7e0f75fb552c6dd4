// vigie-bus-probe: a consumer in its own process for the bus tests. It records
// every frame it handled (camera, sequence, partition) in a file, so a test can
// kill it, restart it and check that nothing was lost.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <string>
#include <thread>

#include "vigie/app/runtime.h"
#include "vigie/bus/bus_config.h"
#include "vigie/bus/consumer.h"
#include "vigie/bus/producer.h"
#include "vigie/v1/frame.pb.h"

namespace {

void append_line(int fd, const std::string& line) {
  // One write(2) per batch: what the handler returned for is on disk even if the
  // process is SIGKILLed right after.
  if (::write(fd, line.data(), line.size()) != static_cast<ssize_t>(line.size())) {
    std::perror("vigie-bus-probe: write");
    std::exit(1);
  }
}

}  // namespace

int main(int argc, char** argv) {
  using namespace vigie;
  auto spec = app::base_spec("vigie-bus-probe",
                             "Test consumer: records each consumed frame as 'camera sequence "
                             "partition' lines in VIGIE_PROBE_OUT.",
                             0);
  bus::declare_settings(spec);
  spec.text("VIGIE_PROBE_GROUP", "probe", "consumer group")
      .text("VIGIE_PROBE_OUT", std::nullopt, "file the handled frames are appended to")
      .duration("VIGIE_PROBE_DELAY", std::chrono::milliseconds(0), "time spent on each batch")
      .integer("VIGIE_PROBE_BATCH", 100, 1, 10000, "largest batch");
  auto settings = spec.load(argc, argv);
  app::Runtime runtime("vigie-bus-probe", settings);
  auto config = bus::from_settings(settings);

  int fd = ::open(settings.text("VIGIE_PROBE_OUT").c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd < 0) {
    std::perror("vigie-bus-probe: VIGIE_PROBE_OUT");
    return 1;
  }
  bus::Producer dead_letters(config, "vigie-bus-probe", runtime.metrics());
  bus::ConsumerOptions options;
  options.group_id = settings.text("VIGIE_PROBE_GROUP");
  options.topics = {bus::Topic::frames};
  options.max_batch = static_cast<size_t>(settings.integer("VIGIE_PROBE_BATCH"));
  options.on_assigned = [&](const std::vector<bus::PartitionRef>& parts) {
    std::string line = "assigned";
    for (auto& p : parts) line += " " + std::to_string(p.partition);
    append_line(fd, line + "\n");
  };
  options.on_revoked = [&](const std::vector<bus::PartitionRef>&) { append_line(fd, "revoked\n"); };
  bus::Consumer consumer(config, "vigie-bus-probe", options, runtime.metrics(), dead_letters);
  runtime.admin().add_readiness_check("kafka", [&] { return consumer.connected(); });
  auto delay = settings.duration("VIGIE_PROBE_DELAY");

  consumer.run(runtime.stop_token(), [&](std::vector<bus::Record>& batch) {
    std::string lines;
    for (auto& r : batch) {
      const auto* frame = r.as<v1::Frame>();
      lines += "frame " + frame->camera_id() + " " + std::to_string(frame->sequence()) + " " +
               std::to_string(r.partition) + " " + r.trace_id + "\n";
    }
    std::this_thread::sleep_for(delay);
    append_line(fd, lines);
  });
  ::close(fd);
  return 0;
}
