#!/bin/sh
# Scenes larger than memory (issue 21): a 256x256 window edit of a
# 20000x20000 Deflate GeoTIFF and a 256x256 window training on a
# 40000x40000 one, each run under /usr/bin/time -v for its peak RSS.
#   sh bench/big_window.sh [DIR]     (DIR: where the scenes go, default /tmp/rse_big;
#                                     removed at the end)
# The scenes are made by bench/big_tiff.c: tiles of a few kinds repeated
# (small on disk; 1.2 and 4.8 GB of pixels), and a 20000x20000 one whose
# every tile has noise of its own (about 1 GB of Deflate, each tile
# compressed on its own). Prints the machine, the load, and for each run
# the command, its wall time and peak RSS; fails if a peak passes 512 MB
# or if big_tiff compare finds a sample outside the window changed.
set -e
DIR=${1:-/tmp/rse_big}
CC=${CC:-cc}
mkdir -p "$DIR" build
make -s rsedit
$CC -std=c99 -O2 -o build/big_tiff bench/big_tiff.c -lm -lpthread
date -u '+%Y-%m-%d %H:%M UTC'
grep -m1 'model name' /proc/cpuinfo || true
echo "cores: $(nproc)"; uptime
df -h "$DIR" | tail -1

run() {   # label, then the command
    label=$1; shift
    echo "\$ $*"
    /usr/bin/time -v "$@" 2> "$DIR/time.txt" || { cat "$DIR/time.txt"; exit 1; }
    rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' "$DIR/time.txt")
    wall=$(sed -n 's/.*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$DIR/time.txt")
    echo "$label: wall $wall, peak RSS $((rss / 1024)) MB"
    if [ "$rss" -gt $((512 * 1024)) ]; then echo "big_window: $label peaked above 512 MB"; exit 1; fi
}

W20=256x256+10000+10000
build/big_tiff write 20000 20000 "$DIR/scene20k.tif"
./rsedit info "$DIR/scene20k.tif" | sed -n '2p;4p;6,8p;13p'
run "train --window (20000^2)" ./rsedit train "$DIR/scene20k.tif" -o "$DIR/w20.rsm" --window $W20 --preset tiny --steps 200 --quiet
run "edit --window (20000^2)" ./rsedit edit "$DIR/w20.rsm" "$DIR/scene20k.tif" -o "$DIR/out20k.tif" --window $W20 \
    --copy-from 64x64+10030+10030 --copy-to 64x64+10160+10150 --quiet
./rsedit info "$DIR/out20k.tif" | sed -n '2p;6,8p;13p'
build/big_tiff compare "$DIR/scene20k.tif" "$DIR/out20k.tif" $W20

build/big_tiff write 20000 20000 "$DIR/noisy20k.tif" noisy
run "edit --window (20000^2, every tile its own)" ./rsedit edit "$DIR/w20.rsm" "$DIR/noisy20k.tif" -o "$DIR/nout20k.tif" \
    --window $W20 --copy-from 64x64+10030+10030 --copy-to 64x64+10160+10150 --quiet
build/big_tiff compare "$DIR/noisy20k.tif" "$DIR/nout20k.tif" $W20
rm -f "$DIR/noisy20k.tif" "$DIR/nout20k.tif"

W40=256x256+20000+20000
build/big_tiff write 40000 40000 "$DIR/scene40k.tif"
run "train --window (40000^2)" ./rsedit train "$DIR/scene40k.tif" -o "$DIR/w40.rsm" --window $W40 --preset tiny --steps 200 --quiet
run "edit --window (40000^2)" ./rsedit edit "$DIR/w40.rsm" "$DIR/scene40k.tif" -o "$DIR/out40k.tif" --window $W40 \
    --copy-from 64x64+20030+20030 --copy-to 64x64+20160+20150 --quiet
build/big_tiff compare "$DIR/scene40k.tif" "$DIR/out40k.tif" $W40
ls -l "$DIR"
uptime
rm -rf "$DIR"
