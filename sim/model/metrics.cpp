#include "model/metrics.hpp"

namespace statesim {

const char* failure_cause_name(FailureCause cause) { return kFailureCauseNames.name(cause).data(); }

std::int64_t& Summary::failures_of(FailureCause cause) {
  switch (cause) {
    case FailureCause::reset: return failed_reset;
    case FailureCause::server_down: return failed_server_down;
    case FailureCause::overload: return failed_overload;
    case FailureCause::store_down: return failed_store_down;
    case FailureCause::timeout: return failed_timeout;
    case FailureCause::no_server: return failed_no_server;
  }
  return failed_reset;  // unreachable: every cause is listed above
}

std::int64_t Summary::failures_of(FailureCause cause) const { return const_cast<Summary&>(*this).failures_of(cause); }

}  // namespace statesim
