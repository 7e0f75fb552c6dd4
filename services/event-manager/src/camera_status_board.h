// The latest stream status of every camera, as ingest reports it on the status
// topic. Every instance needs every camera's status, so it reads the topic in a
// consumer group of its own from the beginning (the topic keeps an hour, and
// ingest repeats each camera's status every few seconds): it knows every
// camera's state soon after start. Kept in memory only: it is a view, the
// topic is the record.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "vigie/bus/bus_config.h"
#include "vigie/v1/status.pb.h"

namespace vigie::metrics {
class Metrics;
}
namespace vigie::bus {
class Producer;
}

namespace vigie::event_manager {

class CameraStatusBoard {
 public:
  // Called from the board's thread when a camera's state (not just its
  // figures) changes, after the board holds the new status.
  using Listener = std::function<void(const v1::CameraStatus& status)>;

  CameraStatusBoard(const bus::BusConfig& config, metrics::Metrics& metrics, bus::Producer& dead_letters);
  ~CameraStatusBoard();
  CameraStatusBoard(const CameraStatusBoard&) = delete;
  CameraStatusBoard& operator=(const CameraStatusBoard&) = delete;

  // Register before start().
  void on_state_change(Listener listener);
  void start();
  void stop();

  std::optional<v1::CameraStatus> get(const std::string& camera_id) const;
  std::map<std::string, v1::CameraStatus> all() const;

  // Keeps the newest status by its time; returns whether the state changed.
  bool apply(const v1::CameraStatus& status);

 private:
  class Impl;
  mutable std::mutex mutex_;
  std::map<std::string, v1::CameraStatus> statuses_;
  Listener listener_;
  std::unique_ptr<Impl> impl_;
};

}  // namespace vigie::event_manager
