#include <gtest/gtest.h>

#include "vigie/bus/bus_config.h"
#include "vigie/bus/headers.h"
#include "vigie/bus/topics.h"

#include <google/protobuf/descriptor.h>

namespace vigie::bus {
namespace {

config::Spec spec() {
  config::Spec s("vigie-test", "test");
  declare_settings(s);
  return s;
}

TEST(BusConfig, DefaultsNeedOnlyTheBootstrapServers) {
  auto r = spec().parse({}, {{"VIGIE_KAFKA_BOOTSTRAP", "127.0.0.1:9092"}});
  ASSERT_TRUE(r.errors.empty());
  auto c = from_settings(r.settings);
  EXPECT_EQ(c.bootstrap_servers, "127.0.0.1:9092");
  EXPECT_EQ(c.topic_names()(Topic::frames), "vigie.frames");
  EXPECT_EQ(c.partitions_of(Topic::motion), 6);
}

TEST(BusConfig, MissingBootstrapIsRefusedByName) {
  auto r = spec().parse({}, {});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].rfind("VIGIE_KAFKA_BOOTSTRAP: required", 0), 0u) << r.errors[0];
}

TEST(BusConfig, BadValuesAreRefusedNamingTheVariable) {
  auto r = spec().parse({}, {{"VIGIE_KAFKA_BOOTSTRAP", "nohostport"},
                             {"VIGIE_TOPIC_PREFIX", "bad prefix/"},
                             {"VIGIE_TOPIC_PARTITIONS_PER_TOPIC", "frames=0"},
                             {"VIGIE_KAFKA_PROPERTIES", "sasl.password"}});
  ASSERT_EQ(r.errors.size(), 4u);
  std::string all;
  for (auto& e : r.errors) all += e + "\n";
  for (auto* name : {"VIGIE_KAFKA_BOOTSTRAP:", "VIGIE_TOPIC_PREFIX:", "VIGIE_TOPIC_PARTITIONS_PER_TOPIC:",
                     "VIGIE_KAFKA_PROPERTIES:"})
    EXPECT_NE(all.find(name), std::string::npos) << all;
}

TEST(BusConfig, SecretPropertiesNeverAppearInErrors) {
  auto r = spec().parse({}, {{"VIGIE_KAFKA_BOOTSTRAP", "k:9092"},
                             {"VIGIE_KAFKA_PROPERTIES", "sasl.username=u;hunter2-secret"}});
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].find("hunter2"), std::string::npos) << r.errors[0];
}

TEST(BusConfig, PerTopicPartitionsOverrideTheDefault) {
  auto r = spec().parse({}, {{"VIGIE_KAFKA_BOOTSTRAP", "k:9092"},
                             {"VIGIE_TOPIC_PARTITIONS", "3"},
                             {"VIGIE_TOPIC_PARTITIONS_PER_TOPIC", "frames=12,motion=8"},
                             {"VIGIE_TOPIC_PREFIX", "city-a."}});
  ASSERT_TRUE(r.errors.empty());
  auto c = from_settings(r.settings);
  EXPECT_EQ(c.partitions_of(Topic::frames), 12);
  EXPECT_EQ(c.partitions_of(Topic::motion), 8);
  EXPECT_EQ(c.partitions_of(Topic::events), 3);
  EXPECT_EQ(c.topic_names()(Topic::dlq), "city-a.dlq");
  EXPECT_EQ(c.topic_names().parse("city-a.cameras"), Topic::cameras);
  EXPECT_FALSE(c.topic_names().parse("vigie.cameras"));
}

TEST(BusConfig, ExtraPropertiesAreParsed) {
  auto p = parse_properties("security.protocol=SASL_SSL;sasl.password=a=b");
  EXPECT_EQ(p["security.protocol"], "SASL_SSL");
  EXPECT_EQ(p["sasl.password"], "a=b");
}

TEST(Topics, EveryTopicHasAMessageTypeWithASchemaVersion) {
  for (Topic t : kAllTopics) {
    ASSERT_NE(topic_message(t), nullptr) << topic_suffix(t);
    EXPECT_NE(topic_message(t)->FindFieldByName("schema_version"), nullptr) << topic_suffix(t);
  }
  EXPECT_TRUE(topic_compacted(Topic::cameras));
  EXPECT_FALSE(topic_compacted(Topic::frames));
  EXPECT_EQ(topic_retention(Topic::status), std::chrono::hours(1));
  EXPECT_FALSE(topic_retention(Topic::events).has_value());
}

TEST(Headers, TraceIdsAreUniqueHex) {
  auto a = new_trace_id(), b = new_trace_id();
  EXPECT_EQ(a.size(), 32u);
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find_first_not_of("0123456789abcdef"), std::string::npos);
}

}  // namespace
}  // namespace vigie::bus
