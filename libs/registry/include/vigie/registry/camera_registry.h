// The set of cameras as the compacted cameras topic says: every instance reads the
// whole topic from the beginning at start and follows it, so a camera added,
// changed or deleted in the event manager reaches every service without restart.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "vigie/bus/bus_config.h"
#include "vigie/v1/camera.pb.h"

namespace vigie::metrics {
class Metrics;
}
namespace vigie::bus {
class Producer;
}

namespace vigie::registry {

class CameraRegistry {
 public:
  // camera is null when the camera was deleted.
  using Listener = std::function<void(const std::string& camera_id, const v1::Camera* camera)>;

  CameraRegistry(const bus::BusConfig& config, std::string service, metrics::Metrics& metrics,
                 bus::Producer& dead_letters);
  ~CameraRegistry();
  CameraRegistry(const CameraRegistry&) = delete;
  CameraRegistry& operator=(const CameraRegistry&) = delete;

  // Called from the registry's thread for every change, after the registry's own
  // state changed. Register before start().
  void on_change(Listener listener);
  void start();
  void stop();

  std::optional<v1::Camera> get(const std::string& camera_id) const;
  std::vector<v1::Camera> all() const;
  // True once the topic was read up to where it stood when this instance joined.
  bool loaded() const { return loaded_; }
  bool connected() const;

  // Applies one record: a newer revision replaces, an older one is ignored (a
  // replayed or reordered message), a tombstone deletes. Returns whether it changed.
  bool apply(const std::string& camera_id, const v1::Camera* camera);

 private:
  class Impl;
  mutable std::mutex mutex_;
  std::map<std::string, v1::Camera> cameras_;
  std::vector<Listener> listeners_;
  std::atomic<bool> loaded_{false};
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::registry
