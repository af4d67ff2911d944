#include "crm/list_processor.h"

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <chrono>

#include "common/log.h"
#include "crm/list_context.h"

namespace flowd::crm {
namespace {

constexpr size_t kChunk = 500;

bool ReadsAnyChange(const filter::FilterDependencies& d) {
  return d.properties.count("lastmodifieddate") || d.properties.count("hs_lastmodifieddate");
}

// Whether event `e` on a record can change what `d` reads of that record.
bool Relevant(const filter::FilterDependencies& d, const store::CrmEvent& e) {
  if (e.event_type_id == store::kEventObjectCreated) return true;
  if (d.event_type_ids.count(e.event_type_id)) return true;
  if (e.event_type_id == store::kEventPropertyChanged) {
    auto name = e.properties.find("hs_name");
    return ReadsAnyChange(d) || (name != e.properties.end() && d.properties.count(name->second));
  }
  if (e.event_type_id == store::kEventAssociationChanged) {
    auto to = e.properties.find(std::string(store::kToObjectTypeProperty));
    for (const auto& a : d.associations) {
      const bool to_type = to != e.properties.end() && a.object_type_id == to->second;
      if (a.object_type_id.empty() || to_type) return true;
    }
  }
  return false;
}

void Warn(std::string_view what, int64_t list_id, const Error& e) {
  boost::json::object fields{{"listId", list_id}, {"error", e.message}};
  log::Write(log::Level::kWarn, what, fields);
}

}  // namespace

ListProcessor::ListProcessor(store::ListStore& lists, store::ObjectStore& objects,
                             store::AssociationStore* associations, PropertyCatalog& properties,
                             const Clock& clock, ListProcessorOptions options)
    : lists_(lists),
      objects_(objects),
      associations_(associations),
      properties_(properties),
      clock_(clock),
      options_(options) {}

void ListProcessor::ListsChanged(int64_t) {
  if (wake_) wake_();
}

void ListProcessor::MembersChanged(int64_t account_id, int64_t list_id,
                                   const std::vector<int64_t>& object_ids) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending_.emplace_back(account_id, list_id, object_ids);
  }
  if (wake_) wake_();
}

Result<std::shared_ptr<const ListProcessor::Compiled>> ListProcessor::Compile(
    const store::ListRecord& list) {
  if (!list.filter_json) return std::shared_ptr<const Compiled>();
  const int64_t now = clock_.NowMs();
  auto it = compiled_.find(list.id);
  if (it != compiled_.end() && it->second->list.list_version == list.list_version &&
      now - it->second->compiled_at_ms < options_.compile_ttl_ms) {
    if (!it->second->filter) return std::shared_ptr<const Compiled>();  // known not to compile
    auto c = std::make_shared<Compiled>(*it->second);
    c->list = list;  // size, backfill state … as read now
    return std::shared_ptr<const Compiled>(std::move(c));
  }
  auto c = std::make_shared<Compiled>();
  c->compiled_at_ms = now;
  c->list = list;
  boost::system::error_code ec;
  boost::json::value branch = boost::json::parse(*list.filter_json, ec);
  if (ec) {
    Warn("list filter is not valid JSON; list skipped", list.id, Error::Invalid(ec.message()));
    compiled_[list.id] = c;  // remembered (without a filter) until the TTL, not logged each pass
    return std::shared_ptr<const Compiled>();
  }
  const int64_t account = list.account_id;
  filter::PropertyLookup lookup = [&](const std::string& t) {
    return properties_.PropertiesOf(account, t);
  };
  auto compiled = filter::CompileFilterBranch(branch, list.object_type_id, lookup);
  if (!compiled.ok()) {
    if (compiled.error().code != ErrorCode::kInvalidArgument) return std::move(compiled).error();
    // A property it names was archived or changed type since: keep the members as they are.
    Warn("list filter no longer compiles; list skipped", list.id, compiled.error());
    compiled_[list.id] = c;
    return std::shared_ptr<const Compiled>();
  }
  c->filter = std::make_shared<const filter::CompiledFilter>(std::move(compiled).value());
  c->deps = filter::DependenciesOf(*c->filter);
  compiled_[list.id] = c;
  return std::shared_ptr<const Compiled>(std::move(c));
}

Result<std::vector<std::shared_ptr<const ListProcessor::Compiled>>> ListProcessor::DynamicOf(
    int64_t account_id) {
  auto it = dynamic_.find(account_id);
  if (it == dynamic_.end()) return std::vector<std::shared_ptr<const Compiled>>{};
  return it->second;
}

