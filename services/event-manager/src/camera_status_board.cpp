#include "camera_status_board.h"

#include <thread>

#include "vigie/bus/consumer.h"

namespace vigie::event_manager {
namespace {

bool older(const google::protobuf::Timestamp& a, const google::protobuf::Timestamp& b) {
  return a.seconds() < b.seconds() || (a.seconds() == b.seconds() && a.nanos() < b.nanos());
}

}  // namespace

class CameraStatusBoard::Impl {
 public:
  Impl(CameraStatusBoard& owner, const bus::BusConfig& config, metrics::Metrics& metrics,
       bus::Producer& dead_letters)
      : owner_(owner),
        consumer_(config, "vigie-event-manager",
                  bus::ConsumerOptions{.group_id = bus::private_group_id("vigie-event-manager-status-"),
                                       .topics = {bus::Topic::status},
                                       .max_wait = std::chrono::milliseconds(100),
                                       .validate = [](const bus::Record& r) -> std::string {
                                         const auto* s = r.as<v1::CameraStatus>();
                                         if (s->camera_id().empty()) return "camera status without a camera id";
                                         return "";
                                       },
                                       .on_assigned = {},
                                       .on_revoked = {}},
                  metrics, dead_letters) {}

  void start() {
    thread_ = std::jthread([this](std::stop_token stop) {
      consumer_.run(stop, [this](std::vector<bus::Record>& batch) {
        for (auto& r : batch) owner_.apply(*r.as<v1::CameraStatus>());
      });
    });
  }

  void stop() { thread_ = {}; }

 private:
  CameraStatusBoard& owner_;
  bus::Consumer consumer_;
  std::jthread thread_;
};

CameraStatusBoard::CameraStatusBoard(const bus::BusConfig& config, metrics::Metrics& metrics,
                                     bus::Producer& dead_letters)
    : impl_(std::make_unique<Impl>(*this, config, metrics, dead_letters)) {}

CameraStatusBoard::~CameraStatusBoard() { stop(); }

void CameraStatusBoard::on_state_change(Listener listener) { listener_ = std::move(listener); }

void CameraStatusBoard::start() { impl_->start(); }

void CameraStatusBoard::stop() { impl_->stop(); }

bool CameraStatusBoard::apply(const v1::CameraStatus& status) {
  bool changed = false;
  {
    std::lock_guard lock(mutex_);
    auto [it, inserted] = statuses_.try_emplace(status.camera_id(), status);
    if (!inserted) {
      // Two ingest instances may briefly both report during a takeover, and
      // partitions are read in no common order: the newest report wins.
      if (older(status.time(), it->second.time())) return false;
      changed = it->second.state() != status.state();
      it->second = status;
    } else {
      changed = true;
    }
  }
  if (changed && listener_) listener_(status);
  return changed;
}

std::optional<v1::CameraStatus> CameraStatusBoard::get(const std::string& camera_id) const {
  std::lock_guard lock(mutex_);
  const auto it = statuses_.find(camera_id);
  if (it == statuses_.end()) return std::nullopt;
  return it->second;
}

std::map<std::string, v1::CameraStatus> CameraStatusBoard::all() const {
  std::lock_guard lock(mutex_);
  return statuses_;
}

}  // namespace vigie::event_manager
