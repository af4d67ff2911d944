#include "engine/mailer.h"

#include <curl/curl.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>

#include "common/crypto.h"
#include "common/text.h"

namespace flowd::engine {
namespace {

// RFC 5322 atext, without '=' (which MessageIdFor uses as its escape character).
bool IsAtextNoEquals(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-/?^_`{|}~").find(c) != std::string_view::npos;
}

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      len = 2;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) return false;
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    const uint32_t min = len == 2 ? 0x80 : len == 3 ? 0x800 : 0x10000;
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += len;
  }
  return true;
}

bool IsPrintableAscii(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c < 0x7f; });
}

// A header value may carry no line break or other control character (tab excepted), whatever
// its encoding later: this is what makes header injection impossible.
bool HasControl(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char ch) {
    const auto c = static_cast<unsigned char>(ch);
    return (c < 0x20 && c != '\t') || c == 0x7f;
  });
}

std::string Base64(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3), '\0');
  const int len = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(data.data()),
                                  static_cast<int>(data.size()));
  out.resize(static_cast<size_t>(len));
  return out;
}

// Base64 in lines of 76 characters (RFC 2045), each ended by CRLF.
std::string Base64Lines(std::string_view data) {
  const std::string flat = Base64(data);
  std::string out;
  for (size_t i = 0; i < flat.size(); i += 76) {
    out.append(flat, i, 76).append("\r\n");
  }
  return out;
}

// "Wed, 02 Dec 2026 10:32:08 +0000".
std::string RfcDate(int64_t now_ms) {
  const std::time_t t = static_cast<std::time_t>(now_ms / 1000);
  std::tm tm{};
  gmtime_r(&t, &tm);
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  char buf[64];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", kDays[tm.tm_wday],
                tm.tm_mday, kMonths[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

// A display name as a quoted-string, or as encoded words when it is not plain ASCII.
std::string Phrase(std::string_view name) {
  if (!IsPrintableAscii(name) || name.size() > 60) return EncodeHeaderWord(name);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  out.push_back('"');
  return out;
}

Result<std::string> FormatMailbox(const Mailbox& box, std::string_view field) {
  if (!IsValidAddress(box.address)) {
    return Error::Invalid(std::string(field) + " address is not valid: " + box.address);
  }
  if (HasControl(box.display_name) || !IsValidUtf8(box.display_name)) {
    return Error::Invalid(std::string(field) +
                          " display name contains a line break, a control character or "
                          "invalid UTF-8");
  }
  if (box.display_name.empty()) return box.address;
  return Phrase(box.display_name) + " <" + box.address + ">";
}

bool IsHeaderName(std::string_view name) {
  // RFC 5322 ftext: printable ASCII except ':' (and no space).
  return !name.empty() && std::all_of(name.begin(), name.end(),
                                      [](char c) { return c > 0x20 && c < 0x7f && c != ':'; });
}

bool IsForbiddenExtraHeader(std::string_view name) {
  const std::string lower = AsciiLower(name);
  if (lower.starts_with("content-")) return true;
  for (std::string_view h : {"date", "from", "to", "cc", "bcc", "subject", "message-id",
                             "mime-version", "sender", "reply-to", "return-path", "received"}) {
    if (lower == h) return true;
  }
  return false;
}

std::string Part(std::string_view content_type, std::string_view body) {
  std::string out;
  out.append("Content-Type: ").append(content_type).append("; charset=UTF-8\r\n");
  out.append("Content-Transfer-Encoding: base64\r\n\r\n");
  out.append(Base64Lines(body));
  return out;
}

}  // namespace

bool IsValidAddress(std::string_view address) {
  const size_t at = address.rfind('@');
  if (at == std::string_view::npos || at == 0 || at + 1 >= address.size()) return false;
  if (address.size() > 254) return false;
  const std::string_view local = address.substr(0, at);
  const std::string_view domain = address.substr(at + 1);
  if (local.size() > 64 || local.front() == '.' || local.back() == '.' ||
      local.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : local) {
    if (!IsAtextNoEquals(c) && c != '=' && c != '.') return false;
  }
  if (domain.front() == '[') {  // address literal, e.g. [127.0.0.1]
    if (domain.back() != ']') return false;
    for (char c : domain.substr(1, domain.size() - 2)) {
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '.' && c != ':') return false;
    }
    return domain.size() > 2;
  }
  if (domain.front() == '.' || domain.back() == '.' ||
      domain.find("..") != std::string_view::npos) {
    return false;
  }
  for (char c : domain) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '.') return false;
  }
  return true;
}

std::string MessageIdFor(std::string_view key, std::string_view domain) {
  // The common case, segments of atext separated by ':', reads naturally with dots instead. Such
  // a result never contains '=', the escape below, so the two forms cannot collide.
  bool dotted = !key.empty() && key.front() != ':' && key.back() != ':' &&
                key.find("::") == std::string_view::npos;
  for (char c : key) dotted = dotted && (IsAtextNoEquals(c) || c == ':');
  std::string left;
  if (dotted) {
    left = std::string(key);
    std::replace(left.begin(), left.end(), ':', '.');
  } else {
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (char ch : key) {
      const auto c = static_cast<unsigned char>(ch);
      if (IsAtextNoEquals(ch)) {
        left.push_back(ch);
      } else {
        left.push_back('=');
        left.push_back(kHex[c >> 4]);
        left.push_back(kHex[c & 15]);
      }
    }
  }
  return "<" + left + "@" + std::string(domain) + ">";
}

std::string EncodeHeaderWord(std::string_view text) {
  // 78-character lines leave room for the longest header name in front of a short value.
  if (IsPrintableAscii(text) && text.size() <= 60) return std::string(text);
  // "=?UTF-8?B?" + base64 + "?=" ≤ 75 characters: at most 45 input bytes per word.
  constexpr size_t kMaxBytes = 45;
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    size_t end = std::min(text.size(), i + kMaxBytes);
    // Back up to a character boundary: never split a UTF-8 sequence across two words.
    while (end < text.size() && end > i && (static_cast<unsigned char>(text[end]) & 0xc0) == 0x80) {
      --end;
    }
    if (!out.empty()) out.append("\r\n ");
    out.append("=?UTF-8?B?").append(Base64(text.substr(i, end - i))).append("?=");
    i = end;
  }
  return out;
}

Result<std::string> RenderEmail(const Email& email, int64_t now_ms) {
  if (email.to.empty()) return Error::Invalid("an email needs at least one recipient");
  if (email.html_body.empty() && email.text_body.empty()) {
    return Error::Invalid("an email needs a text or HTML body");
  }
  if (email.message_id.empty()) return Error::Invalid("an email needs a message id");
  if (HasControl(email.subject) || !IsValidUtf8(email.subject)) {
    return Error::Invalid(
        "the subject contains a line break, a control character or invalid UTF-8");
  }
  if (!IsValidUtf8(email.html_body) || !IsValidUtf8(email.text_body)) {
    return Error::Invalid("an email body is not valid UTF-8");
  }
  FLOWD_ASSIGN_OR_RETURN(std::string from, FormatMailbox(email.from, "From"));
  std::string to;
  for (const Mailbox& box : email.to) {
    FLOWD_ASSIGN_OR_RETURN(std::string one, FormatMailbox(box, "To"));
    if (!to.empty()) to.append(",\r\n ");
    to.append(one);
  }
  const std::string domain = email.from.address.substr(email.from.address.rfind('@') + 1);

  std::string msg;
  msg.append("Date: ").append(RfcDate(now_ms)).append("\r\n");
  msg.append("From: ").append(from).append("\r\n");
  msg.append("To: ").append(to).append("\r\n");
  msg.append("Subject: ").append(EncodeHeaderWord(email.subject)).append("\r\n");
  msg.append("Message-ID: ").append(MessageIdFor(email.message_id, domain)).append("\r\n");
  for (const auto& [name, value] : email.headers) {
    if (!IsHeaderName(name)) return Error::Invalid("not a valid header name: " + name);
    if (IsForbiddenExtraHeader(name)) {
      return Error::Invalid("header " + name + " is set by flowd and cannot be given");
    }
    if (HasControl(value) || !IsValidUtf8(value)) {
      return Error::Invalid("the value of header " + name +
                            " contains a line break, a control character or invalid UTF-8");
    }
    // Printable ASCII goes as given (List-Unsubscribe and the like must stay parseable);
    // anything else as encoded words.
    std::string encoded = IsPrintableAscii(value) ? value : EncodeHeaderWord(value);
    if (name.size() + encoded.size() > 900) {
      return Error::Invalid("the value of header " + name + " is too long");
    }
    msg.append(name).append(": ").append(encoded).append("\r\n");
  }
  msg.append("MIME-Version: 1.0\r\n");
  if (!email.html_body.empty() && !email.text_body.empty()) {
    // Derived from the message id, so a retry renders the same message; base64 bodies never
    // contain "=_", so the boundary cannot occur inside a part.
    const std::string boundary = "=_flowd_" + Sha256Hex(email.message_id).substr(0, 32);
    msg.append("Content-Type: multipart/alternative;\r\n boundary=\"")
        .append(boundary)
        .append("\"\r\n");
    msg.append("\r\n");
    msg.append("--").append(boundary).append("\r\n");
    msg.append(Part("text/plain", email.text_body));
    msg.append("--").append(boundary).append("\r\n");
    msg.append(Part("text/html", email.html_body));
    msg.append("--").append(boundary).append("--\r\n");
  } else if (!email.text_body.empty()) {
    msg.append(Part("text/plain", email.text_body));
  } else {
    msg.append(Part("text/html", email.html_body));
  }
  return msg;
}

namespace {

struct Upload {
  std::string_view data;
  size_t offset = 0;
};

size_t OnRead(char* buffer, size_t size, size_t n, void* user) {
  auto* up = static_cast<Upload*>(user);
  const size_t len = std::min(size * n, up->data.size() - up->offset);
  std::memcpy(buffer, up->data.data() + up->offset, len);
  up->offset += len;
  return len;
}

class SmtpMailer final : public Mailer {
 public:
  SmtpMailer(SmtpOptions options, const Clock& clock)
      : options_(std::move(options)), clock_(clock) {
    static std::once_flag once;
    std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
  }

  SendResult Send(const Email& email) override {
    auto message = RenderEmail(email, clock_.NowMs());
    if (!message.ok()) return {SendResult::Kind::kPermanent, 0, message.error().message};
    CURL* curl = curl_easy_init();
    if (curl == nullptr) return {SendResult::Kind::kTransient, 0, "curl_easy_init failed"};

    curl_slist* rcpt = nullptr;
    for (const Mailbox& box : email.to) {
      rcpt = curl_slist_append(rcpt, ("<" + box.address + ">").c_str());
    }
    const std::string from = "<" + email.from.address + ">";
    // libcurl takes the EHLO name from the URL's path.
    const std::string url = options_.url + "/" + options_.helo_name;
    Upload upload{*message, 0};
    char error[CURL_ERROR_SIZE] = {};

    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(curl, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS,
                     static_cast<long>(options_.connect_timeout_ms));
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.total_timeout_ms));
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from.c_str());
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, rcpt);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, OnRead);
    curl_easy_setopt(curl, CURLOPT_READDATA, &upload);
    curl_easy_setopt(curl, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(message->size()));
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);

    const CURLcode code = curl_easy_perform(curl);
    long smtp_code = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &smtp_code);
    curl_easy_cleanup(curl);
    curl_slist_free_all(rcpt);

    SendResult result;
    result.smtp_code = static_cast<int>(smtp_code);
    if (code == CURLE_OK) {
      result.kind = SendResult::Kind::kSent;
      result.detail = "accepted";
      return result;
    }
    result.detail = error[0] != '\0' ? error : curl_easy_strerror(code);
    if (smtp_code >= 500 && smtp_code <= 599) {
      result.kind = SendResult::Kind::kPermanent;
    } else if (smtp_code >= 400 && smtp_code <= 499) {
      result.kind = SendResult::Kind::kTransient;
    } else if (code == CURLE_URL_MALFORMAT || code == CURLE_UNSUPPORTED_PROTOCOL) {
      result.kind = SendResult::Kind::kPermanent;  // a configuration error: retrying cannot help
    } else {
      result.kind = SendResult::Kind::kTransient;  // refused, unreachable, timed out, cut off
    }
    return result;
  }

 private:
  SmtpOptions options_;
  const Clock& clock_;
};

}  // namespace

std::unique_ptr<Mailer> NewSmtpMailer(SmtpOptions options, const Clock& clock) {
  return std::make_unique<SmtpMailer>(std::move(options), clock);
}

}  // namespace flowd::engine
