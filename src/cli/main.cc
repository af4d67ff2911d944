// flowd's command line: the composition root. The only place that picks concrete
// implementations (store backend from --db, the real clock, the Beast server).
//
// Contract (scripts and tests rely on it): results on stdout alone (an id, a token), diagnostics
// on stderr, exit 0 on success, 1 on failure, 2 on bad usage.
#include <CLI/CLI.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>
#include <cstdio>
#include <iostream>

#include "api/app.h"
#include "api/http_server.h"
#include "auth/auth.h"
#include "auth/rate_limiter.h"
#include "common/clock.h"
#include "common/crypto.h"
#include "common/log.h"
#include "common/time_format.h"
#include "crm/account_zones.h"
#include "crm/association_service.h"
#include "crm/data_sensitivity.h"
#include "crm/event_service.h"
#include "crm/filter/time_zone.h"
#include "crm/form_service.h"
#include "crm/list_processor.h"
#include "crm/list_service.h"
#include "crm/marketing_email_service.h"
#include "crm/object_service.h"
#include "crm/owner_service.h"
#include "crm/property_service.h"
#include "crm/schema_service.h"
#include "engine/code_runner.h"
#include "engine/engine.h"
#include "engine/mailer.h"
#include "engine/webhook.h"
#include "flows/action_definitions.h"
#include "flows/flow_service.h"
#include "store/store.h"

#ifndef FLOWD_VERSION
#define FLOWD_VERSION "0.0.0"
#endif

namespace flowd {
namespace {

constexpr const char* kDefaultDb = "sqlite:data/flowd.db";

int Fail(const Error& e) {
  std::cerr << "flowd: " << e.message << "\n";
  for (const auto& d : e.details) std::cerr << "  " << d.in << ": " << d.message << "\n";
  return 1;
}

Result<std::unique_ptr<store::Store>> OpenMigrated(const std::string& url) {
  FLOWD_ASSIGN_OR_RETURN(std::unique_ptr<store::Store> s, store::Store::Open(url));
  FLOWD_TRY(s->Migrate());
  return s;
}

struct ServeOptions {
  std::string db = kDefaultDb;
  std::string listen = "127.0.0.1:8080";
  int threads = 2;
  int64_t read_timeout_ms = 30'000;
  int64_t idle_timeout_ms = 75'000;
  bool quiet = false;
  std::string clock = "real";  // real | manual
  std::string smtp;            // smtp://host:port; empty: emails stay in the local outbox
  bool engine = true;
  int64_t lease_ms = engine::EngineOptions{}.lease_ms;
};

Result<std::pair<std::string, uint16_t>> ParseListen(const std::string& text) {
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) {
    return Error::Invalid("--listen must be HOST:PORT, got '" + text + "'");
  }
  std::string host = text.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
    host = host.substr(1, host.size() - 2);
  int port = 0;
  try {
    size_t used = 0;
    port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1) port = -1;
  } catch (const std::exception&) {
    port = -1;
  }
  if (port < 0 || port > 65535) return Error::Invalid("--listen port must be 0..65535");
  return std::make_pair(host, static_cast<uint16_t>(port));
}

