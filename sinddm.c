/* sinddm.c - SinDDM (Kulikov et al. 2023): a denoiser trained on ONE image
   over a multi-scale pyramid, sampled coarse to fine.

   Included by rsedit.c after tensor.h; knows nothing of CLIP or the CLI.
   Reads top to bottom like the paper: pyramid -> schedule -> network -> loss
   -> training -> sampling. The reference behaviour it reproduces is specified
   in the project's docs (sinddm.md).
*/

/* ===========================================================================
   Pyramid
   ========================================================================= */

/* ===========================================================================
   Schedules
   ========================================================================= */

/* ===========================================================================
   Network
   ========================================================================= */

/* The denoiser (the reference's SinDDMNet, sinddm.md section 2): fully
   convolutional, no normalisation, no down- or upsampling, no attention.
   It predicts the noise eps of x_t, conditioned on the timestep t and the
   scale s through one 32-wide vector that every block turns into a
   per-channel bias:

     emb   (B,64)  = [sin(t f), cos(t f), sin(s f), cos(s f)],  f_k = 10000^(-k/15)
     cond  (B,32)  = Linear(128->32)(GELU(Linear(64->128)(emb)))
     block(x; din -> dout):
         c  = time_reshape(Linear(32->32)(GELU(cond)))          (B,din,1,1)
         h  = dwconv5x5(x) + c                                   (B,din,H,W)
         h  = conv3x3(GELU(conv3x3(h)))                          (B,dout,H,W)
         out = h + (din != dout ? conv1x1(x) : x)
     net   = conv1x1(block4(block3(block2(block1(x)))))   3 -> dim/2 -> dim
                                                           -> dim -> dim/2 -> 3
   Every weight lives in one float array, in the order of the reference's
   state dict, so Adam, the EMA and the checkpoints are flat loops over it
   and importing a reference checkpoint is a name-by-name copy. */

#define RSE_SD_TIME_DIM 32      /* width of each sinusoidal embedding and of cond */
#define RSE_SD_MAX_PARAMS 64
#define RSE_SD_MAX_DIM 4096     /* a sanity cap for dims read from files */

typedef struct rse_sd_param {
    char name[40];   /* state-dict key without the "denoise_fn." prefix */
    int nd, shape[4];
    size_t off, n;   /* position in the flat weight array */
    size_t fan_in;   /* PyTorch's fan-in for the default initialisation */
} rse_sd_param;

typedef struct rse_sd_block {
    int din, dout;
    rse_tensor mlp_w, mlp_b;   /* (32,32), (32)                      */
    rse_tensor tr_w, tr_b;     /* time_reshape: (din,32) view of a   */
                               /* (din,32,1,1) conv, (din)           */
    rse_tensor dw_w, dw_b;     /* (din,1,5,5), (din)                 */
    rse_tensor c1_w, c1_b;     /* (dout,din,3,3), (dout)             */
    rse_tensor c2_w, c2_b;     /* (dout,dout,3,3), (dout)            */
    rse_tensor res_w, res_b;   /* (dout,din,1,1), (dout) if din != dout */
} rse_sd_block;

typedef struct rse_sd_net {
    int dim, half;             /* dim (default 160) and dim/2        */
    int nparams;
    rse_sd_param p[RSE_SD_MAX_PARAMS];
    size_t total;              /* number of floats in all weights    */
    rse_tensor tm0_w, tm0_b;   /* time_mlp.0: (128,64), (128)        */
    rse_tensor tm2_w, tm2_b;   /* time_mlp.2: (32,128), (32)         */
    rse_sd_block blk[4];
    rse_tensor fin_w, fin_b;   /* final_conv.0: (3,half,1,1), (3)    */
} rse_sd_net;

static void rse__sd_add_param(rse_sd_net *net, const char *name, int nd, int d0, int d1, int d2, int d3,
                              size_t fan_in) {
    rse_sd_param *p = &net->p[net->nparams++];
    int i;
    rse__fmt(p->name, sizeof p->name, "%s", name);
    p->nd = nd;
    p->shape[0] = d0; p->shape[1] = d1; p->shape[2] = d2; p->shape[3] = d3;
    p->n = 1;
    for (i = 0; i < nd; i++) p->n *= (size_t)p->shape[i];
    p->off = net->total;
    p->fan_in = fan_in;
    net->total += p->n;
}

/* Fills the parameter table for a given dim: names, shapes, offsets. The
   order is the reference's module registration order. dim must be even and
   at most RSE_SD_MAX_DIM, so every count below fits comfortably. */
