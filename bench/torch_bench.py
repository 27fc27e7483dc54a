"""PyTorch timings for the shapes of bench/bench_kernels.c (developer tool;
the build never needs Python). Prints one line per case: "<key> <ms>", the
best of a few runs, with 2 threads like the C bench."""
import sys
import time
import torch

torch.set_num_threads(2)
torch.manual_seed(0)


def best_ms(fn, reps=3):
    fn()  # warm-up (and oneDNN primitive creation)
    best = float("inf")
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best * 1e3


def conv_case(key, n, cin, hw, cout, k, stride, pad, groups):
    """Forward, backward to the input only, backward to weight and bias only."""
    x = torch.randn(n, cin, hw, hw)
    w = torch.randn(cout, cin // groups, k, k)
    b = torch.randn(cout)
    ho = (hw + 2 * pad - k) // stride + 1
    g = torch.randn(n, cout, ho, ho)
    conv = torch.ops.aten.convolution_backward
    args = ([cout], [stride, stride], [pad, pad], [1, 1], False, [0, 0], groups)
    fwd = best_ms(lambda: torch.nn.functional.conv2d(x, w, b, stride=stride, padding=pad, groups=groups))
    bwd_d = best_ms(lambda: conv(g, x, w, *args, [True, False, False]))
    bwd_w = best_ms(lambda: conv(g, x, w, *args, [False, True, True]))
    print("fwd_%s %.4f" % (key, fwd))
    print("bwdd_%s %.4f" % (key, bwd_d))
    print("bwdw_%s %.4f" % (key, bwd_w))
    sys.stdout.flush()


def main():
    with torch.no_grad():
        for cin, cout in ((80, 160), (160, 160)):
            for hw in (111, 223):
                for n in (1, 4):
                    conv_case("%d_%d_%d_%d" % (cin, cout, hw, n), n, cin, hw, cout, 3, 1, 1, 1)
        conv_case("dw_160_223_1", 1, 160, 223, 160, 5, 1, 2, 160)
        conv_case("pw_80_160_223_1", 1, 80, 223, 160, 1, 1, 0, 1)
        conv_case("patch_3_768_224_1", 1, 3, 224, 768, 32, 32, 0, 1)
        for m, n, k, tb in ((512, 512, 512, 0), (1024, 1024, 1024, 0), (50, 3072, 768, 0), (50, 3072, 768, 1)):
            a = torch.randn(m, k)
            bm = torch.randn(n, k) if tb else torch.randn(k, n)
            f = (lambda: a @ bm.t()) if tb else (lambda: a @ bm)
            print("gemm_%d_%d_%d_%d %.4f" % (m, n, k, tb, best_ms(f, 5)))


if __name__ == "__main__":
    main()