int Serve(const ServeOptions& o) {
  // Before any thread exists: SIGTERM/SIGINT must wait for the orderly drain below.
  api::HttpServer::BlockShutdownSignals();
  auto listen = ParseListen(o.listen);
  if (!listen.ok()) return Fail(listen.error());
  auto store = OpenMigrated(o.db);
  if (!store.ok()) return Fail(store.error());
  // --clock manual: time frozen at the real start time, moved by POST /flowd/v1/clock.
  std::unique_ptr<FakeClock> manual_clock;
  if (o.clock == "manual")
    manual_clock = std::make_unique<FakeClock>(SystemClock::Instance().NowMs());
  Clock& clock = manual_clock ? static_cast<Clock&>(*manual_clock) : SystemClock::Instance();
  auth::TokenService tokens(**store);
  auth::RateLimiter limiter(clock);
  flows::FlowService flow_service((*store)->flows(), clock);
  crm::PropertyService properties((*store)->properties(), clock);
  crm::SchemaService schemas((*store)->properties(), properties, clock);
  flow_service.set_apps(&(*store)->apps());
  flows::ActionDefinitionService action_definitions((*store)->apps(), clock);
  api::AppServices services{tokens, limiter, flow_service, clock};
  services.action_definitions = &action_definitions;
  services.properties = &properties;
  services.schemas = &schemas;
  crm::ObjectService objects(**store, schemas, properties, clock);
  crm::DataSensitivity sensitivity(schemas, properties);
  flow_service.set_sensitivity(&sensitivity);
  flow_service.set_properties(&properties);
  flow_service.set_owners(&(*store)->owners());
  services.objects = &objects;
  crm::AssociationService associations(**store, schemas, clock);
  services.associations = &associations;
  crm::OwnerService owners((*store)->owners(), clock);
  crm::EventService events((*store)->objects(), clock);
  crm::FormService forms((*store)->forms(), clock, &properties, &objects);
  crm::MarketingEmailService marketing_emails((*store)->marketing_emails(), clock);
  services.owners = &owners;
  services.accounts = &(*store)->accounts();
  services.forms = &forms;
  services.events = &events;
  services.marketing_emails = &marketing_emails;
  // Lists: the processor keeps DYNAMIC lists' members (its worker thread reads the CRM event
  // log).
  crm::AccountZones zones((*store)->accounts());
  crm::ListProcessorOptions list_options;
  list_options.time_zone_of = [&zones](int64_t account_id) { return zones.ZoneOf(account_id); };
  crm::ListProcessor list_processor((*store)->lists(), (*store)->objects(),
                                    &(*store)->associations(), properties, clock, list_options);
  crm::ListService lists((*store)->lists(), (*store)->objects(), &(*store)->associations(), schemas,
                         properties, clock, &list_processor);
  services.lists = &lists;
  crm::ListWorker list_worker(list_processor);
  list_worker.Start();

  // The engine: enrollment and durable execution of the enabled flows.
  std::unique_ptr<engine::WebhookClient> webhooks = engine::NewCurlWebhookClient();
  std::unique_ptr<engine::Mailer> mailer;
  if (!o.smtp.empty()) mailer = engine::NewSmtpMailer({o.smtp}, clock);
  engine::CodeRunner code(clock);
  engine::EngineOptions engine_options;
  engine_options.lease_ms = o.lease_ms;
  engine::Engine flow_engine(**store, properties, clock, {webhooks.get(), mailer.get(), &code},
                             engine_options);
  // Unsets the store's listener before the engine goes, on every way out.
  struct ListenerReset {
    store::Store& store;
    ~ListenerReset() { store.SetChangeListener(nullptr); }
  } listener_reset{**store};
  if (o.engine) {
    if (Status st = flow_engine.Load(); !st.ok()) return Fail(st.error());
    flow_service.set_change_sink(&flow_engine);
    services.engine = &flow_engine;
    // Committed CRM events and enrollments (this process's, and on PostgreSQL every process's)
    // wake the workers. Under the manual clock, due work runs when the clock moves (POST
    // /flowd/v1/clock) and enrollments run at once.
    (*store)->SetChangeListener(&flow_engine);
    flow_engine.Start();
  }
  services.manual_clock = manual_clock.get();
  api::App app(services);

  api::HttpServerOptions http;
  http.host = listen->first;
  http.port = listen->second;
  http.threads = o.threads;
  http.read_timeout = std::chrono::milliseconds(o.read_timeout_ms);
  http.idle_timeout = std::chrono::milliseconds(o.idle_timeout_ms);
  http.access_log = !o.quiet;
  api::HttpServer server(http, [&app](const api::HttpRequest& r) { return app.Handle(r); },
                         /*render_error=*/{});
  if (Status st = server.Start(); !st.ok()) return Fail(st.error());
  log::Write(log::Level::kInfo, "flowd listening",
             {{"address", "http://" + o.listen.substr(0, o.listen.rfind(':')) + ":" +
                              std::to_string(server.port())},
              {"db", store::RedactedUrl(o.db)},
              {"threads", o.threads},
              {"clock", o.clock},
              {"smtp", o.smtp.empty() ? "none (local outbox)" : o.smtp},
              {"version", FLOWD_VERSION}});
  int sig = api::HttpServer::WaitForShutdownSignal();
  log::Write(log::Level::kInfo, "shutting down", {{"signal", sig}});
  server.Stop();
  flow_engine.Stop();
  list_worker.Stop();
  log::Info("stopped");
  return 0;
}

std::vector<std::string> SplitScopes(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    std::string part =
        text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    if (part == "all") {
      const auto& all = auth::KnownScopes();
      out.insert(out.end(), all.begin(), all.end());
    } else if (!part.empty()) {
      out.push_back(part);
    }
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return out;
}