RSE__FN rse_status rse__sd_net_layout(rse_sd_net *net, int dim) {
    static const char *names[4] = { "l1", "l2", "l3", "l4" };
    const int T = RSE_SD_TIME_DIM;
    int b, din[4], dout[4];
    char nm[40];
    if (dim < 2 || dim > RSE_SD_MAX_DIM || dim % 2)
        return rse__fail(RSE_STATUS_BAD_ARG, "denoiser dim must be even and in 2..%d, got %d", RSE_SD_MAX_DIM, dim);
    memset(net, 0, sizeof *net);
    net->dim = dim;
    net->half = dim / 2;
    din[0] = 3;         dout[0] = net->half;
    din[1] = net->half; dout[1] = dim;
    din[2] = dim;       dout[2] = dim;
    din[3] = dim;       dout[3] = net->half;
    rse__sd_add_param(net, "time_mlp.0.weight", 2, 4 * T, 2 * T, 0, 0, 2 * T);
    rse__sd_add_param(net, "time_mlp.0.bias", 1, 4 * T, 0, 0, 0, 2 * T);
    rse__sd_add_param(net, "time_mlp.2.weight", 2, T, 4 * T, 0, 0, 4 * T);
    rse__sd_add_param(net, "time_mlp.2.bias", 1, T, 0, 0, 0, 4 * T);
    for (b = 0; b < 4; b++) {
        int i = din[b], o = dout[b];
        net->blk[b].din = i;
        net->blk[b].dout = o;
#define RSE__P(suffix, nd, d0, d1, d2, d3, fan) \
        rse__fmt(nm, sizeof nm, "%s.%s", names[b], suffix); \
        rse__sd_add_param(net, nm, nd, d0, d1, d2, d3, fan)
        RSE__P("mlp.1.weight", 2, T, T, 0, 0, T);
        RSE__P("mlp.1.bias", 1, T, 0, 0, 0, T);
        RSE__P("time_reshape.weight", 4, i, T, 1, 1, T);
        RSE__P("time_reshape.bias", 1, i, 0, 0, 0, T);
        RSE__P("ds_conv.weight", 4, i, 1, 5, 5, 25);
        RSE__P("ds_conv.bias", 1, i, 0, 0, 0, 25);
        RSE__P("net.0.weight", 4, o, i, 3, 3, (size_t)i * 9);
        RSE__P("net.0.bias", 1, o, 0, 0, 0, (size_t)i * 9);
        RSE__P("net.2.weight", 4, o, o, 3, 3, (size_t)o * 9);
        RSE__P("net.2.bias", 1, o, 0, 0, 0, (size_t)o * 9);
        if (i != o) {
            RSE__P("res_conv.weight", 4, o, i, 1, 1, (size_t)i);
            RSE__P("res_conv.bias", 1, o, 0, 0, 0, (size_t)i);
        }
#undef RSE__P
    }
    rse__sd_add_param(net, "final_conv.0.weight", 4, 3, net->half, 1, 1, (size_t)net->half);
    rse__sd_add_param(net, "final_conv.0.bias", 1, 3, 0, 0, 0, (size_t)net->half);
    return RSE_STATUS_OK;
}

/* Points the net's tensors into a flat weight array w (and gradient array g,
   or NULL for inference: then no weight gradient is ever computed). */
RSE__FN void rse__sd_net_bind(rse_sd_net *net, float *w, float *g) {
    rse_tensor *slots[RSE_SD_MAX_PARAMS];
    int k = 0, b, i;
    slots[k++] = &net->tm0_w; slots[k++] = &net->tm0_b;
    slots[k++] = &net->tm2_w; slots[k++] = &net->tm2_b;
    for (b = 0; b < 4; b++) {
        rse_sd_block *B = &net->blk[b];
        slots[k++] = &B->mlp_w; slots[k++] = &B->mlp_b;
        slots[k++] = &B->tr_w; slots[k++] = &B->tr_b;
        slots[k++] = &B->dw_w; slots[k++] = &B->dw_b;
        slots[k++] = &B->c1_w; slots[k++] = &B->c1_b;
        slots[k++] = &B->c2_w; slots[k++] = &B->c2_b;
        if (B->din != B->dout) { slots[k++] = &B->res_w; slots[k++] = &B->res_b; }
    }
    slots[k++] = &net->fin_w; slots[k++] = &net->fin_b;
    RSE_ASSERT(k == net->nparams);
    for (i = 0; i < k; i++) {
        const rse_sd_param *p = &net->p[i];
        rse__tensor_view(slots[i], w + p->off, p->nd, p->shape);
        slots[i]->grad = g ? g + p->off : 0;
        slots[i]->requires_grad = g != 0;
    }
    /* time_reshape is a 1x1 conv on a 1x1 map: a linear layer. Same memory,
       two dimensions. */
    for (b = 0; b < 4; b++) {
        rse_tensor *tr = &net->blk[b].tr_w;
        tr->nd = 2;
    }
}

