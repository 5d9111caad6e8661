#include "model/metrics.hpp"

namespace statesim {

const char* failure_cause_name(FailureCause cause) {
  switch (cause) {
    case FailureCause::reset:
      return "reset";
    case FailureCause::server_down:
      return "server_down";
    case FailureCause::overload:
      return "overload";
    case FailureCause::store_down:
      return "store_down";
    case FailureCause::timeout:
      return "timeout";
    case FailureCause::no_server:
      return "no_server";
  }
  return "unknown";
}

}  // namespace statesim
