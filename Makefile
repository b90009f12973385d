# Kapsule Front Desk - top-level commands.  The C build itself is CMake's.
#
#   make          build build/kapsule
#   make run      install what is missing, build, serve 127.0.0.1:8080 with demo data
#   make test     install what is missing, build, run every test
#   make bench    run the benchmarks in bench/
#   make format   clang-format the sources
#   make lint     cppcheck the sources

BUILD ?= build
ASAN ?= build-asan
JOBS ?= $(shell nproc 2>/dev/null || echo 2)
DB ?= kapsule.db

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

format:
	clang-format -i $$(find src tests -name '*.[ch]')

lint:
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
		--std=c11 -D_GNU_SOURCE -I src --suppress=missingIncludeSystem \
		--inline-suppr src

clean:
	rm -rf $(BUILD) $(ASAN)