/* PyTorch's default initialisation, from our RNG: weights and biases of
   Linear and Conv2d ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)) (kaiming_uniform
   with a = sqrt(5) reduces to exactly that bound). */
RSE__FN void rse__sd_net_init(const rse_sd_net *net, float *w, rse_rng *rng) {
    int i;
    size_t j;
    for (i = 0; i < net->nparams; i++) {
        const rse_sd_param *p = &net->p[i];
        float bound = 1.0f / sqrtf((float)p->fan_in);
        for (j = 0; j < p->n; j++) w[p->off + j] = (2.0f * rse__rng_uniform(rng) - 1.0f) * bound;
    }
}

/* The sinusoidal embedding of the reference (SinusoidalPosEmb(32)), in its
   float32 arithmetic: f_k = exp(k * -(ln(10000)/15)), then sin and cos of
   x * f_k. x is the raw integer timestep or scale index. out has 32 floats. */
static void rse__sd_sinusoid(float *out, float x) {
    const float c = (float)(-9.210340371976184 / 15.0); /* -ln(10000)/(16-1) */
    int k;
    for (k = 0; k < 16; k++) {
        float a = x * expf((float)k * c);
        out[k] = sinf(a);
        out[16 + k] = cosf(a);
    }
}

/* One block: x (B,din,H,W), cond (B,32) -> (B,dout,H,W). */
static rse_tensor *rse__sd_block_forward(rse_tape *t, const rse_sd_block *b, rse_tensor *x, rse_tensor *cond) {
    rse_tensor *c, *h, *skip;
    int sh[4];
    if (!x || !cond) return 0;
    c = rse__linear(t, rse__gelu(t, cond), (rse_tensor *)&b->mlp_w, (rse_tensor *)&b->mlp_b);
    c = rse__linear(t, c, (rse_tensor *)&b->tr_w, (rse_tensor *)&b->tr_b);   /* (B,din) */
    sh[0] = x->shape[0]; sh[1] = b->din; sh[2] = 1; sh[3] = 1;
    c = rse__reshape(t, c, 4, sh);                                           /* (B,din,1,1) */
    h = rse__conv2d(t, x, (rse_tensor *)&b->dw_w, (rse_tensor *)&b->dw_b, 1, 2, b->din);
    h = rse__add(t, h, c);
    h = rse__conv2d(t, h, (rse_tensor *)&b->c1_w, (rse_tensor *)&b->c1_b, 1, 1, 1);
    h = rse__gelu(t, h);
    h = rse__conv2d(t, h, (rse_tensor *)&b->c2_w, (rse_tensor *)&b->c2_b, 1, 1, 1);
    skip = b->din != b->dout ? rse__conv2d(t, x, (rse_tensor *)&b->res_w, (rse_tensor *)&b->res_b, 1, 0, 1) : x;
    return rse__add(t, h, skip);
}

/* eps_hat = net(x, t, s): x (B,3,H,W), ts[B] timesteps, one scale index s
   for the whole batch. Returns (B,3,H,W), or NULL with the tape's status. */
RSE__FN rse_tensor *rse__sd_forward(rse_tape *t, const rse_sd_net *net, rse_tensor *x, const int *ts, int s) {
    rse_tensor *emb, *cond, *h;
    int B, i;
    if (!x || t->status != RSE_STATUS_OK) return 0;
    if (x->nd != 4 || x->shape[1] != 3) return rse__shape_fail(t, "denoiser", "input must be (B,3,H,W)");
    B = x->shape[0];
    emb = rse__new4(t, 2, B, 2 * RSE_SD_TIME_DIM, 0, 0);
    if (!emb) return 0;
    for (i = 0; i < B; i++) {
        rse__sd_sinusoid(emb->data + (size_t)i * 64, (float)ts[i]);
        rse__sd_sinusoid(emb->data + (size_t)i * 64 + 32, (float)s);
    }
    cond = rse__linear(t, emb, (rse_tensor *)&net->tm0_w, (rse_tensor *)&net->tm0_b);
    cond = rse__linear(t, rse__gelu(t, cond), (rse_tensor *)&net->tm2_w, (rse_tensor *)&net->tm2_b);
    h = x;
    for (i = 0; i < 4; i++) h = rse__sd_block_forward(t, &net->blk[i], h, cond);
    return rse__conv2d(t, h, (rse_tensor *)&net->fin_w, (rse_tensor *)&net->fin_b, 1, 0, 1);
}

/* ===========================================================================
   Training
   ========================================================================= */

/* ===========================================================================
   Sampling
   ========================================================================= */
