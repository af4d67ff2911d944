// The callback completion API's engine half: an app action that answered BLOCK waits in its
// job (actions/app_action.cc); completing it rewrites its outputs and makes the job due.
#include <boost/json/serialize.hpp>

#include "engine/app_action.h"
#include "engine/engine.h"

namespace flowd::engine {

Status Engine::CompleteCallback(int64_t account_id, const std::string& callback_id,
                                const boost::json::value& output_fields) {
  // The body is checked first: a malformed completion is 400 whatever it names.
  FLOWD_ASSIGN_OR_RETURN(AppActionAnswer answer, ReadOutputFields(output_fields, false));
  auto ref = ParseCallbackId(callback_id);
  if (!ref || ref->portal_id != account_id) {
    // Another account's callback id is as unknown as a malformed one (accounts are walls).
    return Error::NotFound("No app action is waiting for callback " + callback_id.substr(0, 100));
  }
  return store_.engine().CompleteCallback(account_id, ref->enrollment_id, ref->action_id,
                                          callback_id, boost::json::serialize(answer.outputs),
                                          clock_.NowMs());
}

}  // namespace flowd::engine
