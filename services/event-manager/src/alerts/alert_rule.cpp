#include "alerts/alert_rule.h"

#include <algorithm>
#include <cmath>
#include <set>

#include <google/protobuf/util/time_util.h>

namespace vigie::event_manager {
namespace {

using google::protobuf::util::TimeUtil;

// A score the alerts table can hold; nullopt for one that means nothing (NaN).
std::optional<float> usable_score(float score) {
  if (std::isnan(score)) return std::nullopt;
  return std::clamp(score, 0.0f, 1.0f);
}

const std::string* jpeg_of(const std::string& bytes) {
  const bool soi =
      bytes.size() >= 2 && static_cast<unsigned char>(bytes[0]) == 0xFF && static_cast<unsigned char>(bytes[1]) == 0xD8;
  return soi ? &bytes : nullptr;
}

int64_t micros(const google::protobuf::Timestamp& t) { return TimeUtil::TimestampToMicroseconds(t); }

bool has_label(const v1::Analysis& analysis, const std::string& label) {
  return std::find(analysis.labels().begin(), analysis.labels().end(), label) != analysis.labels().end();
}

// The best-scored object passing keep(), first on ties.
template <class Keep>
const v1::Detection::Object* best_object(const v1::Detection& detection, Keep keep) {
  const v1::Detection::Object* best = nullptr;
  for (const auto& object : detection.objects()) {
    const auto score = usable_score(object.score());
    if (!score || !keep(object, *score)) continue;
    if (!best || *score > *usable_score(best->score())) best = &object;
  }
  return best;
}

// A pending positive, and the batch's positive it comes from (null when it was stored before).
struct Candidate {
  PendingPositive pending;
  const Positive* from_batch = nullptr;
};

void update_open(OpenAlert& open, const Positive& p, RuleResult& result) {
  ++open.positives;
  open.last_seen_us = std::max(open.last_seen_us, p.at_us);
  const bool better = p.score > open.max_score;
  if (better) {
    open.max_score = p.score;
    open.label = p.label;
  }
  if (p.jpeg && (better || !open.has_evidence)) {
    result.evidence = &p;
    open.has_evidence = true;
  }
  result.updated = true;
}

// Raises the alert of the candidates in the window; the first best score gives its label.
void raise(const std::vector<const Candidate*>& in_window, RuleResult& result) {
  OpenAlert open;
  open.positives = static_cast<int64_t>(in_window.size());
  open.first_seen_us = in_window.front()->pending.at_us;
  open.max_score = -1;
  const Positive* best_frame = nullptr;
  for (const Candidate* c : in_window) {
    open.first_seen_us = std::min(open.first_seen_us, c->pending.at_us);
    open.last_seen_us = std::max(open.last_seen_us, c->pending.at_us);
    if (c->pending.score > open.max_score) {
      open.max_score = c->pending.score;
      open.label = c->pending.label;
    }
    if (c->from_batch && c->from_batch->jpeg && (!best_frame || c->from_batch->score > best_frame->score))
      best_frame = c->from_batch;
  }
  open.has_evidence = best_frame != nullptr;
  result.evidence = best_frame;
  result.state.open = std::move(open);
  result.raised = true;
  result.updated = true;
}

}  // namespace

std::string motion_message_id(const v1::MotionEvent& event) {
  return event.event_id() + "/" + std::to_string(event.update());
}

std::optional<Positive> detection_positive(const v1::Detection& detection, const v1::Analysis& analysis) {
  if (analysis.detector() == kMotionDetector) return std::nullopt;
  const v1::Detection::Object* object = best_object(detection, [&](const auto& o, float score) {
    return has_label(analysis, o.label()) && score >= analysis.min_score();
  });
  Positive p;
  if (object) {
    p.label = object->label();
    p.score = *usable_score(object->score());
  } else if (detection.level() == v1::Detection::LEVEL_POSITIVE) {
    object = best_object(detection, [&](const auto& o, float) { return has_label(analysis, o.label()); });
    if (!object) object = best_object(detection, [](const auto&, float) { return true; });
    p.label = object ? object->label() : analysis.labels_size() > 0 ? analysis.labels(0) : analysis.name();
    p.score = object ? *usable_score(object->score()) : 1.0f;
  } else {
    return std::nullopt;
  }
  p.message_id = detection.detection_id();
  p.at_us = micros(detection.capture_time());
  p.jpeg = jpeg_of(detection.frame_jpeg());
  return p;
}

std::optional<Positive> motion_positive(const v1::MotionEvent& event) {
  const bool moving = event.phase() == v1::MotionEvent::PHASE_START || event.phase() == v1::MotionEvent::PHASE_UPDATE;
  const auto score = usable_score(event.score());
  if (!moving || event.boxes().empty() || !score) return std::nullopt;
  Positive p;
  p.message_id = motion_message_id(event);
  p.at_us = micros(event.capture_time());
  p.score = *score;
  p.label = std::string(kMotionDetector);
  p.jpeg = jpeg_of(event.frame_jpeg());
  return p;
}

RuleParams rule_params(const v1::Analysis& analysis, int64_t cooldown_us) {
  return {.positives_needed = std::max<int64_t>(1, analysis.positives_needed()),
          .window_us = static_cast<int64_t>(analysis.window_ms()) * 1000,
          .cooldown_us = cooldown_us};
}

RuleResult apply_rule(const RuleParams& params, RuleState state, std::span<const Positive> positives) {
  RuleResult result;
  std::vector<Candidate> candidates;
  for (auto& stored : state.pending) candidates.push_back({std::move(stored), nullptr});
  const std::size_t stored = candidates.size();  // candidates[0, stored) were stored before
  std::set<std::string> consumed;
  result.state.open = std::move(state.open);
  result.state.closed_at_us = state.closed_at_us;

  int64_t newest = 0;
  for (const auto& c : candidates) newest = std::max(newest, c.pending.at_us);
  for (const Positive& p : positives) {
    newest = std::max(newest, p.at_us);
    if (result.state.open) {
      update_open(*result.state.open, p, result);
      continue;
    }
    if (state.closed_at_us && p.at_us < *state.closed_at_us + params.cooldown_us) continue;
    candidates.push_back({{p.message_id, p.at_us, p.score, p.label}, &p});
    std::vector<const Candidate*> in_window;
    for (const auto& c : candidates) {
      if (!consumed.contains(c.pending.message_id) && c.pending.at_us <= p.at_us &&
          c.pending.at_us > p.at_us - params.window_us)
        in_window.push_back(&c);
    }
    if (static_cast<int64_t>(in_window.size()) < params.positives_needed) continue;
    raise(in_window, result);
    // Counted into the alert, or older than its window: none can count again.
    for (const auto& c : candidates) consumed.insert(c.pending.message_id);
  }

  // What stays pending: not consumed, and young enough to count with a later positive.
  for (std::size_t i = 0; i < candidates.size(); ++i) {
    Candidate& c = candidates[i];
    const bool keep = !consumed.contains(c.pending.message_id) && c.pending.at_us > newest - params.window_us;
    if (i < stored) {
      if (keep)
        result.state.pending.push_back(c.pending);
      else
        result.pending_removed.push_back(c.pending.message_id);
    } else if (keep) {
      result.state.pending.push_back(c.pending);
      result.pending_added.push_back(std::move(c.pending));
    }
  }
  return result;
}

}  // namespace vigie::event_manager
