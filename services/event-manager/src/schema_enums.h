// The schema's enum types (source_kind, rtsp_transport, decode_mode, alert_type)
// and the protobuf enums whose values they store.
#pragma once

#include <string>
#include <string_view>

#include "vigie/v1/camera.pb.h"
#include "vigie/v1/common.pb.h"

namespace vigie::event_manager {

// Unspecified values map to the default the protobuf comment gives (tcp, all);
// a kind or alert type that has no database name throws std::invalid_argument
// (validation refuses them first).
std::string to_db(v1::Source::Kind kind);
std::string to_db(v1::Source::RtspTransport transport);
std::string to_db(v1::FrameSettings::DecodeMode mode);
std::string to_db(v1::AlertType type);

// Throw std::invalid_argument for a name the schema does not have.
v1::Source::Kind source_kind_from_db(std::string_view name);
v1::Source::RtspTransport rtsp_transport_from_db(std::string_view name);
v1::FrameSettings::DecodeMode decode_mode_from_db(std::string_view name);
v1::AlertType alert_type_from_db(std::string_view name);

}  // namespace vigie::event_manager