enum class OwnerCommand { kCreate, kList, kArchive };

// `flowd owner create|list|archive`: create prints the new owner's id, list one JSON line per
// owner (as GET /crm/v3/owners shows it, minus teams), archive nothing.
int RunOwnerCommand(store::Store& store, int64_t account_id, OwnerCommand command,
                    const crm::OwnerInput& input, bool archived, int64_t owner_id) {
  crm::OwnerService owners(store.owners(), SystemClock::Instance());
  if (command == OwnerCommand::kCreate) {
    auto owner = owners.Create(account_id, input);
    if (!owner.ok()) return Fail(owner.error());
    std::cout << owner->id << "\n";
    return 0;
  }
  if (command == OwnerCommand::kArchive) {
    Status st = owners.Archive(account_id, owner_id);
    if (!st.ok()) return Fail(st.error());
    std::cerr << "flowd: owner " << owner_id << " archived\n";
    return 0;
  }
  std::optional<int64_t> after;
  do {
    auto page = owners.List(account_id, std::nullopt, after, crm::kOwnerPageMax, archived);
    if (!page.ok()) return Fail(page.error());
    for (const auto& o : page->owners) {
      std::cout << boost::json::serialize(
                       boost::json::object{{"id", std::to_string(o.id)},
                                           {"userId", o.user_id},
                                           {"email", o.email},
                                           {"firstName", o.first_name},
                                           {"lastName", o.last_name},
                                           {"createdAt", FormatIso8601Ms(o.created_at_ms)},
                                           {"archived", o.archived_at_ms.has_value()}})
                << "\n";
    }
    after = page->next_after;
  } while (after);
  return 0;
}

enum class AppCommand { kCreate, kList, kDelete };

// `flowd app create|list|delete`: developer apps, whose client secret signs SIGNATURE webhooks
// and app action requests. create prints one JSON line {appId, name, clientSecret}: the only
// time the secret is shown (it is kept for signing; list never shows it). delete prints nothing
// on stdout and removes the app's action definitions too.
int RunAppCommand(store::Store& store, int64_t account_id, AppCommand command,
                  const std::string& name, int64_t app_id) {
  if (auto account = store.accounts().GetAccount(account_id); !account.ok()) {
    return Fail(account.error());
  }
  if (command == AppCommand::kCreate) {
    std::string secret = HexEncode(RandomBytes(32));
    auto app = store.apps().CreateApp(account_id, name, secret, SystemClock::Instance().NowMs());
    if (!app.ok()) return Fail(app.error());
    std::cout << boost::json::serialize(boost::json::object{
                     {"appId", app->app_id}, {"name", app->name}, {"clientSecret", secret}})
              << "\n";
    return 0;
  }
  if (command == AppCommand::kDelete) {
    Status st = store.apps().DeleteApp(account_id, app_id);
    if (!st.ok()) return Fail(st.error());
    std::cerr << "flowd: app " << app_id << " deleted\n";
    return 0;
  }
  auto list = store.apps().ListApps(account_id);
  if (!list.ok()) return Fail(list.error());
  for (const store::AppRecord& a : *list) {
    std::cout << boost::json::serialize(
                     boost::json::object{{"appId", a.app_id},
                                         {"name", a.name},
                                         {"createdAt", FormatIso8601Ms(a.created_at_ms)}})
              << "\n";
  }
  return 0;
}

enum class SecretCommand { kSet, kList, kDelete };

// The secret value of `flowd secret set` without --value: all of stdin, less one trailing newline
// (what echo and a terminal add). Read with a bound, so a wrong pipe cannot fill memory.
std::string ReadSecretFromStdin() {
  std::string value;
  char buf[4096];
  while (std::cin.read(buf, sizeof buf) || std::cin.gcount() > 0) {
    value.append(buf, static_cast<size_t>(std::cin.gcount()));
    if (value.size() > store::kMaxSecretValueBytes + 2) break;
  }
  if (value.ends_with("\r\n")) {
    value.resize(value.size() - 2);
  } else if (value.ends_with('\n')) {
    value.pop_back();
  }
  return value;
}

