// The alert rule, as pure logic: what a detection or a motion event is worth to
// an analysis (a positive, or nothing), and how a camera's positives for one
// analysis raise an alert, update the open one, or wait for more. Time is the
// messages' capture time, in microseconds: replaying the same messages gives
// the same alerts. AlertWriter loads and stores the state around it.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "vigie/v1/camera.pb.h"
#include "vigie/v1/detection.pb.h"
#include "vigie/v1/motion.pb.h"

namespace vigie::event_manager {

// The detector of an analysis that takes motion events as its positives.
inline constexpr std::string_view kMotionDetector = "motion";

// A message that counts towards an alert of one analysis.
struct Positive {
  std::string message_id;
  int64_t at_us = 0;  // capture time
  float score = 0;    // 0..1
  std::string label;
  // The frame that shows it (a JPEG), when the message carries one; it must
  // outlive the rule's result.
  const std::string* jpeg = nullptr;
};

// The idempotency key of a motion message: event_id/update.
std::string motion_message_id(const v1::MotionEvent& event);

// A detection for analysis (its analysis field names it; the caller checks) is
// a positive when one of its objects has one of the analysis's labels with at
// least min_score (the best such object gives label and score), or when the
// detector itself says LEVEL_POSITIVE (label and score of its best object, of
// the analysis's labels first; with no object, the first label at 1). A motion
// analysis takes no detection.
std::optional<Positive> detection_positive(const v1::Detection& detection, const v1::Analysis& analysis);

// A motion event is a positive for each motion analysis of its camera when it
// starts or updates a motion with at least one box: label "motion", score the
// event's (the changed share of the picture). Labels and min_score do not apply.
std::optional<Positive> motion_positive(const v1::MotionEvent& event);

// A positive the rule keeps until it raises an alert or leaves the window.
struct PendingPositive {
  std::string message_id;
  int64_t at_us = 0;
  float score = 0;
  std::string label;
};

// What the rule needs to know of the open (pending or confirmed) alert.
struct OpenAlert {
  int64_t positives = 0;
  int64_t first_seen_us = 0;
  int64_t last_seen_us = 0;
  float max_score = 0;
  std::string label;
  bool has_evidence = false;
};

// One camera's state for one analysis.
struct RuleState {
  std::vector<PendingPositive> pending;
  std::optional<OpenAlert> open;
  // When its latest alert was closed, on the camera's clock.
  std::optional<int64_t> closed_at_us;
};

struct RuleParams {
  int64_t positives_needed = 1;
  int64_t window_us = 0;    // positives count together when less than this apart
  int64_t cooldown_us = 0;  // after a closing, positives before its end are dropped
};

RuleParams rule_params(const v1::Analysis& analysis, int64_t cooldown_us);

struct RuleResult {
  RuleState state;       // after the positives
  bool raised = false;   // state.open is a new alert
  bool updated = false;  // the open alert changed (always so when raised)
  // The frame to keep as the alert's evidence from now on, if it changes: that
  // of a positive scoring higher than the alert's best, or the first frame of an
  // alert that has none.
  const Positive* evidence = nullptr;
  // How the stored pending positives change: ids gone (counted into the alert,
  // or out of the window) and positives added.
  std::vector<std::string> pending_removed;
  std::vector<PendingPositive> pending_added;
};

// Applies positives (in capture time order) to state. An alert is raised when
// positives_needed pending positives lie within the window ending at a
// positive's time; it counts them and takes the first's time and the best's
// score and label. While an alert is open every positive updates it instead.
// After a closing, positives earlier than closed_at + cooldown are dropped.
RuleResult apply_rule(const RuleParams& params, RuleState state, std::span<const Positive> positives);

}  // namespace vigie::event_manager
