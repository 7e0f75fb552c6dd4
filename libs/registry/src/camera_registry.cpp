#include "vigie/registry/camera_registry.h"

#include "vigie/bus/consumer.h"
#include "vigie/bus/producer.h"
#include "vigie/log/log.h"

namespace vigie::registry {

class CameraRegistry::Impl {
 public:
  Impl(CameraRegistry& owner, const bus::BusConfig& config, std::string service,
       metrics::Metrics& metrics, bus::Producer& dead_letters)
      : owner_(owner),
        consumer_(config, service,
                  bus::ConsumerOptions{// Each instance needs every camera, not a share of them.
                                       .group_id = bus::private_group_id(service + "-registry-"),
                                       .topics = {bus::Topic::cameras},
                                       .max_wait = std::chrono::milliseconds(200),
                                       .from_beginning_on_assign = true,
                                       .validate = [](const bus::Record& r) -> std::string {
                                         const auto* c = r.as<v1::Camera>();
                                         if (c->id() != r.key)
                                           return "camera id '" + c->id() + "' differs from the key '" + r.key + "'";
                                         return "";
                                       },
                                       .on_assigned = {},
                                       .on_revoked = {}},
                  metrics, dead_letters) {}

  void start() {
    thread_ = std::jthread([this](std::stop_token stop) {
      consumer_.run(stop, [this](std::vector<bus::Record>& batch) {
        for (auto& r : batch) owner_.apply(r.key, r.as<v1::Camera>());
      });
    });
    watcher_ = std::jthread([this](std::stop_token stop) {
      while (!stop.stop_requested() && !consumer_.caught_up())
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      if (stop.stop_requested()) return;
      owner_.loaded_ = true;
      log::info("camera registry loaded", {{"cameras", owner_.all().size()}});
    });
  }

  void stop() {
    watcher_ = {};
    thread_ = {};
  }

  bool connected() const { return consumer_.connected(); }

 private:
  CameraRegistry& owner_;
  bus::Consumer consumer_;
  std::jthread thread_;
  std::jthread watcher_;
};

CameraRegistry::CameraRegistry(const bus::BusConfig& config, std::string service,
                               metrics::Metrics& metrics, bus::Producer& dead_letters)
    : impl_(std::make_unique<Impl>(*this, config, std::move(service), metrics, dead_letters)) {}

CameraRegistry::~CameraRegistry() { stop(); }

void CameraRegistry::on_change(Listener listener) {
  std::lock_guard lock(mutex_);
  listeners_.push_back(std::move(listener));
}

void CameraRegistry::start() { impl_->start(); }
void CameraRegistry::stop() {
  if (impl_) impl_->stop();
}

bool CameraRegistry::connected() const { return impl_->connected(); }

std::optional<v1::Camera> CameraRegistry::get(const std::string& camera_id) const {
  std::lock_guard lock(mutex_);
  auto it = cameras_.find(camera_id);
  if (it == cameras_.end()) return std::nullopt;
  return it->second;
}

std::vector<v1::Camera> CameraRegistry::all() const {
  std::lock_guard lock(mutex_);
  std::vector<v1::Camera> out;
  for (auto& [_, c] : cameras_) out.push_back(c);
  return out;
}

bool CameraRegistry::apply(const std::string& camera_id, const v1::Camera* camera) {
  std::vector<Listener> listeners;
  {
    std::lock_guard lock(mutex_);
    auto it = cameras_.find(camera_id);
    if (!camera) {
      if (it == cameras_.end()) return false;
      cameras_.erase(it);
    } else {
      if (it != cameras_.end() && camera->revision() < it->second.revision()) return false;
      if (it != cameras_.end() && camera->SerializeAsString() == it->second.SerializeAsString()) return false;
      cameras_[camera_id] = *camera;
    }
    listeners = listeners_;
  }
  log::info(camera ? "camera updated" : "camera deleted",
            {{"camera", camera_id}, {"revision", camera ? camera->revision() : 0}});
  for (auto& l : listeners) l(camera_id, camera);
  return true;
}

}  // namespace vigie::registry
