# rsedit - one translation unit, no dependencies beyond libc, libm, pthreads.
#
#   make              build ./rsedit (portable: no -march, no fast-math; the
#                     AVX2 and AVX-512 kernels are built in and the widest
#                     the CPU runs is used, tensor.h 7.2 and 7.8)
#   make native       build ./rsedit with -O3 -march=native (AVX2/FMA, NEON)
#   make test         all tests on the default build: the kernel tests on
#                     every kernel set the CPU runs, the op and network
#                     tests also on AVX2 (RSE_KERNELS=avx2)
#   make test-nosimd  the tests with -DRSE_NO_SIMD (the scalar reference path)
#   make sanitize     all tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make msan         train, sample and every edit mode under clang's
#                     MemorySanitizer (uninitialised reads; scalar kernels)
#   make fuzz         one libFuzzer target (T=name, clang); fuzz-all: every one
#   make test-long    allocation-failure sweep, kill -9 + resume (train, batch), determinism,
#                     window edit of a 20000^2 GeoTIFF and window training on a 40000^2 one
#   make bench-window the last alone (peak RSS and time, bench/big_window.sh)
#   make bench        benchmarks against PyTorch (table + bench/latest.json)
#   make bench-edit   a text edit with a ViT-B-32-shaped CLIP at 4/8/16 views
#   make demo         build and run the main job on a built-in default
#   make install      bin/rsedit, include/rsedit.h and share/man/man1/rsedit.1
#                     under DESTDIR PREFIX (PREFIX=/usr/local); make uninstall
#
# Data shared with the project (images, vocab, CLIP fixtures) is read from
# SHARED; tests that need it say "skipped" when it is absent.

CC      ?= cc
CFLAGS  ?= -std=c99 -O2 -Wall -Wextra -pedantic
LDLIBS  ?= -lm -lpthread
ARCH    ?= -march=native
SHARED  ?= ../shared
PREFIX  ?= /usr/local
SRC      = rsedit.c rsedit.h tensor.h sinddm.c clip.c
TESTS    = $(patsubst tests/%.c,%,$(wildcard tests/test_*.c))
TFLAGS   = -std=c99 -O2 -g1 -Wall -Wextra -pedantic -DRSE_SHARED='"$(SHARED)"'
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: all native test test-nosimd test-neon sanitize msan nostdio warnings warnings-gcc warnings-clang warnings-vendor-gcc warnings-vendor-clang fuzz fuzz-all fuzz-replay test-long bench bench-avx2 bench-edit bench-window demo install uninstall clean

all: rsedit

rsedit: $(SRC)
	$(CC) $(CFLAGS) -o $@ rsedit.c $(LDLIBS)

# Same program, tuned for this machine.
native: $(SRC)
	$(CC) $(CFLAGS) -O3 $(ARCH) -o rsedit rsedit.c $(LDLIBS)

# Each tests/test_NAME.c is a program that includes the whole library. The
# ones that build it with its default settings (MERGED) are also compiled
# together as tests/all.c, so each build compiles rsedit.c once for them
# rather than once per test (that was 2/3 of .ci/run's time); in the build
# directories test_NAME is a link to `all`, which runs the test it is named
# after. `make build/one/test_NAME` builds one test on its own.
# tests/all.c's #include lines are the one list of the merged tests; the
# others (their own library settings, or new and not added there) are SOLO.
MERGED  := $(shell sed -n 's/^\#include "\(test_[a-z0-9_]*\)\.c"/\1/p' tests/all.c)
SOLO    := $(filter-out $(MERGED),$(TESTS))
TESTDEPS = tests/test.h tests/fixture.h tests/cli.h tests/alloc_hook.h $(SRC)
# slowest first, so that two at a time finish together (tests/run.sh)
SLOW     = test_meaning test_edit test_sinddm_train test_views
ORDERED  = $(SLOW) $(filter-out $(SLOW),$(TESTS))
# Tests of what edits mean (tests/test_meaning.c: trains a model and makes a
# dozen guided edits) run in the SIMD build only: their kernels are tested
# against the scalar ones elsewhere, and the scalar and sanitizer builds
# would take 2-4 minutes each on them (test_edit and test_modes keep the
# edit paths under ASan, UBSan and MSan).
SIMD_ONLY = test_meaning
PORTABLE  = $(filter-out $(SIMD_ONLY),$(ORDERED))
# Not in the scalar build: test_tiff_window is a SOLO test (its own counting
# allocator, so one more compile of the library per build) whose code is the
# TIFF reader and writer, the same with or without SIMD; it runs in the SIMD
# and sanitizer builds. The scalar build's place in .ci/run's 15 minutes
# goes to the tests of the kernels.
NOSIMD = $(filter-out test_tiff_window,$(PORTABLE))

