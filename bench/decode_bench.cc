// Micro-benchmarks of the request-body path of flow create/PUT: strict JSON parsing
// (common::ParseJsonStrict) and flow decoding/validation (model::DecodeFlowRequest), on the §8.1
// body and on a generated 200-action flow.
#include <benchmark/benchmark.h>

#include <optional>
#include <string>

#include "common/json.h"
#include "flow_bodies.h"
#include "model/flow_codec.h"

namespace flowd::bench {
namespace {

std::string BodyFor(int64_t actions) {
  return actions == 0 ? Section81CreateBody() : LargeFlowCreateBody(static_cast<size_t>(actions));
}

// Arg(0) = the §8.1 body; Arg(n) = the generated n-action flow.
void BM_ParseJsonStrict(benchmark::State& state) {
  const std::string body = BodyFor(state.range(0));
  for (auto _ : state) {
    auto v = ParseJsonStrict(body);
    if (!v.ok()) {
      state.SkipWithError(v.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(v);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

void BM_DecodeFlowRequest(benchmark::State& state) {
  const std::string body = BodyFor(state.range(0));
  auto parsed = ParseJsonStrict(body);
  if (!parsed.ok()) {
    state.SkipWithError(parsed.error().message.c_str());
    return;
  }
  const boost::json::value doc = std::move(*parsed);
  for (auto _ : state) {
    auto decoded = model::DecodeFlowRequest(doc, model::FlowRequestKind::kCreate, std::nullopt);
    if (!decoded.ok()) {
      state.SkipWithError(decoded.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(decoded);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

// What a create request costs before it reaches the store: parse + decode.
void BM_ParseAndDecode(benchmark::State& state) {
  const std::string body = BodyFor(state.range(0));
  for (auto _ : state) {
    auto parsed = ParseJsonStrict(body);
    if (!parsed.ok()) {
      state.SkipWithError(parsed.error().message.c_str());
      break;
    }
    auto decoded = model::DecodeFlowRequest(*parsed, model::FlowRequestKind::kCreate, std::nullopt);
    if (!decoded.ok()) {
      state.SkipWithError(decoded.error().message.c_str());
      break;
    }
    benchmark::DoNotOptimize(decoded);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
}

BENCHMARK(BM_ParseJsonStrict)->Arg(0)->Arg(200);
BENCHMARK(BM_DecodeFlowRequest)->Arg(0)->Arg(200);
BENCHMARK(BM_ParseAndDecode)->Arg(0)->Arg(200);

}  // namespace
}  // namespace flowd::bench

BENCHMARK_MAIN();