Status ListProcessor::Dependents(int64_t account_id, int64_t list_id, const std::string& list_type,
                                 const std::vector<int64_t>& changed, Work& next) {
  const std::string key = std::to_string(list_id);
  FLOWD_ASSIGN_OR_RETURN(auto lists, DynamicOf(account_id));
  for (const auto& c : lists) {
    if (c->list.id == list_id) continue;
    if (c->deps.list_ids.count(key) && c->list.object_type_id == list_type) {
      next[c->list.id].insert(changed.begin(), changed.end());
    }
    if (associations_ == nullptr) continue;
    for (const auto& a : c->deps.associations) {
      if (!a.reads.list_ids.count(key)) continue;
      for (int64_t id : changed) {
        FLOWD_ASSIGN_OR_RETURN(auto ids, AssociatedIds(*associations_, account_id, list_type, id,
                                                       c->list.object_type_id, "", 0));
        next[c->list.id].insert(ids.begin(), ids.end());
      }
    }
  }
  return Status::Ok();
}

Status ListProcessor::Evaluate(int64_t account_id, Work work) {
  FLOWD_ASSIGN_OR_RETURN(auto lists, DynamicOf(account_id));
  for (size_t depth = 0; depth <= options_.max_cascade_depth && !work.empty(); ++depth) {
    StoreFilterContext ctx(account_id, objects_, lists_, associations_, properties_, clock_,
                           ZoneOf(account_id));
    std::vector<store::ListStore::Evaluation> evals;
    std::vector<std::string> types;
    for (const auto& entry : work) {
      const int64_t list_id = entry.first;
      const std::set<int64_t>& ids = entry.second;
      auto it = std::find_if(lists.begin(), lists.end(),
                             [&](const auto& c) { return c->list.id == list_id; });
      if (it == lists.end() || !(*it)->filter) continue;  // not DYNAMIC (any more)
      const Compiled& c = **it;
      const std::string& type = c.list.object_type_id;
      store::ListStore::Evaluation e{list_id, c.list.list_version, {}, {}, false, std::nullopt};
      std::vector<int64_t> all(ids.begin(), ids.end());
      bool skip = false;
      for (size_t i = 0; i < all.size() && !skip; i += kChunk) {
        const auto from = static_cast<std::ptrdiff_t>(i);
        const auto to = static_cast<std::ptrdiff_t>(std::min(all.size(), i + kChunk));
        std::vector<int64_t> chunk(all.begin() + from, all.begin() + to);
        FLOWD_ASSIGN_OR_RETURN(auto records, objects_.GetObjects(account_id, type, chunk, false));
        ctx.Prefetch(type, records, chunk);
        FLOWD_ASSIGN_OR_RETURN(auto members, lists_.FilterMembers(account_id, list_id, chunk));
        std::set<int64_t> member(members.begin(), members.end());
        for (int64_t id : chunk) {
          auto r = filter::Evaluate(*c.filter, filter::RecordRef{type, id}, ctx);
          if (!r.ok()) {
            if (r.error().code != ErrorCode::kInvalidArgument &&
                r.error().code != ErrorCode::kNotImplemented) {
              return std::move(r).error();
            }
            Warn("list filter cannot be evaluated; list skipped", list_id, r.error());
            skip = true;
            break;
          }
          if (*r && !member.count(id)) e.add.push_back(id);
          if (!*r && member.count(id)) e.remove.push_back(id);
        }
      }
      if (skip || (e.add.empty() && e.remove.empty())) continue;
      evals.push_back(std::move(e));
      types.push_back(type);
    }
    if (evals.empty()) break;
    FLOWD_ASSIGN_OR_RETURN(auto results,
                           lists_.ApplyEvaluations(account_id, evals, clock_.NowMs()));
    Work next;
    for (size_t i = 0; i < results.size(); ++i) {
      std::vector<int64_t> changed = results[i].added;
      changed.insert(changed.end(), results[i].removed.begin(), results[i].removed.end());
      if (!changed.empty()) {
        FLOWD_TRY(Dependents(account_id, evals[i].list_id, types[i], changed, next));
      }
    }
    work = std::move(next);
  }
  return Status::Ok();
}

