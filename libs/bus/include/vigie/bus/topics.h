// The topics of the design, their names under the configured prefix, and the
// protobuf message each one carries.
#pragma once

#include <array>
#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace google::protobuf {
class Descriptor;
}

namespace vigie::bus {

enum class Topic { cameras, frames, motion, detections, faces, status, recordings, events, dlq };

inline constexpr std::array<Topic, 9> kAllTopics = {
    Topic::cameras, Topic::frames,     Topic::motion, Topic::detections, Topic::faces,
    Topic::status,  Topic::recordings, Topic::events, Topic::dlq};

// The schema_version every message of this build writes and accepts.
inline constexpr uint32_t kSchemaVersion = 1;

// "cameras", "frames" ...
std::string_view topic_suffix(Topic topic);
// The protobuf message type carried by the topic.
const google::protobuf::Descriptor* topic_message(Topic topic);
// Whether the topic keeps only the latest value per key (cleanup.policy=compact).
bool topic_compacted(Topic topic);
// How long the topic keeps messages when Vigie creates it (nullopt: the broker's default).
std::optional<std::chrono::milliseconds> topic_retention(Topic topic);

class TopicNames {
 public:
  explicit TopicNames(std::string prefix) : prefix_(std::move(prefix)) {}
  std::string operator()(Topic topic) const { return prefix_ + std::string(topic_suffix(topic)); }
  std::optional<Topic> parse(std::string_view name) const;
  const std::string& prefix() const { return prefix_; }

 private:
  std::string prefix_;
};

// "" when name is a legal Kafka topic prefix, else what is expected.
std::string check_topic_prefix(const std::string& prefix);

}  // namespace vigie::bus
