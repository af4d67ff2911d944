// Thin handlers of the associations v4 API (record associations): parse → AssociationService →
// JSON. Labels and the endpoints flowd does not build are in association_label_handlers.cc.
//
// Scopes (flowd's decision; HubSpot's spec lists any of ~80 scopes): reading needs a read or
// write scope of both object types; writing needs a write scope of both, since an association
// shows on both records. They are checked once the path's object types are resolved, so the
// routes themselves only require an authenticated caller.
#include <boost/json/serialize.hpp>

#include "api/association_json.h"
#include "api/association_routes.h"
#include "api/handler_context.h"
#include "api/route.h"

namespace flowd::api {

namespace json = boost::json;
using namespace assoc_json;  // NOLINT(google-build-using-namespace): this area's JSON helpers

Result<crm::AssociationService*> AssociationServiceOf(const HandlerContext& c) {
  return Need(c.services.associations);
}

Status RequireAssociationScopes(const HandlerContext& c, const crm::AssociationPair& pair,
                                bool write) {
  for (const crm::ObjectTypeInfo* t : {&pair.from, &pair.to}) {
    std::vector<std::string> scopes = t->write_scopes;
    if (!write) scopes.insert(scopes.begin(), t->read_scopes.begin(), t->read_scopes.end());
    FLOWD_TRY(RequireAnyScope(c, scopes));
  }
  return Status::Ok();
}

Result<crm::AssociationPair> ResolveAssociationPair(const HandlerContext& c, size_t from_param,
                                                    size_t to_param, bool write) {
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationService * svc, AssociationServiceOf(c));
  FLOWD_ASSIGN_OR_RETURN(
      crm::AssociationPair pair,
      svc->ResolvePair(c.principal.account_id, c.params[from_param], c.params[to_param]));
  FLOWD_TRY(RequireAssociationScopes(c, pair, write));
  return pair;
}

namespace {

int64_t Now(const HandlerContext& c) { return c.services.clock.NowMs(); }

Result<json::value> ParseBatchBody(const HandlerContext& c) { return ParseBody(c.request); }

// ---------------------------------------------------------------- /crm/v4/objects/…

// GET /crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}
HandlerResult ListAssociations(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationPair pair, ResolveAssociationPair(c, 0, 2, false));
  FLOWD_ASSIGN_OR_RETURN(int64_t from_id, ParseIdParam(c.params[1], "objectId"));
  FLOWD_ASSIGN_OR_RETURN(size_t limit,
                         ParseLimit(c.request, crm::kMaxAssociationPage, crm::kMaxAssociationPage));
  std::optional<int64_t> after;
  if (const std::string* a = c.request.QueryParam("after")) {
    FLOWD_ASSIGN_OR_RETURN(after, ParseIdParam(*a, "after"));
  }
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationService * svc, AssociationServiceOf(c));
  FLOWD_ASSIGN_OR_RETURN(crm::AssociatedPage page,
                         svc->List(c.principal.account_id, pair, from_id, after, limit));
  json::array results;
  for (const auto& o : page.results) results.push_back(AssociatedObject(o));
  json::object body{{"results", std::move(results)}};
  if (page.next_after) {
    const std::string next = std::to_string(*page.next_after);
    body["paging"] = json::object{
        {"next", json::object{{"after", next},
                              {"link", c.BaseUrl() + c.request.path + "?after=" + next +
                                           "&limit=" + std::to_string(limit)}}}};
  }
  return HttpResponse::Json(200, json::serialize(body));
}

json::object LabelsBetween(const crm::AssociationPair& pair, const crm::WriteResult& r) {
  json::array labels;
  for (const auto& t : r.types) {
    if (t.label) labels.emplace_back(*t.label);
  }
  return json::object{{"fromObjectTypeId", pair.from.id},
                      {"fromObjectId", std::to_string(r.from_id)},
                      {"toObjectTypeId", pair.to.id},
                      {"toObjectId", std::to_string(r.to_id)},
                      {"labels", std::move(labels)}};
}