Status ListProcessor::ProcessEvents(bool* more) {
  FLOWD_ASSIGN_OR_RETURN(int64_t seq, lists_.ProcessedSeq());
  // Only what Relevant reads of an event's properties is decoded: which property or association
  // changed, in an account with dynamic lists (dynamic_ stays as it is during the pass).
  FLOWD_ASSIGN_OR_RETURN(
      auto events, objects_.ReadEvents(seq, options_.event_batch, [this](const store::CrmEvent& e) {
        return (e.event_type_id == store::kEventPropertyChanged ||
                e.event_type_id == store::kEventAssociationChanged) &&
               dynamic_.count(e.account_id) > 0;
      }));
  if (events.empty()) return Status::Ok();
  std::map<int64_t, Work> work;
  for (const store::CrmEvent& e : events) {
    // Membership changes (this processor's own among them) reach dependent lists through
    // Dependents, not through the log.
    if (e.event_type_id == store::kEventListMembership) continue;
    Work& w = work[e.account_id];
    if (e.event_type_id == store::kEventObjectArchived) {
      FLOWD_ASSIGN_OR_RETURN(auto left,
                             lists_.RemoveFromAllLists(e.account_id, e.object_id, clock_.NowMs()));
      for (int64_t list_id : left) {
        FLOWD_TRY(Dependents(e.account_id, list_id, e.object_type_id, {e.object_id}, w));
      }
      continue;
    }
    FLOWD_ASSIGN_OR_RETURN(auto lists, DynamicOf(e.account_id));
    for (const auto& c : lists) {
      if (c->list.object_type_id == e.object_type_id && Relevant(c->deps, e)) {
        w[c->list.id].insert(e.object_id);
      }
      if (associations_ == nullptr || e.event_type_id == store::kEventObjectCreated) continue;
      for (const auto& a : c->deps.associations) {
        if (a.object_type_id != e.object_type_id || !Relevant(a.reads, e)) continue;
        // Association type ids are directional: follow any association back to the list's type.
        FLOWD_ASSIGN_OR_RETURN(
            auto ids, AssociatedIds(*associations_, e.account_id, e.object_type_id, e.object_id,
                                    c->list.object_type_id, "", 0));
        w[c->list.id].insert(ids.begin(), ids.end());
      }
    }
  }
  for (auto& [account, w] : work) FLOWD_TRY(Evaluate(account, std::move(w)));
  FLOWD_TRY(lists_.SetProcessedSeq(events.back().seq));
  if (events.size() >= options_.event_batch) {
    *more = true;
  } else {
    // The membership changes just applied are in the log too (kEventListMembership): more to
    // read, though nothing for the processor itself, so that idle means "nothing unread".
    FLOWD_ASSIGN_OR_RETURN(auto unread, objects_.ReadEvents(events.back().seq, 1));
    if (!unread.empty()) *more = true;
  }
  return Status::Ok();
}

Status ListProcessor::ProcessBackfills(bool* more) {
  FLOWD_ASSIGN_OR_RETURN(auto backfilling, lists_.BackfillingLists());
  for (const store::ListRecord& l : backfilling) {
    const int64_t account = l.account_id;
    FLOWD_ASSIGN_OR_RETURN(auto c, Compile(l));
    store::ListStore::Evaluation e{l.id, l.list_version, {}, {}, true, std::nullopt};
    if (c) {
      FLOWD_ASSIGN_OR_RETURN(store::ObjectPage page,
                             objects_.ListObjects(account, l.object_type_id, *l.backfill_after,
                                                  options_.backfill_batch, false));
      std::vector<int64_t> ids;
      for (const auto& r : page.objects) ids.push_back(r.id);
      StoreFilterContext ctx(account, objects_, lists_, associations_, properties_, clock_,
                             ZoneOf(account));
      ctx.Prefetch(l.object_type_id, page.objects, ids);
      FLOWD_ASSIGN_OR_RETURN(auto members, lists_.FilterMembers(account, l.id, ids));
      std::set<int64_t> member(members.begin(), members.end());
      bool failed = false;
      for (int64_t id : ids) {
        auto r = filter::Evaluate(*c->filter, filter::RecordRef{l.object_type_id, id}, ctx);
        if (!r.ok()) {
          if (r.error().code != ErrorCode::kInvalidArgument &&
              r.error().code != ErrorCode::kNotImplemented) {
            return std::move(r).error();
          }
          Warn("list filter cannot be evaluated; evaluation stopped", l.id, r.error());
          failed = true;
          break;
        }
        if (*r && !member.count(id)) e.add.push_back(id);
        // A SNAPSHOT list only gains members from its filter: the others were added by hand.
        if (!*r && member.count(id) && l.processing_type == "DYNAMIC") e.remove.push_back(id);
      }
      if (failed) {
        e.add.clear();
        e.remove.clear();
      } else if (page.next_after && !ids.empty()) {
        e.backfill_after = ids.back();
        *more = true;
      }
    }
    FLOWD_ASSIGN_OR_RETURN(auto results, lists_.ApplyEvaluations(account, {e}, clock_.NowMs()));
    std::vector<int64_t> changed = results.at(0).added;
    changed.insert(changed.end(), results[0].removed.begin(), results[0].removed.end());
    if (!changed.empty()) {
      Work next;
      FLOWD_TRY(Dependents(account, l.id, l.object_type_id, changed, next));
      FLOWD_TRY(Evaluate(account, std::move(next)));
    }
  }
  return Status::Ok();
}

