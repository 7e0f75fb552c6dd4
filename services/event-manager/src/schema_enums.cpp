#include "schema_enums.h"

#include <array>
#include <stdexcept>
#include <utility>

namespace vigie::event_manager {
namespace {

using v1::Source;

constexpr std::array<std::pair<Source::Kind, std::string_view>, 5> kKinds{{
    {Source::KIND_RTSP, "rtsp"},
    {Source::KIND_MJPEG, "mjpeg"},
    {Source::KIND_SNAPSHOT, "snapshot"},
    {Source::KIND_FILE, "file"},
    {Source::KIND_V4L2, "v4l2"},
}};
constexpr std::array<std::pair<v1::AlertType, std::string_view>, 3> kAlertTypes{{
    {v1::ALERT_TYPE_POLICE, "police"},
    {v1::ALERT_TYPE_AMBULANCE, "ambulance"},
    {v1::ALERT_TYPE_FIRE_BRIGADE, "fire_brigade"},
}};

template <class Enum, size_t N>
std::string name_of(const std::array<std::pair<Enum, std::string_view>, N>& table, Enum value, const char* what) {
  for (const auto& [v, name] : table)
    if (v == value) return std::string(name);
  throw std::invalid_argument(std::string(what) + " " + std::to_string(static_cast<int>(value)) +
                              " has no database name");
}

template <class Enum, size_t N>
Enum value_of(const std::array<std::pair<Enum, std::string_view>, N>& table, std::string_view name, const char* what) {
  for (const auto& [v, n] : table)
    if (n == name) return v;
  throw std::invalid_argument(std::string("unknown ") + what + " '" + std::string(name) + "' in the database");
}

}  // namespace

std::string to_db(Source::Kind kind) { return name_of(kKinds, kind, "source kind"); }

std::string to_db(Source::RtspTransport transport) {
  return transport == Source::RTSP_TRANSPORT_UDP ? "udp" : "tcp";
}

std::string to_db(v1::FrameSettings::DecodeMode mode) {
  return mode == v1::FrameSettings::DECODE_MODE_KEYFRAMES ? "keyframes" : "all";
}

std::string to_db(v1::AlertType type) { return name_of(kAlertTypes, type, "alert type"); }

Source::Kind source_kind_from_db(std::string_view name) { return value_of(kKinds, name, "source kind"); }

Source::RtspTransport rtsp_transport_from_db(std::string_view name) {
  if (name == "tcp") return Source::RTSP_TRANSPORT_TCP;
  if (name == "udp") return Source::RTSP_TRANSPORT_UDP;
  throw std::invalid_argument("unknown RTSP transport '" + std::string(name) + "' in the database");
}

v1::FrameSettings::DecodeMode decode_mode_from_db(std::string_view name) {
  if (name == "all") return v1::FrameSettings::DECODE_MODE_ALL;
  if (name == "keyframes") return v1::FrameSettings::DECODE_MODE_KEYFRAMES;
  throw std::invalid_argument("unknown decode mode '" + std::string(name) + "' in the database");
}

v1::AlertType alert_type_from_db(std::string_view name) { return value_of(kAlertTypes, name, "alert type"); }

}  // namespace vigie::event_manager
