/* Tests of the SinDDM schedules against the reference's numbers
   (the .tsv files in tests/fixtures/sinddm, written by tools/sinddm_fixtures.py with
   the reference's numpy / torch code):
   - schedule.tsv: every float64 buffer for T = 100. Tolerance: relative
     error <= 1e-6 (the bar for float64-derived values). We compute
     in the same operation order as numpy, so the only differences come from
     numpy's SIMD cos/log vs libm (1-3 ulp); the measured maximum is printed.
   - the float32 buffers must be the float64 ones rounded, within 1 float ulp
     of the reference's rounding (a few-ulp double difference can flip a
     float rounding).
   - gammas.tsv: the reference's float32 gamma rows for two real images:
     within 1 float ulp (relative error <= 1.2e-7, under the 1e-6 bar; the
     float64 quotient may differ in its last bits, which can flip a float
     rounding).
   - pyramid.tsv: t_start from each rescale loss must equal the reference's.
   None of these need the shared data. */
#include "test.h"

#define FIX "tests/fixtures/sinddm/"


/* Relative error, with exact zeros required to match exactly. */
static double t_rel(double got, double want) {
    if (want == 0.0) return got == 0.0 ? 0.0 : 1.0;
    return fabs(got - want) / fabs(want);
}

/* distance in float ulps (both finite, same sign in practice) */
static int t_ulps(float a, float b) {
    int32_t ia, ib;
    memcpy(&ia, &a, 4); memcpy(&ib, &b, 4);
    return ia > ib ? ia - ib : ib - ia;
}

static void test_buffers(void) {
    rse__sched sc;
    FILE *f = fopen(FIX "schedule.tsv", "r");
    char line[4096], *fl[20];
    int rows = 0, i;
    double maxrel = 0;
    int maxulp = 0;
    CHECK(f != 0, "cannot open " FIX "schedule.tsv (run from the repository root)");
    if (!f) return;
    CHECK(rse__sched_init(&sc, 100, 0, 1) == RSE_STATUS_OK, "sched init: %s", rse_last_error());
    while (fgets(line, sizeof line, f)) {
        /* column order of the fixture (see the tool) */
        const double *d[13];
        const float *fv[13];
        int t;
        if (line[0] == '#') continue;
        if (t_split(line, fl, 20) != 14) { CHECK(0, "schedule.tsv: bad line"); continue; }
        t = atoi(fl[0]);
        if (t < 0 || t >= 100) { CHECK(0, "schedule.tsv: bad t %d", t); continue; }
        d[0] = sc.d.betas; d[1] = sc.d.alphas_cumprod; d[2] = sc.d.alphas_cumprod_prev;
        d[3] = sc.d.sqrt_ac; d[4] = sc.d.sqrt_1m_ac; d[5] = sc.d.log_1m_ac;
        d[6] = sc.d.sqrt_recip_ac; d[7] = sc.d.sqrt_recipm1_ac; d[8] = sc.d.post_var;
        d[9] = sc.d.post_logvar; d[10] = sc.d.post_c1; d[11] = sc.d.post_c2; d[12] = sc.d.sigma;
        fv[0] = sc.f.betas; fv[1] = sc.f.alphas_cumprod; fv[2] = sc.f.alphas_cumprod_prev;
        fv[3] = sc.f.sqrt_ac; fv[4] = sc.f.sqrt_1m_ac; fv[5] = sc.f.log_1m_ac;
        fv[6] = sc.f.sqrt_recip_ac; fv[7] = sc.f.sqrt_recipm1_ac; fv[8] = sc.f.post_var;
        fv[9] = sc.f.post_logvar; fv[10] = sc.f.post_c1; fv[11] = sc.f.post_c2; fv[12] = sc.f.sigma;
        for (i = 0; i < 13; i++) {
            double want = strtod(fl[i + 1], 0);
            double rel = t_rel(d[i][t], want);
            int u = t_ulps(fv[i][t], (float)want);
            if (rel > maxrel) maxrel = rel;
            if (u > maxulp) maxulp = u;
            CHECK(rel <= 1e-6, "schedule column %d, t = %d: %.17g, reference %.17g", i + 1, t,
                  d[i][t], want);
            CHECK(u <= 1, "schedule column %d, t = %d: float32 %.9g vs %.9g", i + 1, t,
                  (double)fv[i][t], (double)(float)want);
        }
        rows++;
    }
    fclose(f);
    CHECK(rows == 100, "schedule.tsv has %d rows, want 100", rows);
    /* The documented values (sinddm.md section 4), independent of the
       fixture: beta_99 clipped at 0.999, abar_99 = 2.43e-7, sigma_25 = 0.4435. */
    CHECK(sc.d.betas[99] == 0.999, "beta_99 = %g", sc.d.betas[99]);
    CHECK(fabs(sc.d.alphas_cumprod[99] - 2.43e-7) < 0.01e-7, "abar_99 = %g", sc.d.alphas_cumprod[99]);
    CHECK(fabs(sc.d.sigma[25] - 0.4435) < 1e-4, "sigma_25 = %g", sc.d.sigma[25]);
    CHECK(fabs(sc.d.betas[0] - 6.31e-4) < 0.01e-4, "beta_0 = %g", sc.d.betas[0]);
    printf("schedule: max rel. error of float64 buffers %.3g; float32 within %d ulp\n",
           maxrel, maxulp);
    rse__sched_free(&sc);
}

