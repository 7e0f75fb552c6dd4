// The audit log: one row per change, written in the change's own transaction so
// that there is never a change without its row, nor a row without its change.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>
#include <pqxx/pqxx>

namespace vigie::event_manager {

struct AuditEntry {
  std::string actor;        // "user:NAME" or "system:PART"; never empty
  std::string action;       // "camera.create", "analysis.delete" ...
  std::string target_type;  // "camera", "analysis" ...
  std::string target_id;
  nlohmann::json details = nlohmann::json::object();  // never a credential
};

// Throws std::invalid_argument for an empty actor: every change has an author.
void record_audit(pqxx::transaction_base& tx, const AuditEntry& entry);

}  // namespace vigie::event_manager
