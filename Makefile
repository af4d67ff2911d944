# The front door. `make run` and `make test` install what is missing, build, and go.
JOBS ?= 2
RELEASE := build/release
ASAN := build/asan

.PHONY: all deps configure build run test test-release test-unit test-api test-asan fuzz bench format clean

all: build

deps:
	@scripts/install-deps.sh

$(RELEASE)/CMakeCache.txt:
	cmake --preset release

configure: deps $(RELEASE)/CMakeCache.txt

# Builds the release binary (build/release/flowd), the unit tests and the benchmarks.
build: configure
	cmake --build $(RELEASE) -j$(JOBS)

# Only the server binary: no need to wait for the tests to compile.
run: configure
	cmake --build $(RELEASE) --target flowd -j$(JOBS)
	@scripts/run.sh

# Everything: the release build's unit/conformance/fuzz-corpus tests and API + client suites,
# then the same suite again on the ASan + UBSan build.
test: test-release test-asan

# ctest runs with a throwaway PostgreSQL server (scripts/with-postgres.sh), so the store
# conformance suite and the CLI smoke test also cover the postgres:// backend.
test-release: build
	scripts/with-postgres.sh ctest --test-dir $(RELEASE) --output-on-failure -j$(JOBS) --timeout 300
	FLOWD_BIN=$(RELEASE)/flowd scripts/with-postgres.sh scripts/run-api-tests.sh

test-unit: build
	ctest --test-dir $(RELEASE) --output-on-failure -j$(JOBS) --timeout 300

test-api: build
	FLOWD_BIN=$(RELEASE)/flowd scripts/run-api-tests.sh

# The whole suite under AddressSanitizer + UndefinedBehaviorSanitizer.
test-asan: deps
	test -f $(ASAN)/CMakeCache.txt || cmake --preset asan
	cmake --build $(ASAN) -j$(JOBS)
	ASAN_OPTIONS=detect_leaks=1 scripts/with-postgres.sh ctest --test-dir $(ASAN) --output-on-failure -j$(JOBS) --timeout 600
	FLOWD_BIN=$(ASAN)/flowd scripts/run-api-tests.sh

# libFuzzer on the flow decoder (needs clang); `make test` only replays the seed corpus.
fuzz: deps
	# The libraries are instrumented too (fuzzer-no-link), or the fuzzer would see only the harness.
	cmake -S . -B build/fuzz -DCMAKE_CXX_COMPILER=clang++-14 -DCMAKE_BUILD_TYPE=RelWithDebInfo -DFLOWD_BENCH=OFF \
	  -DCMAKE_CXX_FLAGS="-fsanitize=fuzzer-no-link,address,undefined -fno-omit-frame-pointer"
	cmake --build build/fuzz --target flow_decoder_fuzz -j$(JOBS)
	mkdir -p build/fuzz/corpus
	# New inputs go to build/fuzz/corpus; the committed seeds in tests/fuzz/corpus are only read.
	build/fuzz/tests/fuzz/flow_decoder_fuzz -max_total_time=$${FUZZ_SECONDS:-120} -dict=tests/fuzz/flow.dict build/fuzz/corpus tests/fuzz/corpus

bench: build
	scripts/run-bench.sh

format:
	clang-format -i $$(git ls-files 'src/*.cc' 'src/*.h' 'tests/*.cc' 'bench/*.cc')

clean:
	rm -rf build
