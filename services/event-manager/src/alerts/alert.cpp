#include "alerts/alert.h"

#include <array>
#include <utility>

#include <google/protobuf/util/time_util.h>

#include "vigie/bus/topics.h"

namespace vigie::event_manager {
namespace {

using google::protobuf::util::TimeUtil;

constexpr std::array<std::pair<AlertState, std::string_view>, 4> kStates{{
    {AlertState::pending, "pending"},
    {AlertState::confirmed, "confirmed"},
    {AlertState::rejected, "rejected"},
    {AlertState::resolved, "resolved"},
}};

v1::Event::State event_state(AlertState state) {
  switch (state) {
    case AlertState::pending: return v1::Event::STATE_PENDING;
    case AlertState::confirmed: return v1::Event::STATE_CONFIRMED;
    case AlertState::rejected: return v1::Event::STATE_REJECTED;
    case AlertState::resolved: return v1::Event::STATE_RESOLVED;
  }
  return v1::Event::STATE_UNSPECIFIED;
}

google::protobuf::Timestamp timestamp(TimePoint t) {
  return TimeUtil::MicrosecondsToTimestamp(
      std::chrono::duration_cast<std::chrono::microseconds>(t.time_since_epoch()).count());
}

}  // namespace

std::string_view alert_state_name(AlertState state) {
  for (const auto& [s, name] : kStates)
    if (s == state) return name;
  return "unknown";
}

std::optional<AlertState> parse_alert_state(std::string_view name) {
  for (const auto& [s, n] : kStates)
    if (n == name) return s;
  return std::nullopt;
}

bool is_open(AlertState state) { return state == AlertState::pending || state == AlertState::confirmed; }

v1::Event to_event(const AlertRecord& alert) {
  v1::Event e;
  e.set_schema_version(bus::kSchemaVersion);
  e.set_event_id(alert.id);
  e.set_revision(static_cast<uint64_t>(alert.revision));
  e.set_camera_id(alert.camera_id);
  e.set_camera_name(alert.camera_name);
  e.set_analysis(alert.analysis);
  e.set_type(alert.type);
  e.set_state(event_state(alert.state));
  e.mutable_position()->set_latitude(alert.latitude);
  e.mutable_position()->set_longitude(alert.longitude);
  e.set_perimeter_m(alert.perimeter_m);
  for (const auto& action : alert.actions) e.add_actions(action);
  e.set_label(alert.label);
  e.set_max_score(alert.max_score);
  e.set_positives(static_cast<uint32_t>(alert.positives));
  *e.mutable_first_seen() = timestamp(alert.first_seen);
  *e.mutable_last_seen() = timestamp(alert.last_seen);
  if (alert.decided_by) e.set_decided_by(*alert.decided_by);
  if (alert.decided_at) *e.mutable_decided_at() = timestamp(*alert.decided_at);
  return e;
}

}  // namespace vigie::event_manager
