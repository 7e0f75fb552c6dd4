#include "detector_pool.h"

#include "vigie/log/log.h"

namespace vigie::inference {

DetectorPool::DetectorPool(FactoryOptions options) : options_(std::move(options)) {}

void DetectorPool::use(const DetectorSpec& spec, const std::function<void(Detector&)>& fn) {
  Entry* entry;
  {
    std::lock_guard lock(mutex_);
    auto& slot = entries_[spec.text()];
    if (!slot) slot = std::make_unique<Entry>();
    entry = slot.get();
  }
  std::lock_guard lock(entry->mutex);
  if (!entry->detector) {
    const auto now = std::chrono::steady_clock::now();
    if (now < entry->retry_at) throw DetectorError("unavailable", entry->error);
    try {
      entry->detector = make_detector(spec, options_);
      log::info("detector ready", {{"detector", spec.text()}});
    } catch (const std::exception& e) {
      entry->error = e.what();
      entry->retry_at = now + std::chrono::minutes(1);
      log::error("detector cannot be made", {{"detector", spec.text()}, {"error", entry->error}});
      throw DetectorError("unavailable", entry->error);
    }
  }
  fn(*entry->detector);
}

}  // namespace vigie::inference
