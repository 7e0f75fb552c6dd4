#include "camera_manager.h"

#include <algorithm>

#include <google/protobuf/util/message_differencer.h>
#include <google/protobuf/util/time_util.h>

#include "vigie/bus/topics.h"
#include "vigie/crypto/credentials.h"
#include "vigie/log/log.h"

namespace vigie::ingest {

bool stream_changed(const v1::Camera& a, const v1::Camera& b) {
  using google::protobuf::util::MessageDifferencer;
  return !MessageDifferencer::Equals(a.analysis_stream(), b.analysis_stream()) ||
         !MessageDifferencer::Equals(a.frames(), b.frames()) ||
         a.credentials_token() != b.credentials_token() || a.enabled() != b.enabled();
}

CameraManager::CameraManager(WorkerSettings settings, Publisher& publisher, SourceFactory factory,
                             IngestMetrics& metrics, std::optional<crypto::Fernet> fernet)
    : settings_(std::move(settings)),
      publisher_(publisher),
      factory_(std::move(factory)),
      metrics_(metrics),
      fernet_(std::move(fernet)) {}

CameraManager::~CameraManager() {
  std::lock_guard lock(mutex_);
  for (auto& [id, entry] : cameras_) stop(id, entry, true);
}

void CameraManager::start(const std::string& id, const v1::Camera& camera, Entry& entry) {
  std::string username, password, error;
  if (!camera.credentials_token().empty()) {
    if (!fernet_) {
      error = "the camera has credentials but VIGIE_FERNET_KEY is not set";
    } else {
      try {
        auto creds = crypto::open_credentials(*fernet_, camera.credentials_token());
        username = creds.username;
        password = creds.password;
      } catch (const std::exception& e) {
        error = std::string("cannot decrypt the camera's credentials: ") + e.what();
      }
    }
  }
  log::info("camera starting", {{"camera", id}, {"url", log::redact_url(camera.analysis_stream().url())}});
  entry.worker = std::make_unique<CameraWorker>(camera, username, password, error, settings_,
                                                publisher_, factory_, metrics_.camera(id));
}

void CameraManager::stop(const std::string& id, Entry& entry, bool forget_metrics) {
  if (entry.worker) {
    entry.worker.reset();
    log::info("camera stopped", {{"camera", id}});
  }
  if (forget_metrics) metrics_.forget(id);
}

namespace {

void publish_disabled(Publisher& publisher, const std::string& id, const std::string& instance) {
  v1::CameraStatus s;
  s.set_schema_version(bus::kSchemaVersion);
  s.set_camera_id(id);
  s.set_state(v1::CameraStatus::STATE_DISABLED);
  s.set_instance(instance);
  *s.mutable_time() = google::protobuf::util::TimeUtil::GetCurrentTime();
  publisher.publish_status(s);
}

}  // namespace

void CameraManager::apply(const std::string& id, const v1::Camera* camera, int32_t partition) {
  std::lock_guard lock(mutex_);
  auto it = cameras_.find(id);
  if (!camera) {
    if (it != cameras_.end()) {
      stop(id, it->second, true);
      cameras_.erase(it);
    }
  } else if (!camera->enabled()) {
    auto& entry = cameras_[id];
    entry.partition = partition;
    bool was_running = entry.worker != nullptr;
    stop(id, entry, false);
    if (was_running || it == cameras_.end()) publish_disabled(publisher_, id, settings_.instance);
  } else if (it == cameras_.end() || !it->second.worker) {
    auto& entry = cameras_[id];
    entry.partition = partition;
    start(id, *camera, entry);
  } else if (stream_changed(it->second.worker->camera(), *camera)) {
    stop(id, it->second, false);
    it->second.partition = partition;
    start(id, *camera, it->second);
  }
  count_running();
}

void CameraManager::release(const std::vector<int32_t>& partitions) {
  std::lock_guard lock(mutex_);
  for (auto it = cameras_.begin(); it != cameras_.end();) {
    if (std::find(partitions.begin(), partitions.end(), it->second.partition) != partitions.end()) {
      stop(it->first, it->second, true);
      it = cameras_.erase(it);
    } else {
      ++it;
    }
  }
  count_running();
}

void CameraManager::count_running() {
  size_t running = 0;
  for (auto& [_, e] : cameras_) running += e.worker ? 1 : 0;
  metrics_.running().Set(static_cast<double>(running));
}

std::vector<std::string> CameraManager::running() const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> out;
  for (auto& [id, e] : cameras_) {
    if (e.worker) out.push_back(id);
  }
  return out;
}

}  // namespace vigie::ingest
