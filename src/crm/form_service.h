// Forms (HubSpot's /marketing/v3/forms) and their public submissions
// (/submissions/v3/integration/submit/{portalId}/{formGuid}).
//
// Definitions: create, read, list, replace (PUT), merge (PATCH), archive; see form_definition.h
// for validation and the stored form. When a PropertyCatalog is given, every field must name a
// writable property of its objectTypeId.
//
// Submissions (form_submissions.cc, which states the decisions taken where HubSpot's behaviour
// is not flowd's): see Submit(). Thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/status.h"
#include "crm/property_value.h"
#include "crm/submission_limiter.h"
#include "store/form_store.h"
#include "store/object_store.h"

namespace flowd::crm {

class ObjectService;

inline constexpr size_t kFormPageDefault = 20;
inline constexpr size_t kFormPageMax = 100;

// One public submission, as the HTTP layer received it.
struct SubmissionRequest {
  std::string portal_id;  // path parameters, unparsed
  std::string form_id;
  std::string body;
  std::string client_ip;
};

// What the submitter is shown (HubSpot's answer): exactly one of the two is set.
struct SubmissionResult {
  std::optional<std::string> inline_message;
  std::optional<std::string> redirect_uri;
  int64_t contact_id = 0;
  std::vector<store::CrmEvent> events;  // the form-submission event appended
};

class FormService {
 public:
  // `properties` (optional) checks form fields against the account's properties; `objects`
  // (optional) receives submissions (contacts and the submission event) — without it Submit()
  // answers kNotImplemented after the 429/413/404 checks.
  FormService(store::FormStore& store, const Clock& clock, PropertyCatalog* properties = nullptr,
              ObjectService* objects = nullptr, SubmissionLimits limits = {});

  Result<store::FormRecord> Create(int64_t account_id, const boost::json::value& body);
  // Only archived forms when `archived`, else only live ones (kNotFound otherwise).
  Result<store::FormRecord> Get(int64_t account_id, const std::string& form_id, bool archived);
  // `form_types`: HubSpot's formTypes filter (hubspot, captured, flow, blog_comment, all); flowd
  // holds "hubspot" forms only, so a filter without hubspot or all gives an empty page.
  Result<store::FormPage> List(int64_t account_id, std::optional<int64_t> after_seq, size_t limit,
                               bool archived, const std::vector<std::string>& form_types);
  // PUT: the whole definition; a live form only.
  Result<store::FormRecord> Replace(int64_t account_id, const std::string& form_id,
                                    const boost::json::value& body);
  // PATCH: the given top-level fields replace the stored ones (configuration and displayOptions
  // merge key by key); `archived` archives or restores.
  Result<store::FormRecord> Patch(int64_t account_id, const std::string& form_id,
                                  const boost::json::value& body);
  Status Archive(int64_t account_id, const std::string& form_id);

  // The API's FormDefinitionBase.
  static boost::json::object Render(const store::FormRecord& form);
  // The stored definition of `form` (without the server fields); empty if unreadable.
  static boost::json::object Definition(const store::FormRecord& form);

  // A public submission: rate limit per client IP (kRateLimited), size limit
  // (kPayloadTooLarge), unknown portal or form (kNotFound), invalid fields (kInvalidArgument
  // listing every problem); then creates or updates the contact by email and appends a
  // `4-1639801` event with hs_form_id and the submitted values.
  Result<SubmissionResult> Submit(const SubmissionRequest& request);

 private:
  Status CheckProperties(int64_t account_id, const boost::json::object& definition);
  Result<store::FormRecord> Store(int64_t account_id, const std::string& form_id,
                                  boost::json::object definition, bool archived, bool create);

  store::FormStore& store_;
  const Clock& clock_;
  PropertyCatalog* properties_;
  ObjectService* objects_;
  SubmissionLimiter limiter_;
  SubmissionLimits limits_;
};

}  // namespace flowd::crm
