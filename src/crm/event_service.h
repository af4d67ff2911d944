// Custom behavioral events (HubSpot's POST /events/v3/send and /events/v3/send/batch): each
// occurrence is appended to the CRM event log against a contact, with event_type_id = eventName,
// where the engine's triggers and the lists' UNIFIED_EVENTS filters find it.
//
// The contact is named by objectId (a contact id), else email, else utk (the contact's
// `hubspotutk`); it must exist. flowd has no event-definitions API: any eventName of at most 256
// bytes made of letters, digits, '_' and '-' is accepted, except HubSpot's own event type ids
// ("4-1639801"…), which only flowd writes. A `uuid` already recorded for the same event name on
// the same contact is skipped (HubSpot: "the first will be accepted"). A batch is validated as a
// whole and appended in one transaction: either every event is recorded or none (400 listing
// every problem, `in` = "inputs[i].field").
//
// Thread-safe.
#pragma once

#include <boost/json/value.hpp>
#include <cstdint>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "store/object_store.h"

namespace flowd::crm {

// HubSpot's documented batch size.
inline constexpr size_t kMaxEventBatch = 500;
inline constexpr size_t kMaxEventProperties = 100;
inline constexpr size_t kMaxEventNameLength = 256;

class EventService {
 public:
  EventService(store::ObjectStore& objects, const Clock& clock)
      : objects_(objects), clock_(clock) {}

  // One BehavioralEventHttpCompletionRequest. Returns the events appended (none for a
  // duplicate uuid).
  Result<std::vector<store::CrmEvent>> Send(int64_t account_id, const boost::json::value& body);
  // {inputs: [BehavioralEventHttpCompletionRequest, …]}, at most kMaxEventBatch.
  Result<std::vector<store::CrmEvent>> SendBatch(int64_t account_id,
                                                 const boost::json::value& body);

 private:
  Result<std::vector<store::CrmEvent>> Record(int64_t account_id,
                                              const std::vector<const boost::json::value*>& inputs,
                                              const std::string& prefix, bool batch);

  store::ObjectStore& objects_;
  const Clock& clock_;
};

}  // namespace flowd::crm