Status ListProcessor::StartRefreshes(bool* more) {
  const int64_t now = clock_.NowMs();
  for (const auto& [account, lists] : dynamic_) {
    for (const auto& c : lists) {
      const auto& d = c->deps;
      const bool unevented = d.time_dependent || !d.associations.empty() || !d.list_ids.empty();
      if (!unevented || c->list.backfill_after ||
          now - c->list.last_full_evaluation_ms < options_.refresh_interval_ms) {
        continue;
      }
      store::ListUpdate u;
      u.backfill_after = std::optional<int64_t>(0);
      auto r = lists_.UpdateList(account, c->list.id, u, now);
      if (!r.ok() && r.error().code != ErrorCode::kNotFound) return std::move(r).error();
      *more = true;
    }
  }
  return Status::Ok();
}

Result<bool> ListProcessor::RunOnce() {
  bool more = false;
  // Forget compiled filters of lists not seen for a while (deleted ones).
  const int64_t now = clock_.NowMs();
  for (auto it = compiled_.begin(); it != compiled_.end();) {
    it = now - it->second->compiled_at_ms > 10 * options_.compile_ttl_ms ? compiled_.erase(it)
                                                                         : std::next(it);
  }
  FLOWD_ASSIGN_OR_RETURN(auto all, lists_.DynamicLists());
  dynamic_.clear();
  for (const auto& l : all) {
    FLOWD_ASSIGN_OR_RETURN(auto c, Compile(l));
    if (c) dynamic_[l.account_id].push_back(std::move(c));
  }
  decltype(pending_) pending;
  {
    std::lock_guard<std::mutex> lock(mu_);
    pending.swap(pending_);
  }
  for (auto it = pending.begin(); it != pending.end(); ++it) {
    const auto& [account, list_id, ids] = *it;
    auto list = lists_.GetList(account, list_id, true);
    Status done = list.ok() ? Status::Ok() : Status(list.error());
    if (list.ok()) {
      Work next;
      done = Dependents(account, list_id, list->object_type_id, ids, next);
      if (done.ok()) done = Evaluate(account, std::move(next));
    }
    if (!done.ok() && done.error().code != ErrorCode::kNotFound) {
      // Keep what is left for the next pass.
      std::lock_guard<std::mutex> lock(mu_);
      pending_.insert(pending_.begin(), it, pending.end());
      return std::move(done).error();
    }
  }
  bool more_events = false;
  FLOWD_TRY(ProcessEvents(&more_events));
  FLOWD_TRY(ProcessBackfills(&more));
  FLOWD_TRY(StartRefreshes(&more));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!pending_.empty()) more = true;
  }
  return more || more_events;
}

Status ListProcessor::RunUntilIdle(size_t max_passes) {
  for (size_t i = 0; i < max_passes; ++i) {
    FLOWD_ASSIGN_OR_RETURN(bool more, RunOnce());
    if (!more) return Status::Ok();
  }
  return Status::Ok();
}

// ---------------------------------------------------------------- ListWorker

ListWorker::ListWorker(ListProcessor& processor, int64_t poll_interval_ms)
    : processor_(processor), poll_interval_ms_(poll_interval_ms) {}

ListWorker::~ListWorker() { Stop(); }

void ListWorker::Start() {
  processor_.SetWakeUp([this] { Wake(); });
  thread_ = std::thread([this] { Loop(); });
}

void ListWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stopping_ && !thread_.joinable()) return;
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void ListWorker::Wake() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    woken_ = true;
  }
  cv_.notify_all();
}

void ListWorker::Loop() {
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
      woken_ = false;
    }
    bool failed = false;
    // Passes while work remains, checking for shutdown between them.
    for (int pass = 0; pass < 1000; ++pass) {
      Result<bool> more = Result<bool>(false);
      try {
        more = processor_.RunOnce();
      } catch (const std::exception& e) {
        more = Error::Internal(e.what());
      }
      if (!more.ok()) {
        boost::json::object fields{{"error", more.error().message}};
        log::Write(log::Level::kError, "list processing failed; retrying", fields);
        failed = true;
        break;
      }
      std::lock_guard<std::mutex> lock(mu_);
      if (!*more || stopping_) break;
    }
    std::unique_lock<std::mutex> lock(mu_);
    cv_.wait_for(lock, std::chrono::milliseconds(poll_interval_ms_),
                 [&] { return stopping_ || (woken_ && !failed); });
  }
}

}  // namespace flowd::crm
