#include "bus_publisher.h"

#include "vigie/log/log.h"

namespace vigie::ingest {
namespace {

int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

bool BusPublisher::publish_frame(const v1::Frame& frame) {
  try {
    producer_.send(bus::Topic::frames, frame.camera_id(), frame);
    return true;
  } catch (const bus::DeliveryError& e) {
    // Once per 10 s at most: during an outage every camera fails every frame.
    auto last = last_warning_ms_.load();
    if (now_ms() - last > 10'000 && last_warning_ms_.compare_exchange_strong(last, now_ms()))
      log::warn("frames dropped: the broker does not take them", {{"camera", frame.camera_id()}, {"error", e.what()}});
    return false;
  }
}

void BusPublisher::publish_status(const v1::CameraStatus& status) {
  try {
    producer_.send(bus::Topic::status, status.camera_id(), status);
  } catch (const bus::DeliveryError& e) {
    log::warn("camera status not published", {{"camera", status.camera_id()}, {"error", e.what()}});
  }
}

}  // namespace vigie::ingest
