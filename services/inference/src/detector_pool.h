// The detectors of a process, made on first use and shared by the analyses (and
// the /models/ endpoints) that name the same one. Each is used by one thread at
// a time. A detector that cannot be made is tried again a minute later (a model
// fetched meanwhile), not at every frame.
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "detector_factory.h"

namespace vigie::inference {

class DetectorPool {
 public:
  explicit DetectorPool(FactoryOptions options);

  // Runs fn with the detector, under its lock. Throws DetectorError("unavailable")
  // when it cannot be made, with the reason.
  void use(const DetectorSpec& spec, const std::function<void(Detector&)>& fn);
  const FactoryOptions& options() const { return options_; }

 private:
  struct Entry {
    std::mutex mutex;
    std::unique_ptr<Detector> detector;
    std::string error;
    std::chrono::steady_clock::time_point retry_at{};
  };
  FactoryOptions options_;
  std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Entry>> entries_;
};

}  // namespace vigie::inference
