// Test support: an SMTP server on 127.0.0.1 that speaks enough of RFC 5321 (EHLO/HELO, MAIL,
// RCPT, DATA, RSET, NOOP, QUIT) to record messages, and answers MAIL, RCPT or the end of DATA
// with scripted codes (451, 550, …) on demand. One session at a time.
#pragma once

#include <deque>
#include <string>
#include <vector>

#include "loopback_socket.h"

namespace flowd::testing {

struct SmtpMessage {
  std::string helo;
  std::string mail_from;             // as given: "<a@example.com>"
  std::vector<std::string> rcpt_to;  // as given: "<b@example.com>"
  std::string data;                  // the message, dot-unstuffed, CRLF line ends
  int reply = 250;                   // what the sink answered after DATA
};

// The replies for one session; the defaults accept everything.
struct SmtpScript {
  int mail = 250;
  int rcpt = 250;
  int data_end = 250;
};

class SmtpSink final : public LoopbackListener {
 public:
  SmtpSink() {
    Start([this](Connection& conn) { Serve(conn); });
  }
  ~SmtpSink() override { Stop(); }

  // "smtp://127.0.0.1:<port>".
  std::string Url() const { return "smtp://127.0.0.1:" + std::to_string(port()); }

  // Scripts for the next sessions, in order; unscripted sessions accept everything.
  void Enqueue(SmtpScript script) {
    std::lock_guard<std::mutex> lock(mu_);
    scripts_.push_back(script);
  }

  // Every message that reached the end of DATA (accepted or not).
  std::vector<SmtpMessage> Messages() {
    std::lock_guard<std::mutex> lock(mu_);
    return messages_;
  }

  // Commands seen, in order, across sessions ("EHLO flowd", "MAIL FROM:<…>", …).
  std::vector<std::string> Commands() {
    std::lock_guard<std::mutex> lock(mu_);
    return commands_;
  }

 private:
  static std::string Reply(int code) {
    return std::to_string(code) + (code < 400 ? " OK\r\n" : " scripted failure\r\n");
  }

  void Serve(Connection& conn) {
    SmtpScript script;
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!scripts_.empty()) {
        script = scripts_.front();
        scripts_.pop_front();
      }
    }
    if (!conn.Write("220 127.0.0.1 flowd test sink\r\n")) return;
    SmtpMessage msg;
    std::string buf;
    for (;;) {
      auto eol = conn.ReadUntil(buf, "\r\n");
      if (!eol) return;
      std::string line = buf.substr(0, *eol);
      buf.erase(0, *eol + 2);
      {
        std::lock_guard<std::mutex> lock(mu_);
        commands_.push_back(line);
      }
      std::string verb = line.substr(0, 4);
      for (char& c : verb) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      if (verb == "EHLO" || verb == "HELO") {
        msg.helo = line.size() > 5 ? line.substr(5) : "";
        conn.Write(verb == "EHLO" ? "250-127.0.0.1\r\n250 8BITMIME\r\n" : "250 127.0.0.1\r\n");
      } else if (verb == "MAIL") {
        msg.mail_from = line.substr(line.find(':') + 1);
        conn.Write(Reply(script.mail));
      } else if (verb == "RCPT") {
        msg.rcpt_to.push_back(line.substr(line.find(':') + 1));
        conn.Write(Reply(script.rcpt));
      } else if (verb == "DATA") {
        conn.Write("354 end with <CRLF>.<CRLF>\r\n");
        // The terminator may follow the CRLF that ended the DATA line, already consumed.
        buf.insert(0, "\r\n");
        auto end = conn.ReadUntil(buf, "\r\n.\r\n");
        if (!end) return;
        std::string raw = buf.substr(2, *end);  // through the last CRLF before "."
        buf.erase(0, *end + 5);
        std::string data;
        size_t pos = 0;
        while (pos < raw.size()) {
          size_t next = raw.find("\r\n", pos);
          next = next == std::string::npos ? raw.size() : next + 2;
          std::string_view l(raw.data() + pos, next - pos);
          if (l.starts_with("..")) l.remove_prefix(1);
          data.append(l);
          pos = next;
        }
        msg.data = std::move(data);
        msg.reply = script.data_end;
        {
          std::lock_guard<std::mutex> lock(mu_);
          messages_.push_back(msg);
        }
        msg.rcpt_to.clear();
        conn.Write(Reply(script.data_end));
      } else if (verb == "RSET" || verb == "NOOP") {
        conn.Write("250 OK\r\n");
      } else if (verb == "QUIT") {
        conn.Write("221 bye\r\n");
        return;
      } else {
        conn.Write("502 not implemented\r\n");
      }
    }
  }

  std::deque<SmtpScript> scripts_;
  std::vector<SmtpMessage> messages_;
  std::vector<std::string> commands_;
};

}  // namespace flowd::testing
