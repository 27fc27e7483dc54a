#!/bin/sh
# bench/preset_quality.sh - how good is a training preset? (issue 3's table)
#
#   sh bench/preset_quality.sh RSEDIT IMAGE OUTDIR [train flags...]
#
# Trains IMAGE with the given flags (e.g. --preset cpu, or --dim 32 --steps
# 6000), timing the run, then draws 8 samples (seed 0) and scores them with
# `rsedit quality --baseline`: the SWD of the samples to IMAGE beside the SWD
# of 8 copies of IMAGE shifted by 0..8 px (a floor), and the samples'
# diversity. Prints one line:
#   image flags | train s | SWD | baseline SWD | SWD/baseline | diversity
# Everything (model, log, samples, quality JSON) stays in OUTDIR. Training is
# deterministic for any thread count, so --threads changes only the time.
set -eu
R=$1 IMG=$2 OUT=$3
shift 3
mkdir -p "$OUT"
name=$(basename "$IMG" .ppm)
rm -f "$OUT/model.rsm"
t0=$(date +%s.%N)
"$R" train "$IMG" -o "$OUT/model.rsm" "$@" 2> "$OUT/train.log"
t1=$(date +%s.%N)
"$R" sample "$OUT/model.rsm" -o "$OUT/s.ppm" --count 8 --seed 0 --quiet
"$R" quality "$IMG" "$OUT"/s_*.ppm --baseline --json > "$OUT/quality.json"
awk -v name="$name" -v flags="$*" -v t0="$t0" -v t1="$t1" '
    { s = s $0 }
    END {
        swd = s; sub(/.*"swd": */, "", swd); sub(/[,}].*/, "", swd)
        base = s; sub(/.*"baseline_swd": */, "", base); sub(/[,}].*/, "", base)
        div = s; sub(/.*"diversity": */, "", div); sub(/[,}].*/, "", div)
        printf "%s | %s | %.0f s | SWD %.2f | baseline %.2f | ratio %.2f | diversity %.3f\n",
               name, flags, t1 - t0, swd, base, (base > 0 ? swd / base : -1), div
    }' "$OUT/quality.json"