static void test_gammas(void) {
    FILE *f = fopen(FIX "gammas.tsv", "r");
    char line[8192], *fl[110];
    int rows = 0, t;
    int maxulp = 0;
    CHECK(f != 0, "cannot open " FIX "gammas.tsv");
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        rse__sched sc;
        double loss[2];
        if (line[0] == '#') continue;
        if (t_split(line, fl, 110) != 103) { CHECK(0, "gammas.tsv: bad line"); continue; }
        loss[0] = 0; loss[1] = strtod(fl[2], 0);
        if (rse__sched_init(&sc, 100, loss, 2) != RSE_STATUS_OK) { CHECK(0, "sched init"); continue; }
        for (t = 0; t < 100; t++) {
            float want = strtof(fl[3 + t], 0);  /* %.9g: exact for a float */
            int u = t_ulps(rse__sched_gamma(&sc, 1, t, 0), want);
            float gs = rse__sched_gamma(&sc, 1, t, 1);
            if (u > maxulp) maxulp = u;
            CHECK(u <= 1, "%s scale %s t %d: gamma %.9g, reference %.9g", fl[0], fl[1], t,
                  (double)rse__sched_gamma(&sc, 1, t, 0), (double)want);
            /* sampling caps at 0.55 (float32) */
            CHECK(gs == (want > 0.55f ? 0.55f : rse__sched_gamma(&sc, 1, t, 0)),
                  "sampling gamma cap at t %d", t);
        }
        /* gamma is 1 from t_start on (sigma_t > L there) and below 1 before */
        {
            int ok = sc.t_start[1] > 0 && rse__sched_gamma(&sc, 1, sc.t_start[1] - 1, 0) < 1.0f;
            for (t = sc.t_start[1]; t < 100; t++) ok &= rse__sched_gamma(&sc, 1, t, 0) == 1.0f;
            CHECK(ok, "gamma reaches 1 exactly at t_start %d", sc.t_start[1]);
        }
        CHECK(rse__sched_gamma(&sc, 0, 5, 0) == 0.0f, "no gamma at scale 0");
        rse__sched_free(&sc);
        rows++;
    }
    fclose(f);
    CHECK(rows >= 8, "gammas.tsv: %d rows", rows);
    printf("schedule: gammas within %d float ulp over %d rows\n", maxulp, rows);
}

/* Start timesteps from the reference's rescale losses (no images needed). */
static void test_t_start(void) {
    FILE *f = fopen(FIX "pyramid.tsv", "r");
    char line[2048], *fl[20];
    int n = 0;
    CHECK(f != 0, "cannot open " FIX "pyramid.tsv");
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        int s, want;
        double L;
        if (line[0] == '#') continue;
        if (t_split(line, fl, 20) != 17) { CHECK(0, "pyramid.tsv: bad line"); continue; }
        s = atoi(fl[8]); want = atoi(fl[12]); L = strtod(fl[11], 0);
        if (s == 0) { CHECK(want == 100, "coarsest t_start is 100"); continue; }
        CHECK(rse__sched_t_ideal(100, L) == want, "%s s%d: loss %g gives t_start %d, reference %d",
              fl[0], s, L, rse__sched_t_ideal(100, L), want);
        n++;
    }
    fclose(f);
    CHECK(n >= 70, "only %d t_start rows", n);
    /* Without the uint8 wrap-around the losses would be ~25x smaller and
       T_start would collapse (sinddm.md: [2, 1, 1, 0] for the 256^2 test). */
    CHECK(rse__sched_t_ideal(100, 0.052) == 2 && rse__sched_t_ideal(100, 0.017) == 0,
          "small losses give tiny start timesteps");
    /* argmax of all-false is 0 */
    CHECK(rse__sched_t_ideal(100, 1e9) == 0, "loss above every sigma gives 0");
}

static void test_args(void) {
    rse__sched sc;
    double loss[3] = {0, 0, 0.5};
    CHECK(rse__sched_init(&sc, 0, 0, 1) == RSE_STATUS_BAD_ARG, "T = 0 rejected");
    CHECK(rse__sched_init(&sc, 100, 0, 3) == RSE_STATUS_BAD_ARG, "missing losses rejected");
    /* a zero loss: the reference's sigma/0 = inf clamps to gamma 1, t_start 0 */
    CHECK(rse__sched_init(&sc, 100, loss, 3) == RSE_STATUS_OK &&
          rse__sched_gamma(&sc, 1, 0, 0) == 1.0f && sc.t_start[1] == 0 &&
          sc.t_start[2] == rse__sched_t_ideal(100, 0.5), "zero loss");
    rse__sched_free(&sc);
    /* other T: the schedule still ends clipped and starts small */
    CHECK(rse__sched_init(&sc, 1000, 0, 1) == RSE_STATUS_OK && sc.d.betas[999] == 0.999 &&
          sc.d.betas[0] < 1e-4, "T = 1000");
    rse__sched_free(&sc);
}

int main(void) {
    test_buffers();
    test_gammas();
    test_t_start();
    test_args();
    return t_report("test_schedule");
}