build/one/%: tests/%.c $(TESTDEPS)
	@mkdir -p build/one
	$(CC) $(TFLAGS) $(ARCH) -o $@ $< $(LDLIBS)

# $(call testbuild,DIR,COMPILER AND FLAGS): DIR/all, DIR/test_NAME for the
# solo tests, and the links for the merged ones.
define testbuild
$(1)/all: tests/all.c $(addprefix tests/,$(addsuffix .c,$(MERGED))) $(TESTDEPS)
	@mkdir -p $(1)
	$(2) -o $$@ tests/all.c $(LDLIBS)
$(addprefix $(1)/,$(MERGED)): $(1)/all
	@ln -sf all $$@
$(addprefix $(1)/,$(SOLO)): $(1)/%: tests/%.c $(TESTDEPS)
	@mkdir -p $(1)
	$(2) -o $$@ $$< $(LDLIBS)
endef

# The tests build the library as `make` does (no -march): every kernel set
# is in it. test_kernels runs its tests once per set the CPU runs; the op
# and network tests run on the widest, then again on AVX2 (RSE_KERNELS), so
# it stays tested on machines that have AVX-512.
$(eval $(call testbuild,build/simd,$(CC) $(TFLAGS)))
AVX2_TESTS = test_ops_torch test_sinddm_net test_grad test_sd_block
$(eval $(call testbuild,build/nosimd,$(CC) $(TFLAGS) -DRSE_NO_SIMD))
$(eval $(call testbuild,build/san,$(CC) $(TFLAGS) -O1 $(SANFLAGS)))

# The kernel tests and the fused denoiser block's on the NEON path:
# cross-compiled for AArch64 and run under qemu-user when both are installed
# (Debian: gcc-aarch64-linux-gnu, qemu-user); otherwise it says it skipped.
NEON_CC    ?= aarch64-linux-gnu-gcc
NEON_RUN   ?= qemu-aarch64
NEON_TESTS  = test_kernels $(AVX2_TESTS)
$(eval $(call testbuild,build/neon,$(NEON_CC) $(TFLAGS) -static))

test-neon:
	@if command -v $(NEON_CC) >/dev/null 2>&1 && command -v $(NEON_RUN) >/dev/null 2>&1; then \
		$(MAKE) --no-print-directory $(addprefix build/neon/,$(NEON_TESTS)) && \
		RUN_WITH=$(NEON_RUN) sh tests/run.sh $(addprefix build/neon/,$(NEON_TESTS)); \
	else echo "test-neon: skipped ($(NEON_CC) or $(NEON_RUN) not installed)"; fi

# The README's test command.
test: $(addprefix build/simd/,$(TESTS)) nostdio
	@sh tests/run.sh $(addprefix build/simd/,$(ORDERED))
	@echo "again on the AVX2 kernels (RSE_KERNELS=avx2):"
	@RUN_WITH="env RSE_KERNELS=avx2" sh tests/run.sh $(addprefix build/simd/,$(AVX2_TESTS))

test-nosimd: $(addprefix build/nosimd/,$(NOSIMD))
	@sh tests/run.sh $(addprefix build/nosimd/,$(NOSIMD))

sanitize: $(addprefix build/san/,$(PORTABLE))
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 sh tests/run.sh $(addprefix build/san/,$(PORTABLE))

# MemorySanitizer (clang only) sees what ASan and UBSan cannot: a value
# computed from memory nobody wrote. It needs every byte the library computes
# to be tracked, so the scalar kernels (-DRSE_NO_SIMD). tests/test_modes.c
# runs train, sample and every edit mode through the command line;
# test_edit the library's edit paths. MSAN_ORIGINS=1 adds where each
# uninitialised value was allocated (twice as slow; for finding one).
MSAN_TESTS = test_modes test_edit
MSANFLAGS  = -O1 -fsanitize=memory -fno-omit-frame-pointer -DRSE_NO_SIMD $(if $(MSAN_ORIGINS),-fsanitize-memory-track-origins)
build/msan/%: tests/%.c $(TESTDEPS)
	@mkdir -p build/msan
	clang $(TFLAGS) $(MSANFLAGS) -o $@ $< $(LDLIBS)

