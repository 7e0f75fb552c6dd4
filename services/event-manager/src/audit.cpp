#include "audit.h"

#include <stdexcept>

namespace vigie::event_manager {

void record_audit(pqxx::transaction_base& tx, const AuditEntry& entry) {
  if (entry.actor.empty()) throw std::invalid_argument("audit: " + entry.action + " has no actor");
  tx.exec_params0(
      "INSERT INTO audit_log (actor, action, target_type, target_id, details) VALUES ($1, $2, $3, $4, $5::jsonb)",
      entry.actor, entry.action, entry.target_type, entry.target_id, entry.details.dump());
}

}  // namespace vigie::event_manager
