// Action graph checks. Actions form a directed graph through `connection`, `defaultBranch` and the
// branches' connections; STANDARD edges must not form a cycle (a GOTO edge may jump back, that
// is how loops are built in HubSpot's editor).
#include <boost/json/array.hpp>
#include <map>
#include <string>
#include <vector>

#include "model/flow_checks.h"

namespace flowd::model::internal {
namespace json = boost::json;
using schema::Context;

namespace {

struct Edge {
  size_t from;  // index into actions
  std::string target;
  bool standard;
  std::string path;  // of the connection object
};

const json::object* AsObject(const json::value* v) {
  return v && v->is_object() ? &v->get_object() : nullptr;
}

std::string StringField(const json::object& o, std::string_view key) {
  auto it = o.find(key);
  return it != o.end() && it->value().is_string() ? std::string(it->value().get_string()) : "";
}

void AddEdge(const json::value* conn, size_t from, std::string path, std::vector<Edge>& edges) {
  const json::object* c = AsObject(conn);
  if (!c) return;
  const json::value* t = c->if_contains("nextActionId");
  if (!t || !t->is_string()) return;  // the walker reported it
  std::string target(t->get_string());
  edges.push_back(
      Edge{from, std::move(target), StringField(*c, "edgeType") == "STANDARD", std::move(path)});
}

void CollectBranchEdges(const json::object& action, std::string_view key, size_t index,
                        const std::string& base, std::vector<Edge>& edges, size_t* count) {
  auto it = action.find(key);
  if (it == action.end() || !it->value().is_array()) return;
  const json::array& branches = it->value().get_array();
  *count = branches.size();
  for (size_t b = 0; b < branches.size(); ++b) {
    const json::object* br = AsObject(&branches[b]);
    if (!br) continue;
    AddEdge(br->if_contains("connection"), index,
            base + "." + std::string(key) + "[" + std::to_string(b) + "].connection", edges);
  }
}

std::string CountMessage(std::string_view what, size_t n, size_t limit) {
  return "Too many " + std::string(what) + ": " + std::to_string(n) + " (limit " +
         std::to_string(limit) + ")";
}

}  // namespace

bool IsActionId(std::string_view s) {
  if (s.empty() || s.size() > 9 || s[0] == '0') return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

int64_t CheckActionGraph(const json::object& content, const json::array* raw_actions,
                         Context& ctx) {
  const json::value* actions_v = content.if_contains("actions");
  if (!actions_v || !actions_v->is_array()) return 0;
  const json::array& actions = actions_v->get_array();
  const FlowLimits& lim = ctx.limits();

  std::map<std::string, size_t> index_of;
  std::vector<Edge> edges;
  int64_t max_id = 0;
  // An action that failed to decode has no id in `content`; its id as sent still counts as a
  // target, so only edges to ids that exist nowhere are reported.
  std::map<std::string, size_t> raw_ids;
  if (raw_actions) {
    for (size_t i = 0; i < raw_actions->size(); ++i) {
      const json::object* a = AsObject(&(*raw_actions)[i]);
      const json::value* id_v = a ? a->if_contains("actionId") : nullptr;
      if (id_v && id_v->is_string()) raw_ids.emplace(std::string(id_v->get_string()), i);
    }
  }
  bool all_decoded = true;
  for (size_t i = 0; i < actions.size(); ++i) {
    const json::object* a = AsObject(&actions[i]);
    if (!a) {
      all_decoded = false;
      continue;
    }
    std::string base = "actions[" + std::to_string(i) + "]";
    const json::value* id_v = a->if_contains("actionId");
    if (id_v && id_v->is_string()) {
      std::string id(id_v->get_string());
      if (!IsActionId(id)) {
        ctx.Add(base + ".actionId",
                "actionId must be a positive decimal number of at most 9 digits, got \"" +
                    id.substr(0, 32) + "\"",
                schema::kCodeValue);
      } else {
        max_id = std::max<int64_t>(max_id, std::stoll(id));
        auto [it, inserted] = index_of.emplace(id, i);
        if (!inserted) {
          ctx.Add(base + ".actionId",
                  "Duplicate actionId \"" + id + "\" (also used by actions[" +
                      std::to_string(it->second) + "])",
                  schema::kCodeDuplicate);
        }
      }
    }
    AddEdge(a->if_contains("connection"), i, base + ".connection", edges);
    AddEdge(a->if_contains("defaultBranch"), i, base + ".defaultBranch", edges);
    size_t n_static = 0, n_list = 0, n_test = 0;
    CollectBranchEdges(*a, "staticBranches", i, base, edges, &n_static);
    CollectBranchEdges(*a, "listBranches", i, base, edges, &n_list);
    CollectBranchEdges(*a, "testBranches", i, base, edges, &n_test);
    if (n_static > lim.max_static_branches) {
      ctx.Add(base + ".staticBranches",
              CountMessage("static branches", n_static, lim.max_static_branches),
              schema::kCodeLimit);
    }
    if (n_list > lim.max_list_branches) {
      ctx.Add(base + ".listBranches", CountMessage("list branches", n_list, lim.max_list_branches),
              schema::kCodeLimit);
    }
    // AB test: when every branch states its percentage, they must add up to 100.
    if (const json::value* tb = a->if_contains("testBranches"); tb && tb->is_array() && n_test) {
      int64_t sum = 0;
      bool all = true;
      for (const json::value& b : tb->get_array()) {
        const json::object* bo = AsObject(&b);
        const json::value* p = bo ? bo->if_contains("percentage") : nullptr;
        if (!p || !p->is_int64()) {
          all = false;
          break;
        }
        sum += p->get_int64();
      }
      if (all && sum != 100) {
        ctx.Add(
            base + ".testBranches",
            "AB test branch percentages must add up to 100, they add up to " + std::to_string(sum),
            schema::kCodeValue);
      }
    }
  }

  // startActionId
  const json::value* start_v = content.if_contains("startActionId");
  auto known = [&](const std::string& id) {
    return index_of.count(id) > 0 || (!all_decoded && raw_ids.count(id) > 0);
  };
  if (start_v && start_v->is_string()) {
    std::string start(start_v->get_string());
    if (!known(start)) {
      ctx.Add(
          "startActionId",
          "startActionId \"" + start.substr(0, 32) + "\" does not refer to an action of this flow",
          schema::kCodeReference);
    }
  } else if (!start_v && !actions.empty()) {
    ctx.Add("startActionId", "Some required fields were not set: [startActionId]",
            schema::kCodeRequired);
  }

  // Every edge target exists; adjacency of STANDARD edges for the cycle check.
  std::vector<std::vector<std::pair<size_t, size_t>>> adj(actions.size());  // (to, edge index)
  for (size_t e = 0; e < edges.size(); ++e) {
    auto it = index_of.find(edges[e].target);
    if (it == index_of.end()) {
      if (known(edges[e].target)) continue;  // an action that failed to decode
      ctx.Add(edges[e].path + ".nextActionId",
              "nextActionId \"" + edges[e].target.substr(0, 32) +
                  "\" does not refer to an action of this flow",
              schema::kCodeReference);
    } else if (edges[e].standard) {
      adj[edges[e].from].push_back({it->second, e});
    }
  }

  // Iterative DFS; an edge to a node on the stack closes a cycle.
  enum Color : unsigned char { kWhite, kGrey, kBlack };
  std::vector<Color> color(actions.size(), kWhite);
  for (size_t root = 0; root < actions.size(); ++root) {
    if (color[root] != kWhite) continue;
    std::vector<std::pair<size_t, size_t>> stack{{root, 0}};  // (node, next adj position)
    color[root] = kGrey;
    while (!stack.empty()) {
      auto& [node, pos] = stack.back();
      if (pos == adj[node].size()) {
        color[node] = kBlack;
        stack.pop_back();
        continue;
      }
      auto [to, edge] = adj[node][pos++];
      if (color[to] == kGrey) {
        ctx.Add(edges[edge].path + ".nextActionId",
                "STANDARD edges form a cycle through action \"" + edges[edge].target +
                    "\"; use a GOTO edge to jump back",
                schema::kCodeCycle);
      } else if (color[to] == kWhite) {
        color[to] = kGrey;
        stack.push_back({to, 0});
      }
    }
  }
  return max_id;
}

}  // namespace flowd::model::internal
