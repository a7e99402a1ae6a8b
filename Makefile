# The verbs people type. The real build is CMake; this file only drives it.
#   make demo       install what is missing, build, cambium assess on data/belgium/belgium.recipe
#   make test       install what is missing, build (normal + ASan/UBSan), run every test
#   make bench      benchmarks against the named baselines (bench/)
#   make check-all  slower: + clang -O0/-O2, valgrind, the full allocation-failure loop
#   make install PREFIX=/usr/local
#   make deps | make clean

PREFIX ?= /usr/local
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
CTEST_FLAGS ?= --output-on-failure -j$(JOBS)
STORE ?= out/demo/cambium.db

.PHONY: all deps build build-asan test test-normal test-asan fuzz demo bench check-all install clean

all: build

deps:
	@scripts/install-deps

build:
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCM_WARNINGS_AS_ERRORS=ON >/dev/null
	@cmake --build $(BUILD) -j$(JOBS)

build-asan:
	@cmake -S . -B $(ASAN_BUILD) -DCMAKE_BUILD_TYPE=Debug -DCM_SANITIZE="address;undefined" \
		-DCM_WARNINGS_AS_ERRORS=ON >/dev/null
	@cmake --build $(ASAN_BUILD) -j$(JOBS)

test-normal: build
	@echo "== tests (normal build)"
	@cd $(BUILD) && ctest $(CTEST_FLAGS)

test-asan: build-asan
	@echo "== tests (AddressSanitizer + UndefinedBehaviorSanitizer)"
	@cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 ctest $(CTEST_FLAGS)

fuzz:
	@echo "== fuzzing the parsers for $(FUZZ_SECONDS) s in all (clang-14 libFuzzer, ASan+UBSan)"
	@FUZZ_BUILD=$(FUZZ_BUILD) scripts/fuzz $(FUZZ_SECONDS)

test: deps
	@$(MAKE) --no-print-directory test-normal
	@$(MAKE) --no-print-directory test-asan
	@$(MAKE) --no-print-directory fuzz

demo: deps build
	@scripts/demo $(BUILD)/cambium $(STORE)

bench: build
	@scripts/install-deps --bench
	@BUILD=$(CURDIR)/$(BUILD) bench/run $(BUILD)/cambium

check-all: test
	@scripts/check-all

install: build
	@cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD) build-clang-O0 build-clang-O2 build-valgrind out