msan: $(addprefix build/msan/,$(MSAN_TESTS))
	@MSAN_OPTIONS=halt_on_error=1 sh tests/run.sh $(addprefix build/msan/,$(MSAN_TESTS))

# Benchmarks on 2 threads: kernels, the SinDDM denoiser, CLIP ViT-B-32, the
# memory of `rsedit embed` and a whole text edit per CLIP shape (ViT-B-32,
# RN50, ViT-L-14: random fp16 weights from SHARED's key lists), each case in
# its own process, with PyTorch's times alongside when /usr/bin/python3 has
# torch (developer tool only; see BENCH.md). Prints one table and writes
# bench/latest.json.
BENCH_THREADS ?= 2
bench: bench/bench.c $(SRC)
	@mkdir -p build
	$(CC) -std=c99 -O3 $(ARCH) -Wall -Wextra -pedantic -o build/bench bench/bench.c $(LDLIBS)
	$(CC) -std=c99 -O3 $(ARCH) -Wall -Wextra -pedantic -o build/rsedit-native rsedit.c $(LDLIBS)
	./build/bench --threads $(BENCH_THREADS) --shared $(SHARED) $(BENCH_ARGS)

# The kernel rows again on the AVX2 path (-DRSE_NO_AVX512): the issue's
# convolution targets are stated for an AVX2 build, against the AVX2 peak.
bench-avx2: bench/bench.c $(SRC)
	@mkdir -p build
	$(CC) -std=c99 -O3 $(ARCH) -DRSE_NO_AVX512 -Wall -Wextra -pedantic -o build/bench-avx2 bench/bench.c $(LDLIBS)
	./build/bench-avx2 --threads $(BENCH_THREADS) --only kernels --json bench/latest_avx2.json

# A text edit with a ViT-B-32-shaped CLIP at 4, 8 and 16 views (after make bench).
bench-edit:
	sh bench/edit_bench.sh $(SHARED)

# The core must compile with no stdio and link no stdio symbols.
nostdio: $(SRC)
	@mkdir -p build
	$(CC) $(CFLAGS) -DRSE_NO_STDIO -DRSE_NO_MAIN -c -o build/nostdio.o rsedit.c
	@if nm build/nostdio.o | grep -E ' U (f?printf|f?puts|fopen|fclose|fread|fwrite|fputc|putchar|snprintf|vsnprintf|sprintf|perror|stdout|stderr|fflush|fseek|ftell|remove|rename)$$'; then \
		echo "nostdio: the core links stdio symbols (above)"; exit 1; \
	else echo "nostdio: ok, no stdio symbols"; fi

# libFuzzer targets (tests/fuzz/targets.h, one binary per target, corpora in
# tests/fuzz/corpus/<target>/): `make fuzz T=zip` runs one for FUZZTIME
# seconds on one core, `make fuzz-all` runs every one in turn. New inputs go
# to build/fuzz/corpus/<target>; the committed corpus stays as it is (merge
# new finds by hand: libFuzzer's -merge=1, keeping files small).
FUZZTIME ?= 60
T ?= image
FUZZ_TARGETS = image png pngread zip pickle torch safetensors gzip vocab sinddm import prompts roi mask tiff jpeg
# tests/fuzz/coverage_ignore.txt: checksum loops left out of the coverage
# feedback only (still under ASan + UBSan), see the file.
FUZZFLAGS = -std=c99 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-fsanitize-coverage-ignorelist=tests/fuzz/coverage_ignore.txt
# The png target's input is a size and pixel values, with no magic numbers
# for libFuzzer's comparison tracing to find; the per-sample loops of five
# writers and readers made those traces 60% of its time (4x runs without).
FUZZFLAGS_png = -fno-sanitize-coverage=trace-cmp
build/fuzz/fuzz_%: tests/fuzz/fuzz.c tests/fuzz/targets.h tests/fuzz/coverage_ignore.txt $(SRC)
	@mkdir -p build/fuzz
	clang $(FUZZFLAGS) $(FUZZFLAGS_$*) -DFUZZ_NAME='"$*"' -o $@ tests/fuzz/fuzz.c $(LDLIBS)

