#!/bin/sh
# tests/batch_kill.sh - `rsedit batch` killed with SIGKILL at any moment and
# started again ends with exactly the files of an uninterrupted run (make
# test-long; about a minute on 2 cores). From the repository root.
#
# A 4-job manifest (3 models to train with checkpoints every 10 steps, text
# edits with the colour CLIP fixture when the shared vocabulary is there,
# content copies, count 2) runs once uninterrupted into ref/. Then, 3 times
# from an empty folder, the same command is started and SIGKILLed over and
# over (odd rounds after a random 0.05-0.8 s, even rounds as soon as a
# temporary file appears: inside a PNG, job.json or checkpoint write) until
# a run finishes by itself. Each final folder must hold the same files as
# ref/, byte for byte, except the one line of each job.json that holds
# times ("seconds"); no temporary file may be left, no model half-trained.
set -u
R=${R:-./rsedit}
D=build/long
W=$D/batch
T=$D/long_tool
CC=${CC:-cc}
VOCAB=${VOCAB:-../shared/data/clip/bpe_simple_vocab_16e6.txt.gz}
mkdir -p $D
[ -x $R ] || { echo "batch_kill: build $R first (make rsedit)"; exit 1; }
$CC -std=c99 -O2 -o $T tests/long_tool.c -lm -lpthread || exit 1
rm -rf $W
mkdir -p $W/in
pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() { echo "FAIL: $*"; fail=$((fail + 1)); }
alive() {
    read -r st 2>/dev/null < /proc/$1/stat || return 1
    case "$st" in *") Z "* | *") X "*) return 1 ;; esac
    return 0
}

$T image $W/in/a.ppm 64 48 5 || exit 1
$T image $W/in/b.ppm 64 48 6 || exit 1
if [ -f "$VOCAB" ]; then
    CLIP="--clip tests/fixtures/clip/color_clip.pt --vocab $VOCAB --views 1"
    cat > $W/in/jobs.jsonl <<'EOF'
{"id": "a", "image": "a.ppm", "text": "a fire in the forest", "roi": ["20x16+8+8"], "count": 2, "seed": 1}
{"id": "b", "image": "a.ppm", "copy_from": "10x10+2+2", "copy_to": ["10x10+40+30"], "seed": 2}
{"id": "c", "image": "b.ppm", "text": "the river is flooding", "window": "48x36+8+6"}
{"id": "d", "image": "b.ppm", "copy_from": "10x10+2+2", "copy_to": ["10x10+40+30"], "count": 2}
EOF
else
    echo "batch_kill: $VOCAB absent: content copies only (no text jobs)"
    CLIP=""
    cat > $W/in/jobs.jsonl <<'EOF'
{"id": "a", "image": "a.ppm", "copy_from": "20x16+8+8", "copy_to": ["20x16+30+20"], "count": 2, "seed": 1}
{"id": "b", "image": "a.ppm", "copy_from": "10x10+2+2", "copy_to": ["10x10+40+30"], "seed": 2}
{"id": "c", "image": "b.ppm", "copy_from": "8x8+2+2", "copy_to": ["8x8+20+20"], "window": "48x36+8+6"}
{"id": "d", "image": "b.ppm", "copy_from": "10x10+2+2", "copy_to": ["10x10+40+30"], "count": 2}
EOF
fi
TRAIN='{"preset": "tiny", "steps": 150, "dim": 8, "save_every": 10}'
run() { # run OUT [THREADS]: the batch command (exec: "run ... &" gives
         # $! the pid of rsedit itself, which the kill must hit)
    # shellcheck disable=SC2086
    exec $R batch $W/in/jobs.jsonl -o "$1" $CLIP --train "$TRAIN" --threads "${2:-2}" --quiet
}

# the folder without the times: every file, job.json minus its "seconds" line
snapshot() { # snapshot DIR > listing
    (cd "$1" && find . -type f | LC_ALL=C sort | while read -r f; do
        case "$f" in
        */job.json) echo "== $f"; grep -v '^  "seconds": ' "$f" ;;
        *) echo "== $f $(cksum < "$f")" ;;
        esac
    done)
}

start=$(date +%s)
(run $W/ref 1) || bad "uninterrupted run"
secs=$(( $(date +%s) - start ))
snapshot $W/ref > $W/ref.txt
n=$(grep -c '^== ' $W/ref.txt)
[ "$n" -ge 19 ] && ok || bad "the uninterrupted run wrote $n files"
echo "batch_kill: uninterrupted run: $n files in ${secs}s"

kills=0
inwrite=0
for c in 1 2 3; do
    K=$W/k$c
    i=0
    while :; do
        i=$((i + 1))
        [ $i -gt 200 ] && { bad "campaign $c never finished between kills"; break; }
        (run $K 2 2>/dev/null) &
        pid=$!
        if [ $((i % 2)) -eq 0 ]; then
            # poll (shell builtins only: fast) for a temporary file of this
            # process, a checkpoint or an output: kill inside a write
            while alive $pid; do
                for f in $K/*/*.tmp.$pid; do break; done
                [ -e "$f" ] && break
            done
        else
            sleep "$(awk "BEGIN { srand($c * 1000 + $i); printf \"%.3f\", 0.05 + rand() * 0.75 }")"
        fi
        if kill -9 $pid 2>/dev/null; then
            wait $pid 2>/dev/null
            kills=$((kills + 1))
            [ -n "$(find $K -name "*.tmp.$pid" 2>/dev/null | head -n 1)" ] && inwrite=$((inwrite + 1))
        else
            wait $pid
            rc=$?
            [ $rc -eq 0 ] || bad "campaign $c: a run ended with status $rc"
            break
        fi
    done
    # one more run: nothing left to do, nothing may change
    # shellcheck disable=SC2086
    $R batch $W/in/jobs.jsonl -o $K $CLIP --train "$TRAIN" 2>$W/last.txt || bad "campaign $c: the run after completion failed"
    grep -q " 0 done now, 4 done before, 0 failed" $W/last.txt && ok || bad "campaign $c: the run after completion did work: $(tail -n 1 $W/last.txt)"
    snapshot $K > $W/k$c.txt
    if cmp -s $W/ref.txt $W/k$c.txt; then ok; else bad "campaign $c: files differ from the uninterrupted run:"; diff $W/ref.txt $W/k$c.txt | head -20; fi
    left=$(find $K -name '*.tmp.*' -o -name '*.part' | wc -l)
    [ "$left" -eq 0 ] && ok || bad "campaign $c: $left temporary or half-trained files left"
    echo "batch_kill: campaign $c finished after $i runs"
done
echo "batch_kill: $kills kills ($inwrite inside a file write)"
[ $kills -ge 15 ] && ok || bad "only $kills kills (the runs finished too fast)"
echo "batch_kill: $pass passed, $fail failed"
[ $fail -eq 0 ] && rm -rf $W
[ $fail -eq 0 ]
