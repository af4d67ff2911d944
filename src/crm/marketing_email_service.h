// Marketing emails (HubSpot's /marketing/v3/emails): the content a flow's send-email action
// sends, by id (the action's content id).
//
// flowd's model is the spec's EmailCreateRequest minus A/B testing and RSS/blog emails: every
// field of it is validated, stored as sent (canonical form: unknown fields dropped, dates as
// "…sssZ", recipient list ids as strings) and returned; `testing` and `rssData` are refused (400).
// Server fields: id, createdAt, updatedAt, archived, deletedAt, isPublished (false: publishing is
// not built), isTransactional (false), type (from the subcategory), state (default DRAFT) and
// subcategory (default batch). The HTML body is the `body.html` of the content's widgets, in
// their `order` (HubSpot's drag-and-drop layout keeps rich text there).
//
// Thread-safe.
#pragma once

#include <boost/json/object.hpp>
#include <boost/json/value.hpp>
#include <cstdint>
#include <optional>
#include <string>

#include "common/clock.h"
#include "common/status.h"
#include "crm/personalization.h"
#include "store/marketing_email_store.h"

namespace flowd::crm {

inline constexpr size_t kEmailPageDefault = 10;
inline constexpr size_t kEmailPageMax = 100;

// An email made ready for one recipient.
struct PersonalizedEmail {
  std::string subject;  // values inserted as they are
  std::string html;     // values HTML-escaped
  std::string text;     // the plainTextVersion, values as they are
  std::string from_name;
  std::string reply_to;
};

class MarketingEmailService {
 public:
  MarketingEmailService(store::MarketingEmailStore& store, const Clock& clock)
      : store_(store), clock_(clock) {}

  // kInvalidArgument listing every problem (`in` = JSON path).
  Result<store::MarketingEmailRecord> Create(int64_t account_id, const boost::json::value& body);
  // Only archived (deleted) emails when `archived`, else only live ones (kNotFound otherwise).
  Result<store::MarketingEmailRecord> Get(int64_t account_id, int64_t email_id, bool archived);
  Result<store::MarketingEmailPage> List(int64_t account_id, std::optional<int64_t> after_id,
                                         size_t limit, bool archived);
  // PATCH: the given fields overwrite the stored ones; objects merge key by key (recursively),
  // arrays and values are replaced. A live email only.
  Result<store::MarketingEmailRecord> Update(int64_t account_id, int64_t email_id,
                                             const boost::json::value& body);
  // POST /clone: {id, cloneName?, language?}: a live email's copy, in state DRAFT, named
  // cloneName (default: "<name> (clone)"), with clonedFrom = the original's id.
  Result<store::MarketingEmailRecord> Clone(int64_t account_id, const boost::json::value& body);
  // DELETE: archives (the id stays known, so flows that reference it can say it was deleted).
  Status Archive(int64_t account_id, int64_t email_id);

  // The API's PublicEmail.
  static boost::json::object Render(const store::MarketingEmailRecord& email);
  // The HTML body (see above); "" when the email has none.
  static std::string HtmlBody(const store::MarketingEmailRecord& email);
  // Subject, HTML body and plain text with the recipient's values (crm/personalization.h).
  static PersonalizedEmail Personalize(const store::MarketingEmailRecord& email,
                                       const TemplateValues& values);

 private:
  store::MarketingEmailStore& store_;
  const Clock& clock_;
};

}  // namespace flowd::crm