fuzz: build/fuzz/fuzz_$(T)
	@mkdir -p build/fuzz/corpus/$(T)
	build/fuzz/fuzz_$(T) -max_total_time=$(FUZZTIME) -max_len=65536 -rss_limit_mb=2048 \
		$$(test -f tests/fuzz/$(T).dict && echo -dict=tests/fuzz/$(T).dict) \
		-artifact_prefix=build/fuzz/$(T)- build/fuzz/corpus/$(T) tests/fuzz/corpus/$(T)

fuzz-all:
	@for t in $(FUZZ_TARGETS); do $(MAKE) --no-print-directory fuzz T=$$t || exit 1; done

# Replays every corpus and the corrupt images under ASan + UBSan with one
# plain-main program per target (no clang needed). `make test` does the same
# in-process (tests/test_replay.c).
build/fuzz/replay_%: tests/fuzz/fuzz.c tests/fuzz/targets.h $(SRC)
	@mkdir -p build/fuzz
	$(CC) $(TFLAGS) -O1 $(SANFLAGS) -DRSE_FUZZ_REPLAY -DFUZZ_NAME='"$*"' -o $@ tests/fuzz/fuzz.c $(LDLIBS)

fuzz-replay: $(addprefix build/fuzz/replay_,$(FUZZ_TARGETS))
	@for t in $(FUZZ_TARGETS); do build/fuzz/replay_$$t tests/fuzz/corpus/$$t/* || exit 1; done
	build/fuzz/replay_image tests/corrupt/*.*

# The long checks (minutes): every allocation failure over full loads,
# training and editing; SIGKILLed training resumed bit-exactly; a killed edit
# leaves no partial output; 1 vs 2 threads and SIMD vs scalar outputs; a
# batch SIGKILLed again and again ends with an uninterrupted run's files;
# scenes larger than memory: a 256x256 window edit of 20000x20000 GeoTIFFs
# and window training on a 40000x40000 one, each under 512 MB peak RSS and
# every sample outside the window unchanged (bench/big_window.sh, about
# 3 minutes, 1.2 GB of disk in /tmp).
test-long: build/san/test_alloc_fail rsedit
	RSE_ALLOC_FULL=1 ASAN_OPTIONS=detect_leaks=1 build/san/test_alloc_fail
	CC="$(CC)" ARCH="$(ARCH)" sh tests/kill_resume.sh
	CC="$(CC)" VOCAB="$(SHARED)/data/clip/bpe_simple_vocab_16e6.txt.gz" sh tests/batch_kill.sh
	CC="$(CC)" sh bench/big_window.sh

# The scenes of test-long alone, for BENCH.md's numbers.
bench-window:
	CC="$(CC)" sh bench/big_window.sh

# No warnings under gcc and clang, and the public header parses as C++;
# sinddm.c compiles and links on tensor.h alone (no calls up into rsedit.c);
# the vendoring switches (RSE_NO_CLI, RSE_NO_CLIP, with RSE_NO_STDIO, and
# RSE_NO_PNG_READ) build, and each library links with tests/vendor.c, which
# runs (seconds each); each reader's switch (RSE_NO_PNG_READ, RSE_NO_TIFF,
# RSE_NO_JPEG) builds and links on its own at -O0 (the -O2 builds above
# already give the optimiser's warnings for the code they keep), and all of
# them with RSE_NO_CLIP leave inflate out (core-min-noinflate).
# Four independent groups, so `make -j2 warnings` (what .ci/run calls) runs
# them two at a time.
warnings: warnings-gcc warnings-clang warnings-vendor-gcc warnings-vendor-clang
warnings-gcc: $(SRC)
	@mkdir -p build
	gcc $(CFLAGS) -Werror -o build/rsedit-gcc rsedit.c $(LDLIBS)
	gcc -std=c99 -O3 $(ARCH) -Wall -Wextra -pedantic -Werror -c -o build/rsedit-o3.o rsedit.c
	gcc -std=c99 -O3 $(ARCH) -DRSE_NO_AVX512 -Wall -Wextra -pedantic -Werror -c -o build/rsedit-avx2.o rsedit.c
	gcc $(CFLAGS) -Werror -DRSE_NO_DISPATCH -c -o build/rsedit-nodispatch.o rsedit.c
	gcc -std=c99 -O0 -Wall -Wextra -pedantic -Werror -DRSE_NO_PNG_READ -o build/rsedit-nopng rsedit.c $(LDLIBS)
	gcc -std=c99 -O0 -Wall -Wextra -pedantic -Werror -DRSE_NO_TIFF -o build/rsedit-notiff rsedit.c $(LDLIBS)
	gcc -std=c99 -O0 -Wall -Wextra -pedantic -Werror -DRSE_NO_JPEG -o build/rsedit-nojpeg rsedit.c $(LDLIBS)
	g++ -fsyntax-only -Wall -Wextra -x c++ rsedit.h
	g++ -fsyntax-only -Wall -Wextra -DRSE_NO_CLIP -DRSE_NO_STDIO -x c++ rsedit.h
	printf '#include "rsedit.h"\n#include "tensor.h"\n#include "sinddm.c"\n' | \
		gcc $(CFLAGS) -Werror -I. -x c -c -o build/sinddm-alone.o -
	@if nm build/sinddm-alone.o | grep ' U rse'; then \
		echo "layers: sinddm.c needs the above from rsedit.c"; exit 1; fi
warnings-clang: $(SRC)
	@mkdir -p build
	clang $(CFLAGS) -Werror -o build/rsedit-clang rsedit.c $(LDLIBS)
	clang $(CFLAGS) $(ARCH) -Werror -DRSE_NO_DISPATCH -c -o build/rsedit-clang-native.o rsedit.c
	clang $(CFLAGS) -Werror -DRSE_NO_SIMD -DRSE_NO_THREADS -DRSE_NO_STDIO -DRSE_NO_MAIN -c -o build/core-min.o rsedit.c
	clang $(CFLAGS) -Werror -DRSE_NO_CLIP -DRSE_NO_SIMD -DRSE_NO_THREADS -DRSE_NO_STDIO -c -o build/core-min-noclip.o rsedit.c
	clang $(CFLAGS) -Werror -DRSE_NO_CLIP -DRSE_NO_PNG_READ -DRSE_NO_TIFF -DRSE_NO_SIMD -DRSE_NO_THREADS -DRSE_NO_STDIO -c -o build/core-min-noinflate.o rsedit.c
warnings-vendor-gcc: $(SRC) tests/vendor.c tests/vendor.sh
	sh tests/vendor.sh gcc RSE_NO_CLI RSE_NO_CLI,RSE_NO_STDIO RSE_NO_CLIP RSE_NO_CLIP,RSE_NO_STDIO RSE_NO_CLIP,RSE_NO_PNG_READ
warnings-vendor-clang: $(SRC) tests/vendor.c tests/vendor.sh
	sh tests/vendor.sh clang RSE_NO_CLI RSE_NO_CLIP

# A no-download tour on a scene drawn from code: ./demo/ gets scene.png,
# model.rsm, sample.png and copy.png (about 3 minutes on 2 cores). The
# default build: its kernels are the CPU's widest.
demo: rsedit
	./rsedit demo -o demo

# The program, the header and the man page; DESTDIR (for packagers) is
# prepended to PREFIX. uninstall removes exactly those three files.
install: rsedit
	mkdir -p $(DESTDIR)$(PREFIX)/bin $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/share/man/man1
	cp rsedit $(DESTDIR)$(PREFIX)/bin/rsedit
	chmod 755 $(DESTDIR)$(PREFIX)/bin/rsedit
	cp rsedit.h $(DESTDIR)$(PREFIX)/include/rsedit.h
	chmod 644 $(DESTDIR)$(PREFIX)/include/rsedit.h
	cp rsedit.1 $(DESTDIR)$(PREFIX)/share/man/man1/rsedit.1
	chmod 644 $(DESTDIR)$(PREFIX)/share/man/man1/rsedit.1

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/bin/rsedit $(DESTDIR)$(PREFIX)/include/rsedit.h \
		$(DESTDIR)$(PREFIX)/share/man/man1/rsedit.1

clean:
	rm -rf build rsedit demo
