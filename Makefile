# The two commands of the README:
#   make run    installs what is missing, builds, runs the builtin default scenario
#   make check  installs what is missing, builds (release and ASan/UBSan), runs every test
# and beside them `make fuzz`: the parsers' libFuzzer targets, built with clang and run
# FUZZ_SECONDS each (tests/fuzz/README.md; .ci/run runs them after make check).
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
SAN ?= build-san
FUZZ ?= build-fuzz
# `make fuzz`: seconds per target, and which targets (empty: every tests/fuzz/fuzz_*.c).
FUZZ_SECONDS ?= 60
FUZZ_TARGETS ?=

# `make install PREFIX=DIR`: the binary, libstroom, its headers, stroom.pc, the man
# pages and the bash completion under DIR (README, "Installing").
PREFIX ?= /usr/local

.PHONY: all deps build build-quiet build-san run install check check-release check-san fuzz docs bench clean

all: build

deps:
	./scripts/install-deps

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

build-san: deps
	cmake -S . -B $(SAN) -DCMAKE_BUILD_TYPE=Sanitize >/dev/null
	cmake --build $(SAN) -j $(JOBS)

# The build of `make run`: its output goes to $(BUILD)/build.log, shown only when
# the build fails.
build-quiet: deps
	@mkdir -p $(BUILD)
	@echo "building stroom in $(BUILD) (log: $(BUILD)/build.log)"
	@{ cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release && cmake --build $(BUILD) -j $(JOBS); } \
		> $(BUILD)/build.log 2>&1 || { cat $(BUILD)/build.log >&2; echo "build failed (log: $(BUILD)/build.log)" >&2; exit 1; }

run: build-quiet
	./$(BUILD)/stroom run

install: build-quiet
	cmake --install $(BUILD) --prefix $(PREFIX)

check-release: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

check-san: build-san
	cd $(SAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j $(JOBS) -LE slow

check: check-release check-san

# Builds the libFuzzer targets with clang in $(FUZZ) (the library with coverage and
# ASan/UBSan) and runs each for FUZZ_SECONDS from the committed corpus; fails on a
# crash, leak, timeout or OOM (tests/fuzz/README.md).
fuzz: deps
	cmake -S . -B $(FUZZ) -DCMAKE_BUILD_TYPE=Release -DCMAKE_C_COMPILER=clang -DSTROOM_FUZZ=ON >/dev/null
	cmake --build $(FUZZ) -j $(JOBS) --target fuzz_targets
	./tests/fuzz/run.sh $(FUZZ) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Measures stroom, the minimal kernel and the R (data.table) kernel (not a test):
# prints a Markdown table. bench/install-r installs R, data.table and GNU time from
# Debian if missing (only here, not for check). To put the table into
# docs/performance.md: make bench BENCH_ARGS='--write docs/performance.md'
BENCH_ARGS ?=
bench: build
	./bench/install-r
	./bench/run.sh $(BUILD) $(BENCH_ARGS)

# Regenerates docs/scenario.md from the schema table.
docs: build
	./$(BUILD)/stroom schema --markdown > docs/scenario.md

clean:
	rm -rf $(BUILD) $(SAN) $(FUZZ)
