// The cameras this instance reads, kept in step with the cameras topic: a new
// camera starts, a changed stream restarts only that camera, a disabled or
// deleted one stops, and the cameras of partitions moved to another instance stop
// here before they start there.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "camera_worker.h"
#include "vigie/crypto/fernet.h"

namespace vigie::ingest {

class CameraManager {
 public:
  // fernet decrypts cameras' credentials; without it a camera with credentials is
  // reported as not readable.
  CameraManager(WorkerSettings settings, Publisher& publisher, SourceFactory factory,
                IngestMetrics& metrics, std::optional<crypto::Fernet> fernet);
  ~CameraManager();

  // camera is null when the camera was deleted. partition is where its record
  // lives on the cameras topic.
  void apply(const std::string& camera_id, const v1::Camera* camera, int32_t partition);
  // Stops every camera of these partitions (moved to another instance).
  void release(const std::vector<int32_t>& partitions);
  std::vector<std::string> running() const;

 private:
  struct Entry {
    int32_t partition = 0;
    std::unique_ptr<CameraWorker> worker;  // null while disabled
  };
  void start(const std::string& id, const v1::Camera& camera, Entry& entry);
  void stop(const std::string& id, Entry& entry, bool forget_metrics);
  void count_running();

  WorkerSettings settings_;
  Publisher& publisher_;
  SourceFactory factory_;
  IngestMetrics& metrics_;
  std::optional<crypto::Fernet> fernet_;
  mutable std::mutex mutex_;
  std::map<std::string, Entry> cameras_;
};

// Whether two versions of a camera need its stream to be opened again: only what
// ingest reads counts (a new name, position or analysis does not interrupt it).
bool stream_changed(const v1::Camera& a, const v1::Camera& b);

}  // namespace vigie::ingest
