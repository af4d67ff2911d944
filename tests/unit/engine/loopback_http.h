// Test support: an HTTP/1.1 receiver on 127.0.0.1 that records every request and answers from a
// script (status, headers, body, an optional pause before answering). One request per
// connection (it answers with Connection: close). For webhook tests and later scenario tests.
#pragma once

#include <cstdint>
#include <deque>
#include <string>
#include <utility>
#include <vector>

#include "loopback_socket.h"

namespace flowd::testing {

struct RecordedRequest {
  std::string method;
  std::string target;  // path and query as on the request line
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  // The first value of header `name` (ASCII case-insensitive), or nullopt.
  std::optional<std::string> Header(std::string_view name) const {
    for (const auto& [n, v] : headers) {
      if (n.size() == name.size() &&
          std::equal(n.begin(), n.end(), name.begin(), [](char a, char b) {
            return std::tolower(static_cast<unsigned char>(a)) ==
                   std::tolower(static_cast<unsigned char>(b));
          })) {
        return v;
      }
    }
    return std::nullopt;
  }
};

struct ScriptedResponse {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body = "{}";
  // Wait this long after reading the request before answering (a slow or hung receiver).
  int64_t pause_ms = 0;
};

class LoopbackHttpServer final : public LoopbackListener {
 public:
  LoopbackHttpServer() {
    Start([this](Connection& conn) { Serve(conn); });
  }
  ~LoopbackHttpServer() override { Stop(); }

  // "http://127.0.0.1:<port><path>".
  std::string Url(std::string_view path = "/") const {
    return "http://127.0.0.1:" + std::to_string(port()) + std::string(path);
  }

  // Answers are taken in order; when the script is empty the answer is 200 "{}".
  void Enqueue(ScriptedResponse response) {
    std::lock_guard<std::mutex> lock(mu_);
    script_.push_back(std::move(response));
  }

  std::vector<RecordedRequest> Requests() {
    std::lock_guard<std::mutex> lock(mu_);
    return requests_;
  }

 private:
  void Serve(Connection& conn) {
    std::string buf;
    auto end = conn.ReadUntil(buf, "\r\n\r\n");
    if (!end) return;
    RecordedRequest req;
    std::string_view head(buf.data(), *end);
    size_t line_end = head.find("\r\n");
    std::string_view request_line = head.substr(0, line_end);
    size_t sp1 = request_line.find(' ');
    size_t sp2 = request_line.rfind(' ');
    if (sp1 == std::string_view::npos || sp2 <= sp1) return;
    req.method = std::string(request_line.substr(0, sp1));
    req.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
    size_t content_length = 0;
    while (line_end != std::string_view::npos && line_end < head.size()) {
      size_t start = line_end + 2;
      line_end = head.find("\r\n", start);
      std::string_view line = head.substr(
          start, line_end == std::string_view::npos ? std::string_view::npos : line_end - start);
      size_t colon = line.find(':');
      if (colon == std::string_view::npos) continue;
      std::string name(line.substr(0, colon));
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && value.front() == ' ') value.remove_prefix(1);
      req.headers.emplace_back(name, std::string(value));
    }
    if (auto cl = req.Header("Content-Length")) content_length = std::stoul(*cl);
    std::string rest = buf.substr(*end + 4);
    while (rest.size() < content_length) {
      if (!conn.ReadSome(rest)) return;
    }
    req.body = rest.substr(0, content_length);

    ScriptedResponse answer;
    {
      std::lock_guard<std::mutex> lock(mu_);
      requests_.push_back(std::move(req));
      if (!script_.empty()) {
        answer = std::move(script_.front());
        script_.pop_front();
      }
    }
    if (answer.pause_ms > 0) Pause(answer.pause_ms);
    std::string out = "HTTP/1.1 " + std::to_string(answer.status) + " Scripted\r\n";
    out += "Content-Length: " + std::to_string(answer.body.size()) + "\r\n";
    out += "Connection: close\r\n";
    for (const auto& [n, v] : answer.headers) out += n + ": " + v + "\r\n";
    out += "\r\n" + answer.body;
    conn.Write(out);
  }

  std::deque<ScriptedResponse> script_;
  std::vector<RecordedRequest> requests_;
};

}  // namespace flowd::testing