// `flowd secret set|list|delete`: set and delete print nothing on stdout, list one JSON line per
// secret with its name and times. Values are never printed, nor quoted in errors.
int RunSecretCommand(store::Store& store, int64_t account_id, SecretCommand command,
                     const std::string& name, const std::optional<std::string>& value) {
  if (auto account = store.accounts().GetAccount(account_id); !account.ok()) {
    return Fail(account.error());
  }
  store::SecretStore& secrets = store.secrets();
  if (command == SecretCommand::kSet) {
    std::string v;
    if (value) {
      v = *value;
    } else {
      v = ReadSecretFromStdin();
    }
    auto set = secrets.SetSecret(account_id, name, v, SystemClock::Instance().NowMs());
    if (!set.ok()) return Fail(set.error());
    std::cerr << "flowd: secret " << name << " set\n";
    return 0;
  }
  if (command == SecretCommand::kDelete) {
    Status st = secrets.DeleteSecret(account_id, name);
    if (!st.ok()) return Fail(st.error());
    std::cerr << "flowd: secret " << name << " deleted\n";
    return 0;
  }
  auto list = secrets.ListSecrets(account_id);
  if (!list.ok()) return Fail(list.error());
  for (const store::SecretInfo& info : *list) {
    std::cout << boost::json::serialize(
                     boost::json::object{{"name", info.name},
                                         {"createdAt", FormatIso8601Ms(info.created_at_ms)},
                                         {"updatedAt", FormatIso8601Ms(info.updated_at_ms)}})
              << "\n";
  }
  return 0;
}

// `flowd emails list`: the emails the engine produced, newest first, one JSON line each (the
// local outbox when flowd runs without --smtp; what was sent when it runs with it).
int RunEmailsList(store::Store& store, int64_t account_id, size_t limit) {
  if (auto account = store.accounts().GetAccount(account_id); !account.ok()) {
    return Fail(account.error());
  }
  auto list = store.engine().ListMessages(account_id, "EMAIL", std::nullopt, limit);
  if (!list.ok()) return Fail(list.error());
  for (const store::MessageRecord& m : *list) {
    std::cout << boost::json::serialize(
                     boost::json::object{{"id", std::to_string(m.id)},
                                         {"to", m.to},
                                         {"from", m.from},
                                         {"subject", m.subject},
                                         {"delivery", m.delivery},
                                         {"idempotencyKey", m.idempotency_key},
                                         {"enrollmentId", std::to_string(m.enrollment_id)},
                                         {"createdAt", FormatIso8601Ms(m.created_at_ms)},
                                         {"body", m.body}})
              << "\n";
  }
  return 0;
}

