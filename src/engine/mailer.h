// Outbound email (the send-email and internal-notification actions): an RFC 5322 message
// renderer and a Mailer interface with an SMTP implementation over libcurl.
//
// Deliveries are at-least-once: the engine gives every email its idempotency key
// ("enrollmentId:actionId:executionIndex"), which becomes the Message-ID, so a retried send is
// recognisable as the same message downstream.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/status.h"

namespace flowd::engine {

// An address with an optional display name ("Ada Lovelace" <ada@example.com>). The address is
// ASCII (flowd does not speak SMTPUTF8); the display name may be any UTF-8.
struct Mailbox {
  std::string address;
  std::string display_name;
};

struct Email {
  Mailbox from;
  std::vector<Mailbox> to;  // at least one
  std::string subject;      // UTF-8
  std::string html_body;    // UTF-8; either body may be empty, not both
  std::string text_body;    // UTF-8
  // The idempotency key; rendered as Message-ID <key@from-domain> (see MessageIdFor).
  std::string message_id;
  // Further headers (e.g. List-Unsubscribe, X-Flowd-Flow-Id). A name that Render sets itself
  // (Date, From, To, Subject, Message-ID, MIME-Version, Content-*) or Cc/Bcc/Sender/Reply-To is
  // refused; non-ASCII values are RFC 2047-encoded.
  std::vector<std::pair<std::string, std::string>> headers;
};

// True when `address` is an addr-spec flowd will put on the wire: ASCII local@domain, no
// spaces, controls, quotes, angle brackets or commas; a domain of letters, digits, hyphens and
// dots (no empty label), or an address literal such as [127.0.0.1].
bool IsValidAddress(std::string_view address);

// "<id-left@domain>": `key` made into a dot-atom (digits:digits:digits becomes
// digits.digits.digits; any other key is escaped so that different keys never collide).
std::string MessageIdFor(std::string_view key, std::string_view domain);

// `text` as one or more RFC 2047 "=?UTF-8?B?…?=" encoded words (each at most 75 characters,
// split on UTF-8 character boundaries) joined by CRLF SP, or `text` itself when it is printable
// ASCII and short enough for one header line.
std::string EncodeHeaderWord(std::string_view text);

// The complete message (CRLF line ends), Date set from `now_ms`: multipart/alternative (text
// then HTML) when both bodies are present, else a single part; bodies base64-encoded UTF-8.
// Header injection is impossible: kInvalidArgument for CR, LF or other control characters in
// any header value (subject, display names, extra headers), invalid UTF-8, an invalid address,
// no recipient, no body, an empty message id, or a forbidden or malformed extra header name.
Result<std::string> RenderEmail(const Email& email, int64_t now_ms);

// How a send ended.
struct SendResult {
  enum class Kind {
    kSent,       // the server accepted the message (250 after DATA)
    kTransient,  // try again later: cannot connect, timeout, network error, SMTP 4xx
    kPermanent,  // never try again: SMTP 5xx, or the email itself is invalid
  };
  Kind kind = Kind::kSent;
  int smtp_code = 0;   // the server's last reply code, 0 when none arrived
  std::string detail;  // a short reason for the enrollment's history (no secrets)
};

// Sends email. Implementations are thread-safe.
class Mailer {
 public:
  virtual ~Mailer() = default;
  // One attempt, no retries; never throws.
  virtual SendResult Send(const Email& email) = 0;
};

struct SmtpOptions {
  // "smtp://host:port" (plain; fine for loopback relays) or "smtps://host:port".
  std::string url;
  // Sent in EHLO.
  std::string helo_name = "flowd";
  int64_t connect_timeout_ms = 10'000;
  int64_t total_timeout_ms = 60'000;
};

// An SMTP mailer over libcurl. The message's Date header comes from `clock`, which must outlive
// the mailer. Envelope: MAIL FROM the From address, RCPT TO every To address; one refused
// recipient fails the whole send and nothing is sent to the others either.
std::unique_ptr<Mailer> NewSmtpMailer(SmtpOptions options, const Clock& clock);

}  // namespace flowd::engine
