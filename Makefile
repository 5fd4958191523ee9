# The two commands of the README:
#   make run    installs what is missing, builds, runs the builtin default scenario
#   make check  installs what is missing, builds (release and ASan/UBSan), runs every test
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
BUILD ?= build
SAN ?= build-san

.PHONY: all deps build build-san run check check-release check-san docs bench clean

all: build

deps:
	./scripts/install-deps

build: deps
	cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=Release >/dev/null
	cmake --build $(BUILD) -j $(JOBS)

build-san: deps
	cmake -S . -B $(SAN) -DCMAKE_BUILD_TYPE=Sanitize >/dev/null
	cmake --build $(SAN) -j $(JOBS)

run: build
	./$(BUILD)/stroom run

check-release: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

check-san: build-san
	cd $(SAN) && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
		ctest --output-on-failure -j $(JOBS) -LE slow

check: check-release check-san

# Measures stroom and the minimal kernel (not a test; results go to docs/performance.md).
bench: build
	./bench/run.sh $(BUILD)

# Regenerates docs/scenario.md from the schema table.
docs: build
	./$(BUILD)/stroom schema --markdown > docs/scenario.md

clean:
	rm -rf $(BUILD) $(SAN)
