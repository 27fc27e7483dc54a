#!/bin/sh
# Times a text edit of a 256x256 image with a ViT-B-32-shaped CLIP (random
# fp16 weights, written by `make bench` into build/) at 4, 8 and 16 views.
# The model is a quick tiny SinDDM on the shared forest image: the edit's
# cost is the guidance (CLIP forward + input gradient through every view at
# every guided step), not the denoiser. Needs ../shared (image, vocabulary).
# Usage: sh bench/edit_bench.sh [SHARED]       (after make bench)
set -e
shared=${1:-../shared}
img=$shared/data/rsi/forest_256.ppm
vocab=$shared/data/clip/bpe_simple_vocab_16e6.txt.gz
clip=build/bench_vitb32_fp16.safetensors
bin=build/rsedit-native
for f in "$img" "$vocab" "$clip" "$bin"; do
    [ -e "$f" ] || { echo "edit_bench: missing $f (run make bench first; needs $shared)"; exit 1; }
done
rm -f build/edit_bench.rsm
$bin train "$img" -o build/edit_bench.rsm --preset tiny --steps 50 --quiet --threads 2
# peak RSS too where GNU time is installed (issue 25's other target)
timer=""
[ -x /usr/bin/time ] && timer="/usr/bin/time -f %M -o build/edit_bench.rss"
for v in 4 8 16; do
    s=$(date +%s.%N)
    $timer $bin edit build/edit_bench.rsm "$img" -o build/edit_bench_v$v.png --clip "$clip" --vocab "$vocab" \
        --text "a fire in the forest" --views $v --seed 1 --threads 2 --quiet
    e=$(date +%s.%N)
    rss=""
    [ -n "$timer" ] && rss=$(printf ', peak RSS %d MB' $(($(cat build/edit_bench.rss) / 1024)))
    printf 'edit 256x256 (223x223 finest), ViT-B-32 fp16, %2d views: %6.1f s%s (load %s)\n' $v \
        "$(echo "$e - $s" | bc -l)" "$rss" "$(cut -d' ' -f1 /proc/loadavg)"
done
echo "the edit rows with GFLOP and % of peak, for ViT-B-32, RN50 and ViT-L-14: build/bench --only edit"
