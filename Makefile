# rsedit - one translation unit, no dependencies beyond libc, libm, pthreads.
#
#   make              build ./rsedit (portable: no -march, no fast-math)
#   make native       build ./rsedit with -O3 -march=native (AVX2/FMA, NEON)
#   make test         all tests, SIMD kernels on (-march=native)
#   make test-nosimd  all tests with -DRSE_NO_SIMD (the scalar reference path)
#   make sanitize     all tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   make fuzz         libFuzzer targets (clang), run briefly on their corpora
#   make bench        benchmarks against PyTorch (table + bench/latest.json)
#   make demo         build and run the main job on a built-in default
#
# Data shared with the project (images, vocab, CLIP fixtures) is read from
# SHARED; tests that need it say "skipped" when it is absent.

CC      ?= cc
CFLAGS  ?= -std=c99 -O2 -Wall -Wextra -pedantic
LDLIBS  ?= -lm -lpthread
ARCH    ?= -march=native
SHARED  ?= ../shared
SRC      = rsedit.c rsedit.h tensor.h sinddm.c clip.c
TESTS    = $(patsubst tests/%.c,%,$(wildcard tests/test_*.c))
TFLAGS   = -std=c99 -O2 -g1 -Wall -Wextra -pedantic -DRSE_SHARED='"$(SHARED)"'
SANFLAGS = -fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer

.PHONY: all native test test-nosimd sanitize nostdio warnings fuzz fuzz-replay bench bench-edit demo clean

all: rsedit

rsedit: $(SRC)
	$(CC) $(CFLAGS) -o $@ rsedit.c $(LDLIBS)

# Same program, tuned for this machine.
native: $(SRC)
	$(CC) $(CFLAGS) -O3 $(ARCH) -o rsedit rsedit.c $(LDLIBS)

build/simd/%: tests/%.c tests/test.h $(SRC)
	@mkdir -p build/simd
	$(CC) $(TFLAGS) $(ARCH) -o $@ $< $(LDLIBS)

build/nosimd/%: tests/%.c tests/test.h $(SRC)
	@mkdir -p build/nosimd
	$(CC) $(TFLAGS) -DRSE_NO_SIMD -o $@ $< $(LDLIBS)

build/san/%: tests/%.c tests/test.h $(SRC)
	@mkdir -p build/san
	$(CC) $(TFLAGS) -O1 $(ARCH) $(SANFLAGS) -o $@ $< $(LDLIBS)

# The README's test command.
test: $(addprefix build/simd/,$(TESTS)) nostdio
	@sh tests/run.sh $(addprefix build/simd/,$(TESTS))

test-nosimd: $(addprefix build/nosimd/,$(TESTS))
	@sh tests/run.sh $(addprefix build/nosimd/,$(TESTS))

sanitize: $(addprefix build/san/,$(TESTS))
	@ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 sh tests/run.sh $(addprefix build/san/,$(TESTS))

# Benchmarks on 2 threads: kernels, the SinDDM denoiser, CLIP ViT-B-32 and
# the memory of `rsedit embed`, each case in its own process, with PyTorch's
# times alongside when /usr/bin/python3 has torch (developer tool only; see
# BENCH.md). Prints one table and writes bench/latest.json.
BENCH_THREADS ?= 2
bench: bench/bench.c $(SRC)
	@mkdir -p build
	$(CC) -std=c99 -O3 $(ARCH) -Wall -Wextra -pedantic -o build/bench bench/bench.c $(LDLIBS)
	$(CC) -std=c99 -O3 $(ARCH) -Wall -Wextra -pedantic -o build/rsedit-native rsedit.c $(LDLIBS)
	./build/bench --threads $(BENCH_THREADS) $(BENCH_ARGS)

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

# libFuzzer target for the image codecs: FUZZTIME seconds on one core. New
# inputs go to build/fuzz/corpus; the committed seeds stay as they are.
FUZZTIME ?= 60
FUZZFLAGS = -std=c99 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all
fuzz: tests/fuzz/fuzz_image.c $(SRC)
	@mkdir -p build/fuzz/corpus
	clang $(FUZZFLAGS) -o build/fuzz/fuzz_image tests/fuzz/fuzz_image.c $(LDLIBS)
	build/fuzz/fuzz_image -max_total_time=$(FUZZTIME) -dict=tests/fuzz/image.dict \
		-artifact_prefix=build/fuzz/ build/fuzz/corpus tests/fuzz/corpus/image tests/corrupt

# Replays the fuzz corpus and the corrupt files under ASan + UBSan (no clang needed).
fuzz-replay: tests/fuzz/fuzz_image.c $(SRC)
	@mkdir -p build/fuzz
	$(CC) $(TFLAGS) -O1 $(SANFLAGS) -DRSE_FUZZ_REPLAY -o build/fuzz/replay_image tests/fuzz/fuzz_image.c $(LDLIBS)
	build/fuzz/replay_image tests/fuzz/corpus/image/* tests/corrupt/*

# No warnings under gcc and clang, and the public header parses as C++.
warnings: $(SRC)
	@mkdir -p build
	gcc $(CFLAGS) -Werror -o build/rsedit-gcc rsedit.c $(LDLIBS)
	gcc -std=c99 -O3 $(ARCH) -Wall -Wextra -pedantic -Werror -c -o build/rsedit-o3.o rsedit.c
	clang $(CFLAGS) -Werror -o build/rsedit-clang rsedit.c $(LDLIBS)
	clang $(CFLAGS) -Werror -DRSE_NO_SIMD -DRSE_NO_THREADS -DRSE_NO_STDIO -DRSE_NO_MAIN -c -o build/core-min.o rsedit.c
	g++ -fsyntax-only -Wall -Wextra -x c++ rsedit.h

# A no-download tour on a scene drawn from code: ./demo/ gets scene.png,
# model.rsm, sample.png and copy.png (about 3 minutes on 2 cores).
demo: native
	./rsedit demo -o demo

clean:
	rm -rf build rsedit demo
