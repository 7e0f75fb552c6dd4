// Frames and status of the camera workers onto the bus, keyed by camera id.
#pragma once

#include <atomic>
#include <chrono>

#include "publisher.h"
#include "vigie/bus/producer.h"

namespace vigie::ingest {

class BusPublisher : public Publisher {
 public:
  explicit BusPublisher(bus::Producer& producer) : producer_(producer) {}
  // A frame the broker cannot take in time is dropped and counted: live video is
  // worth less than a camera worker that keeps reading its stream.
  bool publish_frame(const v1::Frame& frame) override;
  void publish_status(const v1::CameraStatus& status) override;

 private:
  bus::Producer& producer_;
  std::atomic<int64_t> last_warning_ms_{0};
};

}  // namespace vigie::ingest