// A single write's outcome as an error (404 for missing records).
Status SingleOutcome(const crm::AssociationPair& pair, const crm::WriteResult& r) {
  auto singular = [](const crm::ObjectTypeInfo& t) {
    return t.singular.empty() ? t.name : t.singular;
  };
  switch (r.outcome) {
    case store::AssociateOutcome::kDone:
      return Status::Ok();
    case store::AssociateOutcome::kFromMissing:
      return Error::NotFound("No " + singular(pair.from) + " with id " + std::to_string(r.from_id) +
                             " exists");
    case store::AssociateOutcome::kToMissing:
      return Error::NotFound("No " + singular(pair.to) + " with id " + std::to_string(r.to_id) +
                             " exists");
    case store::AssociateOutcome::kTypeMissing:
      break;
  }
  return Error::Conflict("An association type was deleted while the association was written");
}

// PUT /crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}
HandlerResult CreateLabelledAssociation(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationPair pair, ResolveAssociationPair(c, 0, 2, true));
  FLOWD_ASSIGN_OR_RETURN(int64_t from_id, ParseIdParam(c.params[1], "objectId"));
  FLOWD_ASSIGN_OR_RETURN(int64_t to_id, ParseIdParam(c.params[3], "toObjectId"));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBody(c.request));
  std::vector<ErrorDetail> problems;
  crm::LabelledWrite w{from_id, to_id, TypeRefs(&body, "", problems), ""};
  if (!problems.empty()) return Invalid(std::move(problems));
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationService * svc, AssociationServiceOf(c));
  FLOWD_ASSIGN_OR_RETURN(std::vector<crm::WriteResult> results,
                         svc->CreateLabelled(c.principal.account_id, pair, {w}));
  FLOWD_TRY(SingleOutcome(pair, results.front()));
  HttpResponse resp =
      HttpResponse::Json(201, json::serialize(LabelsBetween(pair, results.front())));
  resp.headers.emplace_back("Location", c.BaseUrl() + "/crm/v4/objects/" + c.params[0] + "/" +
                                            c.params[1] + "/associations/" + c.params[2]);
  return resp;
}

// DELETE /crm/v4/objects/{objectType}/{objectId}/associations/{toObjectType}/{toObjectId}
// Idempotent: 204 also when the records are not associated or do not exist.
HandlerResult DeleteAssociation(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationPair pair, ResolveAssociationPair(c, 0, 2, true));
  FLOWD_ASSIGN_OR_RETURN(int64_t from_id, ParseIdParam(c.params[1], "objectId"));
  FLOWD_ASSIGN_OR_RETURN(int64_t to_id, ParseIdParam(c.params[3], "toObjectId"));
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationService * svc, AssociationServiceOf(c));
  FLOWD_TRY(svc->RemoveAll(c.principal.account_id, pair, {{from_id, to_id}}));
  return HttpResponse::NoContent();
}

// Both directions of a default association (BatchResponsePublicDefaultAssociation results).
void AddDefaultResults(const crm::WriteResult& r, json::array& results) {
  const crm::AssociationTypeInfo& t = r.types.front();
  auto spec = [&](int64_t type_id) {
    return json::object{{"associationCategory", t.category}, {"associationTypeId", type_id}};
  };
  const std::string from = std::to_string(r.from_id);
  const std::string to = std::to_string(r.to_id);
  results.push_back(json::object{{"from", json::object{{"id", from}}},
                                 {"to", json::object{{"id", to}}},
                                 {"associationSpec", spec(t.type_id)}});
  results.push_back(json::object{{"from", json::object{{"id", to}}},
                                 {"to", json::object{{"id", from}}},
                                 {"associationSpec", spec(t.inverse_type_id)}});
}

