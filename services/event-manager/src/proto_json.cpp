#include "proto_json.h"

#include <stdexcept>

#include <google/protobuf/util/json_util.h>

namespace vigie::event_manager {

std::string to_json_text(const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  std::string out;
  if (auto status = google::protobuf::util::MessageToJsonString(message, &out, options); !status.ok())
    throw std::runtime_error("cannot write " + message.GetTypeName() + " as JSON: " + status.ToString());
  return out;
}

void from_json_text(const std::string& text, google::protobuf::Message& message) {
  google::protobuf::util::JsonParseOptions options;
  options.ignore_unknown_fields = true;
  if (auto status = google::protobuf::util::JsonStringToMessage(text, &message, options); !status.ok())
    throw std::runtime_error("JSON does not read as " + message.GetTypeName() + ": " + status.ToString());
}

}  // namespace vigie::event_manager
