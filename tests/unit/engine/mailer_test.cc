#include "engine/mailer.h"

#include <gtest/gtest.h>
#include <openssl/evp.h>

#include <set>

#include "smtp_sink.h"

namespace flowd::engine {
namespace {

using testing::SmtpScript;
using testing::SmtpSink;

constexpr int64_t kNow = 1'764'670'000'000;  // Tue, 02 Dec 2025 10:06:40 GMT

std::string DecodeBase64(std::string_view in) {
  std::string clean;
  for (char c : in) {
    if (c != '\r' && c != '\n' && c != ' ') clean.push_back(c);
  }
  std::string out(clean.size() / 4 * 3 + 3, '\0');
  int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(clean.data()),
                          static_cast<int>(clean.size()));
  if (n < 0) return "<invalid base64>";
  size_t len = static_cast<size_t>(n);
  if (clean.ends_with("==")) {
    len -= 2;
  } else if (clean.ends_with("=")) {
    len -= 1;
  }
  out.resize(len);
  return out;
}

// The header block of a rendered message, unfolded, as name → value lines.
std::vector<std::string> HeaderLines(const std::string& msg) {
  std::string head = msg.substr(0, msg.find("\r\n\r\n"));
  std::vector<std::string> lines;
  size_t pos = 0;
  while (pos <= head.size()) {
    size_t eol = head.find("\r\n", pos);
    if (eol == std::string::npos) eol = head.size();
    std::string line = head.substr(pos, eol - pos);
    if (!line.empty() && (line[0] == ' ' || line[0] == '\t') && !lines.empty()) {
      lines.back() += line;
    } else {
      lines.push_back(line);
    }
    pos = eol + 2;
  }
  return lines;
}

std::string HeaderValue(const std::string& msg, std::string_view name) {
  for (const std::string& line : HeaderLines(msg)) {
    if (line.size() > name.size() && line.compare(0, name.size(), name) == 0 &&
        line[name.size()] == ':') {
      return line.substr(name.size() + 2);
    }
  }
  return "<absent>";
}

Email Sample() {
  Email e;
  e.from = {"noreply@flowd.example", "Flowd Bot"};
  e.to = {{"ada@example.com", ""}, {"bob@example.org", "Bob \"B\" Jones"}};
  e.subject = "Welcome to the webinar";
  e.text_body = "Hello Ada,\r\n.\r\nsee you there";
  e.html_body = "<p>Hello <b>Ada</b></p>";
  e.message_id = "901:11:0";
  return e;
}

TEST(RenderEmail, WritesAProperRfc5322Message) {
  auto msg = RenderEmail(Sample(), kNow);
  ASSERT_TRUE(msg.ok()) << msg.error().message;
  EXPECT_EQ(HeaderValue(*msg, "Date"), "Tue, 02 Dec 2025 10:06:40 +0000");
  EXPECT_EQ(HeaderValue(*msg, "From"), "\"Flowd Bot\" <noreply@flowd.example>");
  EXPECT_EQ(HeaderValue(*msg, "To"), "ada@example.com, \"Bob \\\"B\\\" Jones\" <bob@example.org>");
  EXPECT_EQ(HeaderValue(*msg, "Subject"), "Welcome to the webinar");
  EXPECT_EQ(HeaderValue(*msg, "Message-ID"), "<901.11.0@flowd.example>");
  EXPECT_EQ(HeaderValue(*msg, "MIME-Version"), "1.0");
  const std::string type = HeaderValue(*msg, "Content-Type");
  ASSERT_TRUE(type.starts_with("multipart/alternative; boundary=\"")) << type;
  const std::string boundary =
      type.substr(type.find('"') + 1, type.rfind('"') - type.find('"') - 1);

  // Two parts, text first, each base64 UTF-8 that decodes to the body given.
  const std::string body = msg->substr(msg->find("\r\n\r\n") + 4);
  const std::string delim = "--" + boundary + "\r\n";
  const size_t p1 = body.find(delim);
  const size_t p2 = body.find(delim, p1 + 1);
  const size_t close = body.find("--" + boundary + "--\r\n");
  ASSERT_NE(p1, std::string::npos);
  ASSERT_NE(p2, std::string::npos);
  ASSERT_NE(close, std::string::npos);
  const std::string part1 = body.substr(p1 + delim.size(), p2 - p1 - delim.size());
  const std::string part2 = body.substr(p2 + delim.size(), close - p2 - delim.size());
  EXPECT_TRUE(part1.starts_with("Content-Type: text/plain; charset=UTF-8\r\n"));
  EXPECT_TRUE(part2.starts_with("Content-Type: text/html; charset=UTF-8\r\n"));
  EXPECT_EQ(DecodeBase64(part1.substr(part1.find("\r\n\r\n") + 4)), Sample().text_body);
  EXPECT_EQ(DecodeBase64(part2.substr(part2.find("\r\n\r\n") + 4)), Sample().html_body);
  // Every line within the RFC 5322 limit, every line end CRLF.
  size_t pos = 0;
  while (pos < msg->size()) {
    size_t eol = msg->find("\r\n", pos);
    ASSERT_NE(eol, std::string::npos);
    EXPECT_LE(eol - pos, 78u);
    EXPECT_EQ(msg->substr(pos, eol - pos).find('\n'), std::string::npos);
    pos = eol + 2;
  }
}

TEST(RenderEmail, OneBodyIsASinglePart) {
  Email e = Sample();
  e.html_body.clear();
  auto msg = RenderEmail(e, kNow);
  ASSERT_TRUE(msg.ok());
  EXPECT_EQ(HeaderValue(*msg, "Content-Type"), "text/plain; charset=UTF-8");
  EXPECT_EQ(HeaderValue(*msg, "Content-Transfer-Encoding"), "base64");
}

TEST(RenderEmail, NonAsciiSubjectsAndNamesAreRfc2047Encoded) {
  Email e = Sample();
  e.subject = "Grüße aus Köln — 🎉 Einladung zum Webinar über Automatisierung und Workflows";
  e.from.display_name = "Zoë";
  auto msg = RenderEmail(e, kNow);
  ASSERT_TRUE(msg.ok());
  const std::string raw_subject = msg->substr(msg->find("Subject: "));
  std::string subject = raw_subject.substr(9, raw_subject.find("\r\nMessage-ID") - 9);
  std::string decoded;
  size_t words = 0;
  for (size_t pos = 0; (pos = subject.find("=?UTF-8?B?", pos)) != std::string::npos;) {
    size_t end = subject.find("?=", pos + 10);
    ASSERT_NE(end, std::string::npos);
    EXPECT_LE(end + 2 - pos, 75u) << "an encoded word is at most 75 characters";
    // Each word decodes to whole UTF-8 characters.
    std::string piece = DecodeBase64(subject.substr(pos + 10, end - pos - 10));
    EXPECT_NE(static_cast<unsigned char>(piece.back()) & 0xc0, 0x80u) << "split inside a character";
    decoded += piece;
    pos = end + 2;
    ++words;
  }
  EXPECT_GT(words, 1u);
  EXPECT_EQ(decoded, e.subject);
  EXPECT_EQ(HeaderValue(*msg, "From"), "=?UTF-8?B?Wm/Dqw==?= <noreply@flowd.example>");
}

TEST(RenderEmail, HeaderInjectionIsImpossible) {
  auto refused = [](const Email& e) { return !RenderEmail(e, kNow).ok(); };
  Email e = Sample();
  e.subject = "Hi\r\nBcc: victim@example.com";
  EXPECT_TRUE(refused(e));
  e.subject = "Hi\nBcc: victim@example.com";
  EXPECT_TRUE(refused(e));
  e = Sample();
  e.from.display_name = "Bot\r\nX-Evil: 1";
  EXPECT_TRUE(refused(e));
  e = Sample();
  e.to[0].address = "ada@example.com\r\nRCPT TO:<x@y.z>";
  EXPECT_TRUE(refused(e));
  e = Sample();
  e.headers = {{"X-Flow", "1\r\nBcc: v@x.y"}};
  EXPECT_TRUE(refused(e));
  e.headers = {{"Bcc", "v@x.y"}};
  EXPECT_TRUE(refused(e));
  e.headers = {{"Content-Type", "text/evil"}};
  EXPECT_TRUE(refused(e));
  e.headers = {{"X Bad", "1"}};
  EXPECT_TRUE(refused(e));
  e.headers = {{"List-Unsubscribe", "<mailto:unsub@flowd.example?subject=901>"},
               {"X-Note", "Café"}};
  auto ok = RenderEmail(e, kNow);
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(HeaderValue(*ok, "List-Unsubscribe"), "<mailto:unsub@flowd.example?subject=901>");
  EXPECT_EQ(HeaderValue(*ok, "X-Note"), "=?UTF-8?B?Q2Fmw6k=?=");
  e = Sample();
  e.subject = "\xff\xfe";
  EXPECT_TRUE(refused(e)) << "invalid UTF-8";
  e = Sample();
  e.to.clear();
  EXPECT_TRUE(refused(e));
  e = Sample();
  e.text_body.clear();
  e.html_body.clear();
  EXPECT_TRUE(refused(e));
}

TEST(IsValidAddress, AcceptsPlainAddressesOnly) {
  for (const char* ok : {"a@b.co", "first.last+tag@sub.example.com", "x@[127.0.0.1]", "a=b@c.d"}) {
    EXPECT_TRUE(IsValidAddress(ok)) << ok;
  }
  for (const char* bad : {"", "plain", "@b.c", "a@", "a b@c.d", "<a@b.c>", "a@b..c", ".a@b.c",
                          "a@b.c,d@e.f", "a\"b@c.d", "ü@b.c", "a@b.c\r\n"}) {
    EXPECT_FALSE(IsValidAddress(bad)) << bad;
  }
}

TEST(MessageIdFor, IsADotAtomAndDistinctKeysNeverCollide) {
  EXPECT_EQ(MessageIdFor("901:11:0", "d.example"), "<901.11.0@d.example>");
  EXPECT_EQ(MessageIdFor("a.b", "d"), "<a=2Eb@d>");
  EXPECT_EQ(MessageIdFor("a=2Eb", "d"), "<a=3D2Eb@d>");
  EXPECT_EQ(MessageIdFor("x::y", "d"), "<x=3A=3Ay@d>");
  std::set<std::string> ids;
  for (const char* k : {"1:2:3", "1.2.3", "1=2E2=2E3", "1:2.3", ":1:2", "1 2 3"}) {
    ids.insert(MessageIdFor(k, "d"));
  }
  EXPECT_EQ(ids.size(), 6u);
}

TEST(SmtpMailer, DeliversToTheSinkWithTheMessageIdAsKey) {
  SmtpSink sink;
  FakeClock clock(kNow);
  auto mailer = NewSmtpMailer({.url = sink.Url()}, clock);
  SendResult r = mailer->Send(Sample());
  EXPECT_EQ(r.kind, SendResult::Kind::kSent) << r.detail;
  EXPECT_EQ(r.smtp_code, 250);
  auto msgs = sink.Messages();
  ASSERT_EQ(msgs.size(), 1u);
  EXPECT_EQ(msgs[0].helo, "flowd");
  EXPECT_EQ(msgs[0].mail_from, "<noreply@flowd.example>");
  EXPECT_EQ(msgs[0].rcpt_to, (std::vector<std::string>{"<ada@example.com>", "<bob@example.org>"}));
  EXPECT_EQ(msgs[0].data, *RenderEmail(Sample(), kNow)) << "sent byte for byte as rendered";
  EXPECT_EQ(HeaderValue(msgs[0].data, "Message-ID"), "<901.11.0@flowd.example>");
}

TEST(SmtpMailer, Smtp4xxIsTransientAnd5xxPermanent) {
  SmtpSink sink;
  sink.Enqueue({.data_end = 451});
  sink.Enqueue({.rcpt = 550});
  sink.Enqueue({.data_end = 554});
  sink.Enqueue({.mail = 421});
  FakeClock clock(kNow);
  auto mailer = NewSmtpMailer({.url = sink.Url()}, clock);

  SendResult r = mailer->Send(Sample());
  EXPECT_EQ(r.kind, SendResult::Kind::kTransient) << r.detail;
  EXPECT_EQ(r.smtp_code, 451);
  r = mailer->Send(Sample());
  EXPECT_EQ(r.kind, SendResult::Kind::kPermanent) << r.detail;
  EXPECT_EQ(r.smtp_code, 550);
  r = mailer->Send(Sample());
  EXPECT_EQ(r.kind, SendResult::Kind::kPermanent) << r.detail;
  EXPECT_EQ(r.smtp_code, 554);
  r = mailer->Send(Sample());
  EXPECT_EQ(r.kind, SendResult::Kind::kTransient) << r.detail;
  EXPECT_EQ(r.smtp_code, 421);
  r = mailer->Send(Sample());
  EXPECT_EQ(r.kind, SendResult::Kind::kSent) << r.detail;
}

TEST(SmtpMailer, ARefusedConnectionIsTransient) {
  std::string url;
  {
    SmtpSink gone;
    url = gone.Url();
  }
  FakeClock clock(kNow);
  SendResult r = NewSmtpMailer({.url = url}, clock)->Send(Sample());
  EXPECT_EQ(r.kind, SendResult::Kind::kTransient) << r.detail;
  EXPECT_EQ(r.smtp_code, 0);
}

TEST(SmtpMailer, AnInvalidEmailIsPermanentAndNeverReachesTheServer) {
  SmtpSink sink;
  FakeClock clock(kNow);
  Email e = Sample();
  e.to[1].address = "not an address";
  SendResult r = NewSmtpMailer({.url = sink.Url()}, clock)->Send(e);
  EXPECT_EQ(r.kind, SendResult::Kind::kPermanent);
  EXPECT_TRUE(sink.Commands().empty());
}

}  // namespace
}  // namespace flowd::engine
