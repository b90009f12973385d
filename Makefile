# Kapsule Front Desk - top-level commands.  The C build itself is CMake's.
#
#   make          build build/kapsule
#   make run      install what is missing, build, serve 127.0.0.1:8080 with demo data
#   make test     install what is missing, build, run every test
#   make bench    run the benchmarks in bench/
#   make format   clang-format the sources
#   make lint     clang-tidy the sources (checks in .clang-tidy)

BUILD ?= build
ASAN ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DB ?= kapsule.db

MAKEFLAGS += --no-print-directory

.PHONY: all build run test unit api deps-build deps-test bench format lint clean

all: build

deps-build:
	@scripts/deps.sh build

deps-test:
	@scripts/deps.sh test

build: deps-build
	@cmake -S . -B $(BUILD) -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
	@cmake --build $(BUILD) -j $(JOBS) --target kapsule

run: build
	@if [ ! -f "$(DB)" ]; then $(BUILD)/kapsule demo --db=$(DB); fi
	exec $(BUILD)/kapsule serve --db=$(DB)

test: deps-test
	@scripts/test.sh

bench: build
	@scripts/deps.sh bench
	@bench/api.sh
	@bench/screen.sh
	@bench/sla.sh

format:
	clang-format -i $$(find src tests -name '*.[ch]')

lint: deps-build
	@cmake -S . -B build-lint -DCMAKE_BUILD_TYPE=Debug -DCMAKE_EXPORT_COMPILE_COMMANDS=ON >/dev/null
	clang-tidy -p build-lint --quiet $$(find src -name '*.c')

clean:
	rm -rf $(BUILD) $(ASAN) build-lint build-dev
