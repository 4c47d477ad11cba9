# Every tool below comes through Go modules: a machine with only Go installed
# can run every target. Lint tools run as `go run module@version`, so they stay
# out of go.mod; oapi-codegen is pinned in go.mod through tools.go.

GO            ?= go
GOLANGCI_LINT := github.com/golangci/golangci-lint/v2/cmd/golangci-lint@v2.15.0
ACTIONLINT    := github.com/rhysd/actionlint/cmd/actionlint@v1.7.12
BENCHSTAT     := golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
BENCH_COUNT   ?= 10
FUZZ_TIME     ?= 60s

# BENCH_BASE: the commit `make bench-compare` measures this tree against;
# the default is 129dcfc, the start of this round (the hand-built walk and
# scanner, before json/v2). Give another on the command line: make
# bench-compare BENCH_BASE=18ed16f (0.1.0, untagged).
BENCH_BASE    ?= 129dcfc
# GO127: the Go 1.27 toolchain (json/v2 under encoding/json) that
# bench-compare runs on besides the local Go, fetched by GOTOOLCHAIN from
# the Go module proxy; the same version .ci/run tests on.
GO127         ?= go1.27.3

.PHONY: all generate check-generated vet test lint demo bench bench-compare fuzz

all: test lint

## generate: regenerate gen/ from api/openapi.yaml
generate:
	$(GO) run github.com/oapi-codegen/oapi-codegen/v2/cmd/oapi-codegen -config gen/config.yaml api/openapi.yaml

## check-generated: regenerate, then fail if gen/ changed (new files included)
check-generated: generate
	@changes=$$(git status --porcelain -- gen); \
	if [ -n "$$changes" ]; then \
		echo "gen/ is not what 'make generate' makes of api/openapi.yaml:"; echo "$$changes"; \
		git --no-pager diff --stat -- gen; \
		echo "Run 'make generate' and commit the result; never edit gen/ by hand."; exit 1; \
	fi

## vet: go vet every package
vet:
	$(GO) vet ./...

## test: vet, check gen/, and run every test with the race detector (fuzz seeds included)
test: vet check-generated
	$(GO) test -race ./...

## lint: golangci-lint (see .golangci.yml) and actionlint on the workflows
lint:
	$(GO) run $(GOLANGCI_LINT) run ./...
	$(GO) run $(ACTIONLINT)

## demo: list a demo contact's conversations from the built-in fake server
demo:
	$(GO) run ./cmd/chatwoot-conversations -demo

## bench: the client against a hand-written call (net/http and
## json.NewDecoder into the generated structs) on every framing a server may
## use (Content-Length, chunked, gzip) and on replies of 1, 20 and 1000
## conversations, with the local Go and with $(GO127). The test binary is
## built once per Go and run BENCH_COUNT times; each run runs every cell
## once, the two implementations back to back, so that drift on a busy
## machine hits both; benchstat -col /impl prints the ratios with their
## p-values. BENCH_TIME is each benchmark's -test.benchtime (500ms: about
## 10 s a run, 4 minutes in all at BENCH_COUNT=10).
bench bench-compare: BENCH_TIME ?= 500ms
bench:
	@set -e; mkdir -p bin; for gov in local $(GO127); do \
		GOTOOLCHAIN=$$gov $(GO) test -c -o bin/bench-$$gov.test ./chatwoot/; \
		rm -f bin/bench-$$gov.txt; \
		for i in $$(seq $(BENCH_COUNT)); do \
			echo "Go $$gov: run $$i of $(BENCH_COUNT)"; \
			(cd chatwoot && ../bin/bench-$$gov.test -test.run '^$$' -test.bench '^BenchmarkFraming$$' -test.benchtime $(BENCH_TIME) -test.benchmem -test.count 1) > bin/bench-run.out \
				|| { cat bin/bench-run.out; exit 1; }; \
			grep -E '^(Benchmark|goos:|goarch:|pkg:|cpu:)' bin/bench-run.out >> bin/bench-$$gov.txt; \
		done; \
		echo "== Go: $$gov"; \
		$(GO) run $(BENCHSTAT) -col /impl bin/bench-$$gov.txt; \
	done

## bench-compare: the client on this tree against BENCH_BASE (a commit), on
## every cell of BenchmarkFraming, with the local Go and with $(GO127). The
## base is exported (git archive) to bin/base, and this tree's bench_test.go
## and its reply file are copied into it: the benchmark uses only the public
## API, so a base whose own benchmark differs is measured the same way. The
## two binaries run in turns (BENCH_COUNT each), so machine drift hits both;
## benchstat prints time, bytes and allocations with their ratios.
bench-compare:
	rm -rf bin/base && mkdir -p bin/base
	git archive $(BENCH_BASE) | tar -x -C bin/base
	cp chatwoot/bench_test.go bin/base/chatwoot/
	mkdir -p bin/base/chatwoot/testdata && cp chatwoot/testdata/bench_reply.json bin/base/chatwoot/testdata/
	@set -e; for gov in local $(GO127); do \
		GOTOOLCHAIN=$$gov $(GO) test -c -o bin/head-$$gov.test ./chatwoot/; \
		(cd bin/base && GOTOOLCHAIN=$$gov $(GO) test -c -o ../base-$$gov.test ./chatwoot/); \
		rm -f bin/base-$$gov.txt bin/head-$$gov.txt; \
		for i in $$(seq $(BENCH_COUNT)); do \
			echo "Go $$gov: run $$i of $(BENCH_COUNT)"; \
			for side in base head; do \
				(cd chatwoot && ../bin/$$side-$$gov.test -test.run '^$$' -test.bench '^BenchmarkFraming$$/framing=/convs=/impl=client' -test.benchtime $(BENCH_TIME) -test.benchmem -test.count 1) > bin/bench-run.out \
					|| { cat bin/bench-run.out; exit 1; }; \
				grep -E '^(Benchmark|goos:|goarch:|pkg:|cpu:)' bin/bench-run.out >> bin/$$side-$$gov.txt; \
			done; \
		done; \
		echo "== Go: $$gov (base $(BENCH_BASE) against this tree)"; \
		$(GO) run $(BENCHSTAT) bin/base-$$gov.txt bin/head-$$gov.txt; \
	done
	rm -rf bin/base

## fuzz: run each fuzz target of a decoder of server bytes for FUZZ_TIME
## (their seeds run in every `go test`); a short -fuzzminimizetime, or the
## search spends its time minimizing one input
FUZZ_TARGETS := ./chatwoot/:FuzzDecodeConversations ./chatwoot/:FuzzNoTokenInErrors \
	./chatwoot/:FuzzConversationUnmarshalJSON ./internal/decode/:FuzzReply ./internal/decode/:FuzzInto \
	./internal/decode/:FuzzText ./internal/httpcall/:FuzzReadBody ./internal/redact/:FuzzScrub \
	./internal/redact/:FuzzQuote ./chatwoot/:FuzzRedact ./chatwoot/jsonvalue/:FuzzLenient
fuzz:
	@set -e; for t in $(FUZZ_TARGETS); do \
		echo "== $${t#*:} in $${t%%:*}"; \
		$(GO) test -run '^$$' -fuzz "^$${t#*:}$$" -fuzztime $(FUZZ_TIME) -fuzzminimizetime 3s "$${t%%:*}"; \
	done
