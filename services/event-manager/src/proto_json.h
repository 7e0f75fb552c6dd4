// Protobuf messages as JSON with the .proto's field names (protobuf's JSON
// mapping), the form of the motion column and of audit details.
#pragma once

#include <string>

#include <google/protobuf/message.h>

namespace vigie::event_manager {

std::string to_json_text(const google::protobuf::Message& message);
// Fields unknown to this build are skipped: a newer build may have written them.
// Throws std::runtime_error with what protobuf could not read.
void from_json_text(const std::string& text, google::protobuf::Message& message);

}  // namespace vigie::event_manager