// PUT
// /crm/v4/objects/{fromObjectType}/{fromObjectId}/associations/default/{toObjectType}/{toObjectId}
HandlerResult CreateDefaultAssociation(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationPair pair, ResolveAssociationPair(c, 0, 2, true));
  FLOWD_ASSIGN_OR_RETURN(int64_t from_id, ParseIdParam(c.params[1], "fromObjectId"));
  FLOWD_ASSIGN_OR_RETURN(int64_t to_id, ParseIdParam(c.params[3], "toObjectId"));
  const int64_t started = Now(c);
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationService * svc, AssociationServiceOf(c));
  FLOWD_ASSIGN_OR_RETURN(std::vector<crm::WriteResult> results,
                         svc->CreateDefault(c.principal.account_id, pair, {{from_id, to_id}}));
  FLOWD_TRY(SingleOutcome(pair, results.front()));
  json::array out;
  AddDefaultResults(results.front(), out);
  return HttpResponse::Json(200,
                            json::serialize(BatchEnvelope(std::move(out), {}, started, Now(c))));
}

// ---------------------------------------------------------------- /crm/v4/associations/…/batch

// POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/create
HandlerResult BatchCreateAssociations(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationPair pair, ResolveAssociationPair(c, 0, 1, true));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBatchBody(c));
  std::vector<ErrorDetail> problems;
  std::vector<crm::LabelledWrite> writes;
  if (const json::array* inputs = Inputs(body, crm::kMaxAssociationBatchInputs, problems)) {
    for (size_t i = 0; i < inputs->size(); ++i) {
      const json::object* in = (*inputs)[i].if_object();
      if (in == nullptr) {
        problems.push_back({"Expected an object {from, to, types}", At("inputs", i), "", {}});
        continue;
      }
      crm::LabelledWrite w;
      auto from = ObjectIdField(in->if_contains("from"), At("inputs", i, "from"), problems);
      auto to = ObjectIdField(in->if_contains("to"), At("inputs", i, "to"), problems);
      w.in = At("inputs", i, "types");
      w.types = TypeRefs(in->if_contains("types"), w.in, problems);
      if (from && to) {
        w.from_id = *from;
        w.to_id = *to;
        writes.push_back(std::move(w));
      }
    }
  }
  if (!problems.empty()) return Invalid(std::move(problems));
  const int64_t started = Now(c);
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationService * svc, AssociationServiceOf(c));
  FLOWD_ASSIGN_OR_RETURN(std::vector<crm::WriteResult> results,
                         svc->CreateLabelled(c.principal.account_id, pair, writes));
  json::array ok;
  json::array errors;
  for (const auto& r : results) {
    if (r.outcome == store::AssociateOutcome::kDone) {
      ok.push_back(LabelsBetween(pair, r));
    } else {
      errors.push_back(WriteError(pair, r));
    }
  }
  const int status = errors.empty() ? 201 : 207;
  return HttpResponse::Json(
      status, json::serialize(BatchEnvelope(std::move(ok), std::move(errors), started, Now(c))));
}

// POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/associate/default
// Always 200 (the spec's only success status): failed inputs are listed in `errors`.
HandlerResult BatchCreateDefaultAssociations(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationPair pair, ResolveAssociationPair(c, 0, 1, true));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBatchBody(c));
  std::vector<ErrorDetail> problems;
  std::vector<crm::RecordPair> pairs;
  if (const json::array* inputs = Inputs(body, crm::kMaxAssociationBatchInputs, problems)) {
    for (size_t i = 0; i < inputs->size(); ++i) {
      const json::object* in = (*inputs)[i].if_object();
      if (in == nullptr) {
        problems.push_back({"Expected an object {from, to}", At("inputs", i), "", {}});
        continue;
      }
      auto from = ObjectIdField(in->if_contains("from"), At("inputs", i, "from"), problems);
      auto to = ObjectIdField(in->if_contains("to"), At("inputs", i, "to"), problems);
      if (from && to) pairs.push_back({*from, *to});
    }
  }
  if (!problems.empty()) return Invalid(std::move(problems));
  const int64_t started = Now(c);
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationService * svc, AssociationServiceOf(c));
  FLOWD_ASSIGN_OR_RETURN(std::vector<crm::WriteResult> results,
                         svc->CreateDefault(c.principal.account_id, pair, pairs));
  json::array ok;
  json::array errors;
  for (const auto& r : results) {
    if (r.outcome == store::AssociateOutcome::kDone) {
      AddDefaultResults(r, ok);
    } else {
      errors.push_back(WriteError(pair, r));
    }
  }
  return HttpResponse::Json(
      200, json::serialize(BatchEnvelope(std::move(ok), std::move(errors), started, Now(c))));
}

// POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/read
HandlerResult BatchReadAssociations(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationPair pair, ResolveAssociationPair(c, 0, 1, false));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBatchBody(c));
  std::vector<ErrorDetail> problems;
  std::vector<store::AssociationPageRequest> requests;
  if (const json::array* inputs = Inputs(body, crm::kMaxAssociationBatchInputs, problems)) {
    for (size_t i = 0; i < inputs->size(); ++i) {
      const json::object* in = (*inputs)[i].if_object();
      if (in == nullptr) {
        problems.push_back({"Expected an object {id, after?}", At("inputs", i), "", {}});
        continue;
      }
      auto id = RecordId(in->if_contains("id"), At("inputs", i, "id"), problems);
      std::optional<int64_t> after;
      if (const json::value* a = in->if_contains("after"); a != nullptr && !a->is_null()) {
        after = RecordId(a, At("inputs", i, "after"), problems);
      }
      if (id) requests.push_back({*id, after});
    }
  }
  if (!problems.empty()) return Invalid(std::move(problems));
  const int64_t started = Now(c);
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationService * svc, AssociationServiceOf(c));
  FLOWD_ASSIGN_OR_RETURN(
      std::vector<crm::AssociatedBatchItem> items,
      svc->BatchRead(c.principal.account_id, pair, requests, crm::kMaxAssociationPage));
  json::array results;
  json::array errors;
  const std::string singular = pair.from.singular.empty() ? pair.from.name : pair.from.singular;
  for (const auto& item : items) {
    const std::string id = std::to_string(item.from_id);
    if (!item.from_exists) {
      errors.push_back(BatchError(
          "OBJECT_NOT_FOUND", "No " + singular + " with id " + id + " exists", "fromObjectId", id));
      continue;
    }
    json::array to;
    for (const auto& o : item.page.results) to.push_back(AssociatedObject(o));
    json::object r{{"from", json::object{{"id", id}}}, {"to", std::move(to)}};
    if (item.page.next_after) {
      r["paging"] =
          json::object{{"next", json::object{{"after", std::to_string(*item.page.next_after)}}}};
    }
    results.push_back(std::move(r));
  }
  const int status = errors.empty() ? 200 : 207;
  return HttpResponse::Json(status, json::serialize(BatchEnvelope(
                                        std::move(results), std::move(errors), started, Now(c))));
}

// POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/archive
HandlerResult BatchArchiveAssociations(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationPair pair, ResolveAssociationPair(c, 0, 1, true));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBatchBody(c));
  std::vector<ErrorDetail> problems;
  std::vector<crm::RecordPair> pairs;
  if (const json::array* inputs = Inputs(body, crm::kMaxAssociationBatchInputs, problems)) {
    for (size_t i = 0; i < inputs->size() && pairs.size() <= crm::kMaxAssociationBatchPairs; ++i) {
      const json::object* in = (*inputs)[i].if_object();
      if (in == nullptr) {
        problems.push_back({"Expected an object {from, to[]}", At("inputs", i), "", {}});
        continue;
      }
      auto from = ObjectIdField(in->if_contains("from"), At("inputs", i, "from"), problems);
      const json::value* to = in->if_contains("to");
      if (to == nullptr || !to->is_array()) {
        problems.push_back({"to must be an array of {id}", At("inputs", i, "to"), "REQUIRED", {}});
        continue;
      }
      for (size_t j = 0; j < to->get_array().size(); ++j) {
        auto to_id = ObjectIdField(&to->get_array()[j], At(At("inputs", i, "to"), j), problems);
        if (from && to_id) pairs.push_back({*from, *to_id});
      }
    }
    if (pairs.size() > crm::kMaxAssociationBatchPairs) {
      problems.push_back({"At most " + std::to_string(crm::kMaxAssociationBatchPairs) +
                              " associations (from → to pairs) per batch",
                          "inputs",
                          "TOO_MANY_INPUTS",
                          {}});
    }
  }
  if (!problems.empty()) return Invalid(std::move(problems));
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationService * svc, AssociationServiceOf(c));
  FLOWD_TRY(svc->RemoveAll(c.principal.account_id, pair, pairs));
  return HttpResponse::NoContent();
}

// POST /crm/v4/associations/{fromObjectType}/{toObjectType}/batch/labels/archive
HandlerResult BatchArchiveAssociationLabels(const HandlerContext& c) {
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationPair pair, ResolveAssociationPair(c, 0, 1, true));
  FLOWD_ASSIGN_OR_RETURN(json::value body, ParseBatchBody(c));
  std::vector<ErrorDetail> problems;
  std::vector<crm::LabelledWrite> removals;
  if (const json::array* inputs = Inputs(body, crm::kMaxAssociationBatchInputs, problems)) {
    for (size_t i = 0; i < inputs->size(); ++i) {
      const json::object* in = (*inputs)[i].if_object();
      if (in == nullptr) {
        problems.push_back({"Expected an object {from, to, types}", At("inputs", i), "", {}});
        continue;
      }
      crm::LabelledWrite w;
      auto from = ObjectIdField(in->if_contains("from"), At("inputs", i, "from"), problems);
      auto to = ObjectIdField(in->if_contains("to"), At("inputs", i, "to"), problems);
      w.in = At("inputs", i, "types");
      w.types = TypeRefs(in->if_contains("types"), w.in, problems);
      if (from && to) {
        w.from_id = *from;
        w.to_id = *to;
        removals.push_back(std::move(w));
      }
    }
  }
  if (!problems.empty()) return Invalid(std::move(problems));
  FLOWD_ASSIGN_OR_RETURN(crm::AssociationService * svc, AssociationServiceOf(c));
  FLOWD_TRY(svc->RemoveTypes(c.principal.account_id, pair, removals));
  return HttpResponse::NoContent();
}

}  // namespace

void AddAssociationRoutes(RouteTable& routes) {
  const std::string objects = "/crm/v4/objects/{}/{}/associations/";
  const std::string batch = "/crm/v4/associations/{}/{}/batch/";
  routes.push_back(AssociationRoute("GET", objects + "{}", ListAssociations));
  routes.push_back(AssociationRoute("PUT", objects + "{}/{}", CreateLabelledAssociation));
  routes.push_back(AssociationRoute("DELETE", objects + "{}/{}", DeleteAssociation));
  routes.push_back(AssociationRoute("PUT", objects + "default/{}/{}", CreateDefaultAssociation));
  routes.push_back(AssociationRoute("POST", batch + "create", BatchCreateAssociations));
  routes.push_back(AssociationRoute("POST", batch + "read", BatchReadAssociations));
  routes.push_back(AssociationRoute("POST", batch + "archive", BatchArchiveAssociations));
  routes.push_back(
      AssociationRoute("POST", batch + "labels/archive", BatchArchiveAssociationLabels));
  routes.push_back(
      AssociationRoute("POST", batch + "associate/default", BatchCreateDefaultAssociations));
  AddAssociationLabelRoutes(routes);
}

}  // namespace flowd::api