int Run(int argc, char** argv) {
  CLI::App app{
      "flowd — a self-hosted workflow-automation server compatible with HubSpot's "
      "Automation API v4",
      "flowd"};
  app.set_version_flag("--version", std::string("flowd ") + FLOWD_VERSION);
  app.require_subcommand(1);

  ServeOptions serve;
  auto* serve_cmd = app.add_subcommand("serve", "Start the HTTP API server");
  serve_cmd->add_option("--db", serve.db, "Database URL (sqlite:PATH or postgres://…)")
      ->capture_default_str();
  serve_cmd->add_option("--listen", serve.listen, "HOST:PORT to listen on")->capture_default_str();
  serve_cmd->add_option("--threads", serve.threads, "Server threads")
      ->check(CLI::Range(1, 256))
      ->capture_default_str();
  serve_cmd
      ->add_option("--read-timeout-ms", serve.read_timeout_ms,
                   "Time allowed to receive one complete request")
      ->check(CLI::Range(int64_t{10}, int64_t{3'600'000}))
      ->capture_default_str();
  serve_cmd
      ->add_option("--idle-timeout-ms", serve.idle_timeout_ms,
                   "Idle keep-alive connections are closed after this")
      ->check(CLI::Range(int64_t{10}, int64_t{3'600'000}))
      ->capture_default_str();
  serve_cmd->add_flag("--quiet", serve.quiet, "No access log");
  serve_cmd
      ->add_option("--clock", serve.clock,
                   "real, or manual: time frozen at start and moved by POST /flowd/v1/clock "
                   "(tests)")
      ->check(CLI::IsMember({"real", "manual"}))
      ->capture_default_str();
  serve_cmd->add_option("--smtp", serve.smtp,
                        "SMTP server for emails (smtp://host:port); without it emails are kept "
                        "in the local outbox (GET /flowd/v1/emails, flowd emails list)");
  serve_cmd->add_flag("--no-engine{false}", serve.engine,
                      "Serve the API only: no enrollment, no execution");
  serve_cmd
      ->add_option("--lease-ms", serve.lease_ms,
                   "How long a claimed job stays with this process; external steps in flight "
                   "are renewed every third of it. Another process takes over the jobs of a "
                   "dead one after this")
      ->check(CLI::Range(int64_t{300}, int64_t{3'600'000}))
      ->capture_default_str();

  std::string db = kDefaultDb;
  auto* migrate_cmd = app.add_subcommand("migrate", "Apply database migrations");
  migrate_cmd->add_option("--db", db, "Database URL")->capture_default_str();

  auto* account_cmd = app.add_subcommand("account", "Manage accounts (portals)");
  account_cmd->require_subcommand(1);
  std::string account_name;
  auto* account_create = account_cmd->add_subcommand("create", "Create an account; prints its id");
  account_create->add_option("--db", db, "Database URL")->capture_default_str();
  account_create->add_option("--name", account_name, "Account name")->required();
  std::string account_zone;
  account_create->add_option("--time-zone", account_zone,
                             "IANA time zone, e.g. Europe/Paris (default UTC): time windows, "
                             "delays to a time of day, schedules and relative date filters");
  auto* account_list = account_cmd->add_subcommand("list", "List accounts, one JSON line each");
  account_list->add_option("--db", db, "Database URL")->capture_default_str();
  int64_t zone_account = 0;
  auto* account_zone_cmd = account_cmd->add_subcommand(
      "set-time-zone",
      "Set an account's time zone (running servers see it within 5 s and re-time the "
      "account's scheduled and date-based flows)");
  account_zone_cmd->add_option("--db", db, "Database URL")->capture_default_str();
  account_zone_cmd->add_option("--account", zone_account, "Account id")->required();
  account_zone_cmd->add_option("--time-zone", account_zone, "IANA time zone, e.g. Europe/Paris")
      ->required();

  auto* token_cmd = app.add_subcommand("token", "Manage access tokens");
  token_cmd->require_subcommand(1);
  int64_t token_account = 0;
  std::string scopes, token_name = "cli", rate_limit;
  auto* token_create =
      token_cmd->add_subcommand("create", "Create a token; prints it (shown once)");
  token_create->add_option("--db", db, "Database URL")->capture_default_str();
  token_create->add_option("--account", token_account, "Account id")->required();
  token_create->add_option("--scopes", scopes, "Comma-separated scopes ('all' = every scope)")
      ->required();
  token_create->add_option("--name", token_name, "Token name")->capture_default_str();
  token_create->add_option("--rate-limit", rate_limit, "N/10s,M/day (default: unlimited)");
  std::optional<int64_t> list_account;
  auto* token_list = token_cmd->add_subcommand("list", "List tokens, one JSON line each");
  token_list->add_option("--db", db, "Database URL")->capture_default_str();
  token_list->add_option("--account", list_account, "Only this account's tokens");
  int64_t revoke_id = 0;
  auto* token_revoke = token_cmd->add_subcommand("revoke", "Revoke a token by id");
  token_revoke->add_option("--db", db, "Database URL")->capture_default_str();
  token_revoke->add_option("TOKEN_ID", revoke_id, "Token id (from token list)")->required();

  auto* owner_cmd =
      app.add_subcommand("owner", "Manage owners (the users records are assigned to)");
  owner_cmd->require_subcommand(1);
  int64_t owner_account = 0;
  crm::OwnerInput owner_input;
  auto* owner_create = owner_cmd->add_subcommand("create", "Create an owner; prints its id");
  owner_create->add_option("--db", db, "Database URL")->capture_default_str();
  owner_create->add_option("--account", owner_account, "Account id")->required();
  owner_create->add_option("--email", owner_input.email, "Email address")->required();
  owner_create->add_option("--first-name", owner_input.first_name, "First name");
  owner_create->add_option("--last-name", owner_input.last_name, "Last name");
  bool owner_list_archived = false;
  auto* owner_list =
      owner_cmd->add_subcommand("list", "List an account's owners, one JSON line each");
  owner_list->add_option("--db", db, "Database URL")->capture_default_str();
  owner_list->add_option("--account", owner_account, "Account id")->required();
  owner_list->add_flag("--archived", owner_list_archived, "Archived owners instead of live ones");
  int64_t owner_archive_id = 0;
  auto* owner_archive = owner_cmd->add_subcommand("archive", "Archive an owner by id");
  owner_archive->add_option("--db", db, "Database URL")->capture_default_str();
  owner_archive->add_option("--account", owner_account, "Account id")->required();
  owner_archive->add_option("OWNER_ID", owner_archive_id, "Owner id")->required();

  auto* secret_cmd =
      app.add_subcommand("secret", "Manage secrets (environment variables of custom-code actions)");
  secret_cmd->require_subcommand(1);
  int64_t secret_account = 0;
  std::string secret_name;
  std::optional<std::string> secret_value;
  auto* secret_set = secret_cmd->add_subcommand(
      "set", "Create or replace a secret; the value is read from stdin unless --value is given");
  secret_set->add_option("--db", db, "Database URL")->capture_default_str();
  secret_set->add_option("--account", secret_account, "Account id")->required();
  secret_set->add_option("--value", secret_value,
                         "The value (visible to other users in the process list: prefer stdin)");
  secret_set->add_option("NAME", secret_name, "Secret name (letters, digits, _; a letter first)")
      ->required();
  auto* secret_list =
      secret_cmd->add_subcommand("list", "List an account's secrets (names and times only)");
  secret_list->add_option("--db", db, "Database URL")->capture_default_str();
  secret_list->add_option("--account", secret_account, "Account id")->required();
  auto* secret_delete = secret_cmd->add_subcommand("delete", "Delete a secret");
  secret_delete->add_option("--db", db, "Database URL")->capture_default_str();
  secret_delete->add_option("--account", secret_account, "Account id")->required();
  secret_delete->add_option("NAME", secret_name, "Secret name")->required();

  auto* app_cmd = app.add_subcommand(
      "app", "Manage developer apps (client secrets for SIGNATURE webhooks and app actions)");
  app_cmd->require_subcommand(1);
  int64_t app_account = 0;
  std::string app_name;
  int64_t app_id = 0;
  auto* app_create = app_cmd->add_subcommand(
      "create", "Create an app; prints {appId, name, clientSecret} (the secret only this once)");
  app_create->add_option("--db", db, "Database URL")->capture_default_str();
  app_create->add_option("--account", app_account, "Account id")->required();
  app_create->add_option("--name", app_name, "App name")->required();
  auto* app_list = app_cmd->add_subcommand("list", "List an account's apps (no secrets)");
  app_list->add_option("--db", db, "Database URL")->capture_default_str();
  app_list->add_option("--account", app_account, "Account id")->required();
  auto* app_delete =
      app_cmd->add_subcommand("delete", "Delete an app and its custom action definitions");
  app_delete->add_option("--db", db, "Database URL")->capture_default_str();
  app_delete->add_option("--account", app_account, "Account id")->required();
  app_delete->add_option("APP_ID", app_id, "App id")->required();

  auto* emails_cmd = app.add_subcommand("emails", "Emails produced by flows");
  emails_cmd->require_subcommand(1);
  int64_t emails_account = 0;
  size_t emails_limit = 100;
  auto* emails_list = emails_cmd->add_subcommand("list", "List an account's emails, newest first");
  emails_list->add_option("--db", db, "Database URL")->capture_default_str();
  emails_list->add_option("--account", emails_account, "Account id")->required();
  emails_list->add_option("--limit", emails_limit, "At most this many")
      ->check(CLI::Range(size_t{1}, size_t{10000}))
      ->capture_default_str();

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "flowd: " << e.what() << "\n"
              << "usage: flowd {serve|migrate|account|token|owner|secret|app|emails} [options]   "
                 "(flowd --help)\n";
    return 2;
  }

  if (*serve_cmd) return Serve(serve);

  auto store = OpenMigrated(db);
  if (!store.ok()) return Fail(store.error());
  const int64_t now = SystemClock::Instance().NowMs();

  if (*migrate_cmd) {
    auto v = (*store)->SchemaVersion();
    if (!v.ok()) return Fail(v.error());
    std::cerr << "flowd: database at schema version " << *v << "\n";
    return 0;
  }
  // A zone id must name a zone of the tz database (or UTC), as HubSpot's settings list them.
  auto valid_zone = [](const std::string& zone) -> Status {
    auto found = crm::filter::TimeZone::Find(zone);
    if (!found.ok())
      return Error::Invalid("unknown time zone \"" + zone + "\": " + found.error().message);
    return Status::Ok();
  };
  if (*account_create) {
    if (!account_zone.empty()) {
      if (Status ok = valid_zone(account_zone); !ok.ok()) return Fail(ok.error());
    }
    auto acct = (*store)->accounts().CreateAccount(account_name, now);
    if (!acct.ok()) return Fail(acct.error());
    if (!account_zone.empty()) {
      if (Status set = (*store)->accounts().SetTimeZone(acct->id, account_zone, now); !set.ok()) {
        return Fail(set.error());
      }
    }
    std::cout << acct->id << "\n";
    return 0;
  }
  if (*account_zone_cmd) {
    if (Status ok = valid_zone(account_zone); !ok.ok()) return Fail(ok.error());
    if (Status set = (*store)->accounts().SetTimeZone(zone_account, account_zone, now); !set.ok()) {
      return Fail(set.error());
    }
    return 0;
  }
  if (*account_list) {
    auto accts = (*store)->accounts().ListAccounts();
    if (!accts.ok()) return Fail(accts.error());
    for (const auto& a : *accts) {
      std::cout << boost::json::serialize(
                       boost::json::object{{"id", a.id},
                                           {"name", a.name},
                                           {"timeZone", a.time_zone},
                                           {"createdAt", FormatIso8601Ms(a.created_at_ms)}})
                << "\n";
    }
    return 0;
  }
  if (*token_create) {
    auth::RateLimits limits;
    if (!rate_limit.empty()) {
      auto parsed = auth::ParseRateLimits(rate_limit);
      if (!parsed.ok()) {
        std::cerr << "flowd: " << parsed.error().message << "\n";
        return 2;
      }
      limits = *parsed;
    }
    auth::TokenService tokens(**store);
    auto issued = tokens.Issue(token_account, token_name, SplitScopes(scopes), limits, now);
    if (!issued.ok()) return Fail(issued.error());
    std::cout << issued->token << "\n";
    return 0;
  }
  if (*token_list) {
    auto list = (*store)->tokens().ListTokens(list_account);
    if (!list.ok()) return Fail(list.error());
    for (const auto& t : *list) {
      boost::json::array sc;
      for (const auto& s : t.scopes) sc.emplace_back(s);
      boost::json::object o{{"id", t.id},
                            {"accountId", t.account_id},
                            {"name", t.name},
                            {"scopes", std::move(sc)},
                            {"createdAt", FormatIso8601Ms(t.created_at_ms)},
                            {"revoked", t.revoked_at_ms.has_value()}};
      if (t.rate_limit_ten_secondly) o["rateLimitTenSecondly"] = t.rate_limit_ten_secondly;
      if (t.rate_limit_daily) o["rateLimitDaily"] = t.rate_limit_daily;
      std::cout << boost::json::serialize(o) << "\n";
    }
    return 0;
  }
  if (*token_revoke) {
    Status st = (*store)->tokens().RevokeToken(revoke_id, now);
    if (!st.ok()) return Fail(st.error());
    std::cerr << "flowd: token " << revoke_id << " revoked\n";
    return 0;
  }
  if (*owner_create || *owner_list || *owner_archive) {
    return RunOwnerCommand(**store, owner_account,
                           *owner_create ? OwnerCommand::kCreate
                           : *owner_list ? OwnerCommand::kList
                                         : OwnerCommand::kArchive,
                           owner_input, owner_list_archived, owner_archive_id);
  }
  if (*secret_set || *secret_list || *secret_delete) {
    return RunSecretCommand(**store, secret_account,
                            *secret_set    ? SecretCommand::kSet
                            : *secret_list ? SecretCommand::kList
                                           : SecretCommand::kDelete,
                            secret_name, secret_value);
  }
  if (*app_create || *app_list || *app_delete) {
    return RunAppCommand(**store, app_account,
                         *app_create ? AppCommand::kCreate
                         : *app_list ? AppCommand::kList
                                     : AppCommand::kDelete,
                         app_name, app_id);
  }
  if (*emails_list) return RunEmailsList(**store, emails_account, emails_limit);
  std::cerr
      << "usage: flowd {serve|migrate|account|token|owner|secret|app|emails} [options]   (flowd "
         "--help)\n";
  return 2;
}

}  // namespace
}  // namespace flowd

int main(int argc, char** argv) {
  try {
    return flowd::Run(argc, argv);
  } catch (const std::exception& e) {
    std::fprintf(stderr, "flowd: fatal: %s\n", e.what());
    return 1;
  }
}
