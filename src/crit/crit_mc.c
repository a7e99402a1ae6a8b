/* Monte Carlo over the inputs of the EU criticality method (docs/crit-uncertainty.md).
 *
 * Layout of a run: the draws are cut in blocks of CM_CRIT_MC_BLOCK; block k draws from
 * stream k of the seed. A worker owns a working copy of the inputs, a WGI vector, value-added
 * ratios per sector, histograms and counters; it takes blocks w, w + T, w + 2T ... Integer
 * counts (critical, histograms) are summed over workers; the floating sums of each block are
 * stored per block and added in block order at the end, so results do not depend on T. */
#include "cambium/cm_crit_mc.h"

#include <math.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "cambium/cm_rng.h"
#include "core/cm_internal.h"
#include "crit/crit_internal.h"
#include "crit/crit_mc_internal.h"

#define NBINS (CM_CRIT_MC_BINS_PER_UNIT * CM_CRIT_MC_HIST_MAX)

/* Per-block sums of one material: SR and EI, shifted by the base value (less cancellation). */
enum { SUM_SR = 0, SUM2_SR = 1, SUM_EI = 2, SUM2_EI = 3, NSUMS = 4 };

/* Supplies per material (stage x scope). */
#define NSUP (CM_CRIT_NSTAGES * CM_CRIT_NSCOPES)

/* Dirichlet plan of one share: Marsaglia-Tsang constants of its gamma (shape alpha, or
 * alpha + 1 boosted by U^(1/alpha) when alpha < 1), or a member of the lump. */
typedef struct dir_item_t {
    double d, c;      /* shape - 1/3 and 1/sqrt(9 d) */
    double inv_alpha; /* 1/alpha when boosted, else 0 */
    int big;          /* drawn on its own; 0 = in the lump (or share 0) */
} dir_item_t;

/* Dirichlet plan of one stage x scope. */
typedef struct dir_supply_t {
    size_t first;     /* first item in dir_items */
    double sum;       /* sum of the base shares (kept by the draw) */
    double lump_base; /* sum of the base shares of the lump */
    dir_item_t lump;  /* gamma of the lump (alpha = sum of its alphas); big = 0: no lump */
} dir_supply_t;

typedef struct mc_shared_t {
    const cm_crit_inputs_t *base;
    const cm_crit_wgi_t *wgi;
    const cm_crit_options_t *crit;
    const cm_crit_mc_dists_t *dists;
    size_t draws, nblocks, nthreads;
    uint64_t seed;
    size_t *wgi_used; /* indices of WGI entries referenced by a share */
    size_t n_wgi_used;
    int32_t *sector;       /* per end use (flattened over materials): sector index or -1 */
    size_t *enduse_offset; /* per material: first end use in `sector` */
    cm_real_t *sector_va;  /* base value added of each sector (first end use seen) */
    cm_real_t *sector_max; /* largest base value added of the end uses of each sector */
    size_t n_sectors;
    cm_real_t va_max;   /* base EI denominator */
    int va_fixed;       /* the options fix va_max */
    cm_real_t *sr_base; /* per material: deterministic SR, EI (shift of the sums) */
    cm_real_t *ei_base;
    double *block_sums;    /* nblocks * nm * NSUMS */
    dir_supply_t *dir;     /* nm * NSUP: Dirichlet plan of each stage x scope */
    dir_item_t *dir_items; /* per share (flattened in the order of `dir`) */
} mc_shared_t;

typedef struct mc_worker_t {
    const mc_shared_t *sh;
    size_t index;
    cm_crit_inputs_t work;
    cm_real_t *wgi_draw; /* scaled WGI of this draw, per WGI entry */
    cm_real_t *va_ratio; /* perturbed / base value added, per sector */
    uint32_t *hist;      /* nm * 2 * NBINS */
    size_t *n_crit, *n_sr, *n_ei, *n_valid_sr, *n_valid_ei;
    cm_real_t *min_sr, *max_sr, *min_ei, *max_ei;
    cm_error_t rc;
    cm_error_info_t err;
} mc_worker_t;

void cm_crit_mc_options_default(cm_crit_mc_options_t *opt)
{
    if (opt == NULL) {
        return;
    }
    memset(opt, 0, sizeof *opt);
    opt->draws = 10000;
    opt->seed = 1;
    opt->threads = 1;
}

void cm_crit_mc_destroy(cm_crit_mc_result_t *res)
{
    if (res == NULL) {
        return;
    }
    cm_free(res->items);
    memset(res, 0, sizeof *res);
}

/* --- drawing -------------------------------------------------------------------------- */

static cm_real_t clamp(cm_real_t x, cm_real_t lo, cm_real_t hi)
{
    return x < lo ? lo : (x > hi ? hi : x);
}

/* base + a deviate of kind d->kind with spread h, clamped. h <= 0 or NaN: the base value. */
static cm_real_t perturb(cm_rng_t *rng, const cm_crit_mc_dist_t *d, cm_real_t base, cm_real_t h)
{
    if (isnan(base) || d->kind == CM_CRIT_MC_NONE || !(h > 0.0)) {
        return base;
    }
    cm_real_t x;
    switch (d->kind) {
    case CM_CRIT_MC_UNIFORM:
        x = base + h * (2.0 * cm_rng_double(rng) - 1.0);
        break;
    case CM_CRIT_MC_TRIANGULAR:
        x = base + h * (cm_rng_double(rng) + cm_rng_double(rng) - 1.0);
        break;
    case CM_CRIT_MC_NORMAL:
        x = base + h * cm_rng_std_normal(rng);
        break;
    default:
        x = base;
        break;
    }
    return clamp(x, d->min, d->max);
}

static cm_real_t spread(const cm_crit_mc_dist_t *d, cm_real_t base)
{
    return isnan(d->relative) ? d->absolute : d->relative * fabs(base);
}

static cm_real_t perturb_rel(cm_rng_t *rng, const cm_crit_mc_dist_t *d, cm_real_t base)
{
    if (d->kind == CM_CRIT_MC_NONE) {
        return base;
    }
    return perturb(rng, d, base, spread(d, base));
}

/* Standard normal deviates by the ziggurat method with 128 layers (G. Marsaglia and W. W. Tsang,
 * "The ziggurat method for generating random variables", J. Stat. Software 5(8), 2000), the
 * layer index taken from other bits than the value (J. A. Doornik, "An improved ziggurat method
 * to generate normal random samples", 2005). About four times cheaper than the polar method,
 * which needs a logarithm per pair; the gamma deviates of the Dirichlet draws use it. */
#define ZIG_N 128
#define ZIG_R 3.442619855899
#define ZIG_V 9.91256303526217e-3
static uint32_t zig_k[ZIG_N];
static double zig_w[ZIG_N], zig_f[ZIG_N];
static pthread_once_t zig_once = PTHREAD_ONCE_INIT;

static void zig_init(void)
{
    const double m1 = 2147483648.0;
    double dn = ZIG_R, tn = dn, q = ZIG_V / exp(-0.5 * dn * dn);
    zig_k[0] = (uint32_t)((dn / q) * m1);
    zig_k[1] = 0;
    zig_w[0] = q / m1;
    zig_w[ZIG_N - 1] = dn / m1;
    zig_f[0] = 1.0;
    zig_f[ZIG_N - 1] = exp(-0.5 * dn * dn);
    for (int i = ZIG_N - 2; i >= 1; i--) {
        dn = sqrt(-2.0 * log(ZIG_V / dn + exp(-0.5 * dn * dn)));
        zig_k[i + 1] = (uint32_t)((dn / tn) * m1);
        tn = dn;
        zig_f[i] = exp(-0.5 * dn * dn);
        zig_w[i] = dn / m1;
    }
}

static double open01(cm_rng_t *rng)
{
    double u;
    do {
        u = cm_rng_double(rng);
    } while (u <= 0.0);
    return u;
}

static double zig_normal(cm_rng_t *rng)
{
    for (;;) {
        uint64_t bits = cm_rng_u64(rng);
        int32_t hz = (int32_t)(uint32_t)(bits >> 32);
        unsigned iz = (unsigned)(bits & (ZIG_N - 1));
        uint32_t mag = hz < 0 ? (uint32_t)(-(int64_t)hz) : (uint32_t)hz;
        double x = (double)hz * zig_w[iz];
        if (mag < zig_k[iz]) {
            return x; /* inside the layer's rectangle: the common case */
        }
        if (iz == 0) { /* the tail beyond R */
            double xt, y;
            do {
                xt = -log(open01(rng)) / ZIG_R;
                y = -log(open01(rng));
            } while (y + y < xt * xt);
            return hz > 0 ? ZIG_R + xt : -(ZIG_R + xt);
        }
        if (zig_f[iz] + cm_rng_double(rng) * (zig_f[iz - 1] - zig_f[iz]) < exp(-0.5 * x * x)) {
            return x;
        }
    }
}

/* Gamma deviate with the constants of a plan item (Marsaglia and Tsang 2000; the boost
 * Gamma(a + 1) U^(1/a) for a < 1), as cm_rng_gamma does, without recomputing d and c. */
static double plan_gamma(cm_rng_t *rng, const dir_item_t *it)
{
    double g;
    for (;;) {
        double x = zig_normal(rng);
        double t = 1.0 + it->c * x;
        if (t <= 0.0) {
            continue;
        }
        double v = t * t * t, u = cm_rng_double(rng), x2 = x * x;
        if (u < 1.0 - 0.0331 * x2 * x2 ||
            (u > 0.0 && log(u) < 0.5 * x2 + it->d * (1.0 - v + log(v)))) {
            g = it->d * v;
            break;
        }
    }
    if (it->inv_alpha > 0.0) {
        g *= pow(cm_rng_double(rng), it->inv_alpha);
    }
    return g;
}

static void plan_item(dir_item_t *it, double alpha)
{
    double shape = alpha < 1.0 ? alpha + 1.0 : alpha;
    it->d = shape - 1.0 / 3.0;
    it->c = 1.0 / sqrt(9.0 * it->d);
    it->inv_alpha = alpha < 1.0 ? 1.0 / alpha : 0.0;
    it->big = 1;
}

/* Dirichlet(concentration * share / sum) times sum, in place over the working shares; the
 * lump (countries with alpha below lump_below) is one component split in base proportions. */
static void perturb_shares(cm_rng_t *rng, const dir_supply_t *p, const dir_item_t *items,
                           const cm_crit_supply_t *b, cm_crit_supply_t *w)
{
    if (!(p->sum > 0.0)) {
        return;
    }
    double g_sum = 0.0, g_lump = 0.0;
    for (size_t k = 0; k < b->n; k++) {
        if (items[k].big) {
            double g = plan_gamma(rng, &items[k]);
            w->items[k].share = g;
            g_sum += g;
        }
    }
    if (p->lump.big) {
        g_lump = plan_gamma(rng, &p->lump);
        g_sum += g_lump;
    }
    if (!(g_sum > 0.0)) {
        for (size_t k = 0; k < b->n; k++) {
            w->items[k].share = b->items[k].share;
        }
        return;
    }
    double f = p->sum / g_sum;
    double fl = p->lump_base > 0.0 ? g_lump * f / p->lump_base : 0.0;
    for (size_t k = 0; k < b->n; k++) {
        w->items[k].share = items[k].big ? w->items[k].share * f : b->items[k].share * fl;
    }
}

/* The Dirichlet plans of every stage x scope (once per run). */
static cm_error_t build_plan(mc_shared_t *sh, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    const cm_crit_inputs_t *in = sh->base;
    const cm_crit_mc_dist_t *ds = &sh->dists->d[CM_CRIT_MC_SHARES];
    size_t n_items = 0;
    for (size_t i = 0; i < in->n; i++) {
        for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
            for (int c = 0; c < CM_CRIT_NSCOPES; c++) {
                n_items += in->materials[i].supply[s][c].n;
            }
        }
    }
    sh->dir = cm_calloc(in->n * NSUP + 1, sizeof *sh->dir);
    sh->dir_items = cm_calloc(n_items + 1, sizeof *sh->dir_items);
    CM_NOMEM(sh->dir, err);
    CM_NOMEM(sh->dir_items, err);
    size_t pos = 0;
    for (size_t i = 0; i < in->n; i++) {
        for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
            for (int c = 0; c < CM_CRIT_NSCOPES; c++) {
                const cm_crit_supply_t *sup = &in->materials[i].supply[s][c];
                dir_supply_t *p = &sh->dir[i * NSUP + (size_t)(s * CM_CRIT_NSCOPES + c)];
                p->first = pos;
                for (size_t k = 0; k < sup->n; k++) {
                    p->sum += sup->items[k].share;
                }
                double lump_alpha = 0.0;
                for (size_t k = 0; k < sup->n && p->sum > 0.0; k++, pos++) {
                    double alpha = ds->concentration * sup->items[k].share / p->sum;
                    if (!(alpha > 0.0)) {
                        continue; /* share 0 stays 0 */
                    }
                    if (alpha < ds->lump_below) {
                        lump_alpha += alpha;
                        p->lump_base += sup->items[k].share;
                    } else {
                        plan_item(&sh->dir_items[pos], alpha);
                    }
                }
                if (!(p->sum > 0.0)) {
                    pos += sup->n;
                }
                if (lump_alpha > 0.0) {
                    plan_item(&p->lump, lump_alpha);
                }
            }
        }
    }
cleanup:
    return rc;
}

static void perturb_material(mc_worker_t *wk, cm_rng_t *rng, size_t mi)
{
    const mc_shared_t *sh = wk->sh;
    const cm_crit_mc_dist_t *d = sh->dists->d;
    const cm_crit_material_t *b = &sh->base->materials[mi];
    cm_crit_material_t *w = &wk->work.materials[mi];
    if (d[CM_CRIT_MC_SHARES].kind == CM_CRIT_MC_DIRICHLET) {
        for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
            for (int c = 0; c < CM_CRIT_NSCOPES; c++) {
                const dir_supply_t *p = &sh->dir[mi * NSUP + (size_t)(s * CM_CRIT_NSCOPES + c)];
                perturb_shares(rng, p, sh->dir_items + p->first, &b->supply[s][c],
                               &w->supply[s][c]);
            }
        }
    }
    for (int s = 0; s < CM_CRIT_NSTAGES; s++) {
        w->import_reliance[s] = perturb_rel(rng, &d[CM_CRIT_MC_IR], b->import_reliance[s]);
    }
    w->eol_rir = perturb_rel(rng, &d[CM_CRIT_MC_EOL], b->eol_rir);
    w->si_sr = perturb_rel(rng, &d[CM_CRIT_MC_SI_SR], b->si_sr);
    w->si_ei = perturb_rel(rng, &d[CM_CRIT_MC_SI_EI], b->si_ei);
    if (d[CM_CRIT_MC_VA].kind != CM_CRIT_MC_NONE) {
        const int32_t *sec = sh->sector + sh->enduse_offset[mi];
        for (size_t k = 0; k < b->n_enduses; k++) {
            if (sec[k] >= 0) {
                w->enduses[k].value_added = b->enduses[k].value_added * wk->va_ratio[sec[k]];
            }
        }
    }
}

/* One draw of the country and sector values shared by every material. */
static cm_real_t draw_shared(mc_worker_t *wk, cm_rng_t *rng)
{
    const mc_shared_t *sh = wk->sh;
    const cm_crit_mc_dist_t *dw = &sh->dists->d[CM_CRIT_MC_WGI];
    for (size_t u = 0; u < sh->n_wgi_used; u++) {
        size_t k = sh->wgi_used[u];
        const cm_crit_wgi_entry_t *e = &sh->wgi->items[k];
        cm_real_t h = dw->sd_published ? dw->sd_scale * e->scaled_se : spread(dw, e->scaled);
        wk->wgi_draw[k] = dw->kind == CM_CRIT_MC_NONE ? e->scaled : perturb(rng, dw, e->scaled, h);
    }
    const cm_crit_mc_dist_t *dv = &sh->dists->d[CM_CRIT_MC_VA];
    if (dv->kind == CM_CRIT_MC_NONE || sh->n_sectors == 0) {
        return sh->va_max;
    }
    cm_real_t mx = 0.0;
    for (size_t s = 0; s < sh->n_sectors; s++) {
        cm_real_t v0 = sh->sector_va[s];
        cm_real_t v = perturb_rel(rng, dv, v0);
        wk->va_ratio[s] = v0 > 0.0 ? v / v0 : 1.0;
        cm_real_t top = sh->sector_max[s] * wk->va_ratio[s];
        if (top > mx) {
            mx = top;
        }
    }
    return (sh->va_fixed || !(mx > 0.0)) ? sh->va_max : mx;
}

static size_t bin_of(cm_real_t x)
{
    if (!(x > 0.0)) {
        return 0;
    }
    cm_real_t b = x * CM_CRIT_MC_BINS_PER_UNIT;
    return b >= (cm_real_t)NBINS ? NBINS - 1 : (size_t)b;
}

static void run_block(mc_worker_t *wk, size_t block, cm_rng_t *rng)
{
    const mc_shared_t *sh = wk->sh;
    size_t nm = sh->base->n;
    size_t first = block * CM_CRIT_MC_BLOCK;
    size_t last = first + CM_CRIT_MC_BLOCK < sh->draws ? first + CM_CRIT_MC_BLOCK : sh->draws;
    double *sums = sh->block_sums + block * nm * NSUMS;
    const cm_crit_options_t *opt = sh->crit;
    for (size_t dr = first; dr < last; dr++) {
        cm_real_t va_max = draw_shared(wk, rng);
        for (size_t mi = 0; mi < nm; mi++) {
            perturb_material(wk, rng, mi);
            cm_crit_result_t r;
            cm_error_t rc = cm_crit_compute_material(&wk->work.materials[mi], wk->wgi_draw, opt,
                                                     va_max, &r, &wk->err);
            if (rc != CM_OK) {
                wk->rc = rc;
                return;
            }
            double *s = sums + mi * NSUMS;
            uint32_t *hist = wk->hist + mi * 2 * NBINS;
            if (r.critical) {
                wk->n_crit[mi]++;
            }
            if (!isnan(r.sr)) {
                cm_real_t x = r.sr - sh->sr_base[mi];
                s[SUM_SR] += x;
                s[SUM2_SR] += x * x;
                hist[bin_of(r.sr)]++;
                wk->n_valid_sr[mi]++;
                if (r.sr < wk->min_sr[mi]) {
                    wk->min_sr[mi] = r.sr;
                }
                if (r.sr > wk->max_sr[mi]) {
                    wk->max_sr[mi] = r.sr;
                }
                if (cm_i_crit_at_least(r.sr, opt->sr_threshold, opt->round_decision)) {
                    wk->n_sr[mi]++;
                }
            }
            if (!isnan(r.ei)) {
                cm_real_t x = r.ei - sh->ei_base[mi];
                s[SUM_EI] += x;
                s[SUM2_EI] += x * x;
                hist[NBINS + bin_of(r.ei)]++;
                wk->n_valid_ei[mi]++;
                if (r.ei < wk->min_ei[mi]) {
                    wk->min_ei[mi] = r.ei;
                }
                if (r.ei > wk->max_ei[mi]) {
                    wk->max_ei[mi] = r.ei;
                }
                if (cm_i_crit_at_least(r.ei, opt->ei_threshold, opt->round_decision)) {
                    wk->n_ei[mi]++;
                }
            }
        }
    }
}

static void *worker_main(void *arg)
{
    mc_worker_t *wk = arg;
    const mc_shared_t *sh = wk->sh;
    cm_rng_t start;
    cm_rng_seed_stream(&start, sh->seed, wk->index);
    for (size_t b = wk->index; b < sh->nblocks && wk->rc == CM_OK; b += sh->nthreads) {
        cm_rng_t rng = start;
        run_block(wk, b, &rng);
        for (size_t j = 0; j < sh->nthreads; j++) {
            cm_rng_jump(&start);
        }
    }
    return NULL;
}

static void worker_destroy(mc_worker_t *wk)
{
    cm_crit_inputs_destroy(&wk->work);
    cm_free(wk->wgi_draw);
    cm_free(wk->va_ratio);
    cm_free(wk->hist);
    cm_free(wk->n_crit);
    cm_free(wk->min_sr);
}

static cm_error_t worker_init(mc_worker_t *wk, const mc_shared_t *sh, size_t index,
                              cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    size_t nm = sh->base->n;
    memset(wk, 0, sizeof *wk);
    wk->sh = sh;
    wk->index = index;
    CM_TRY(cm_crit_inputs_copy(&wk->work, sh->base, err));
    wk->wgi_draw = cm_malloc_array(sh->wgi->n + 1, sizeof *wk->wgi_draw);
    wk->va_ratio = cm_malloc_array(sh->n_sectors + 1, sizeof *wk->va_ratio);
    wk->hist = cm_calloc(nm * 2 * NBINS + 1, sizeof *wk->hist);
    wk->n_crit = cm_calloc(5 * nm + 1, sizeof *wk->n_crit);
    wk->min_sr = cm_malloc_array(4 * nm + 1, sizeof *wk->min_sr);
    CM_NOMEM(wk->wgi_draw, err);
    CM_NOMEM(wk->va_ratio, err);
    CM_NOMEM(wk->hist, err);
    CM_NOMEM(wk->n_crit, err);
    CM_NOMEM(wk->min_sr, err);
    wk->n_sr = wk->n_crit + nm;
    wk->n_ei = wk->n_crit + 2 * nm;
    wk->n_valid_sr = wk->n_crit + 3 * nm;
    wk->n_valid_ei = wk->n_crit + 4 * nm;
    wk->max_sr = wk->min_sr + nm;
    wk->min_ei = wk->min_sr + 2 * nm;
    wk->max_ei = wk->min_sr + 3 * nm;
    for (size_t i = 0; i < nm; i++) {
        wk->min_sr[i] = wk->min_ei[i] = INFINITY;
        wk->max_sr[i] = wk->max_ei[i] = -INFINITY;
    }
    for (size_t k = 0; k < sh->wgi->n; k++) {
        wk->wgi_draw[k] = sh->wgi->items[k].scaled;
    }
    for (size_t s = 0; s < sh->n_sectors; s++) {
        wk->va_ratio[s] = 1.0;
    }
cleanup:
    if (rc != CM_OK) {
        worker_destroy(wk);
    }
    return rc;
}

/* --- setup and summary -------------------------------------------------------------- */

/* Distinct NACE sectors with a value added; sector index per end use. */
static cm_error_t build_sectors(mc_shared_t *sh, size_t n_enduses, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    const cm_crit_inputs_t *in = sh->base;
    const char **codes = cm_calloc(n_enduses + 1, sizeof *codes);
    sh->sector = cm_malloc_array(n_enduses + 1, sizeof *sh->sector);
    sh->sector_va = cm_malloc_array(n_enduses + 1, sizeof *sh->sector_va);
    sh->sector_max = cm_malloc_array(n_enduses + 1, sizeof *sh->sector_max);
    CM_NOMEM(codes, err);
    CM_NOMEM(sh->sector, err);
    CM_NOMEM(sh->sector_va, err);
    CM_NOMEM(sh->sector_max, err);
    size_t pos = 0;
    for (size_t i = 0; i < in->n; i++) {
        const cm_crit_material_t *m = &in->materials[i];
        sh->enduse_offset[i] = pos;
        for (size_t k = 0; k < m->n_enduses; k++, pos++) {
            const cm_crit_enduse_t *e = &m->enduses[k];
            sh->sector[pos] = -1;
            if (isnan(e->value_added)) {
                continue;
            }
            /* An end use without a NACE code but with a value added is its own sector. */
            size_t s = 0;
            if (e->nace[0] != '\0') {
                while (s < sh->n_sectors && (codes[s] == NULL || strcmp(codes[s], e->nace) != 0)) {
                    s++;
                }
            } else {
                s = sh->n_sectors;
            }
            if (s == sh->n_sectors) {
                codes[s] = e->nace[0] != '\0' ? e->nace : NULL;
                sh->sector_va[s] = e->value_added;
                sh->sector_max[s] = e->value_added;
                sh->n_sectors++;
            } else if (e->value_added > sh->sector_max[s]) {
                sh->sector_max[s] = e->value_added;
            }
            sh->sector[pos] = (int32_t)s;
        }
    }
cleanup:
    cm_free(codes);
    return rc;
}

static void stat_from(cm_crit_mc_stat_t *st, const uint32_t *hist, size_t n, double sum,
                      double sum2, cm_real_t shift, cm_real_t mn, cm_real_t mx)
{
    st->n = n;
    if (n == 0) {
        st->mean = st->sd = st->min = st->max = st->p5 = st->p50 = st->p95 = NAN;
        return;
    }
    double mean = sum / (double)n;
    st->mean = shift + mean;
    st->sd = n > 1 ? sqrt(fmax(0.0, (sum2 - (double)n * mean * mean) / (double)(n - 1))) : 0.0;
    st->min = mn;
    st->max = mx;
    static const double q[3] = {0.05, 0.50, 0.95};
    cm_real_t *dst[3] = {&st->p5, &st->p50, &st->p95};
    for (int j = 0; j < 3; j++) {
        /* rank of the quantile among the sorted draws (linear interpolation convention) */
        double rank = q[j] * (double)(n - 1);
        size_t before = 0, b = 0;
        while (b < NBINS - 1 && (double)(before + hist[b]) <= rank) {
            before += hist[b];
            b++;
        }
        double frac = hist[b] > 0 ? (rank - (double)before + 0.5) / (double)hist[b] : 0.5;
        double v = ((double)b + frac) / CM_CRIT_MC_BINS_PER_UNIT;
        *dst[j] = clamp(v, mn, mx);
    }
}

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

cm_error_t cm_crit_mc_run(const cm_crit_inputs_t *in, const cm_crit_wgi_t *wgi,
                          const cm_crit_options_t *crit, const cm_crit_mc_dists_t *dists,
                          const cm_crit_mc_options_t *opt, cm_crit_mc_result_t *out,
                          cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    mc_shared_t sh;
    mc_worker_t *workers = NULL;
    size_t nworkers = 0;
    unsigned char *used = NULL;
    memset(&sh, 0, sizeof sh);
    if (in == NULL || wgi == NULL || crit == NULL || dists == NULL || opt == NULL || out == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_crit_mc_run: NULL argument");
    }
    cm_crit_mc_destroy(out);
    if (opt->draws < 1 || opt->draws > CM_CRIT_MC_DRAWS_MAX) {
        return cm_error_set(err, CM_EINVAL, "expected 1 to %d draws, got %zu", CM_CRIT_MC_DRAWS_MAX,
                            opt->draws);
    }
    if (opt->threads < 1 || opt->threads > 64) {
        return cm_error_set(err, CM_EINVAL, "expected 1 to 64 threads, got %d", opt->threads);
    }
    CM_TRY(cm_crit_mc_dists_check(dists, err));
    size_t nm = in->n;
    used = cm_calloc(wgi->n + 1, 1);
    CM_NOMEM(used, err);
    CM_TRY(cm_i_crit_check_bound(in, wgi, used, err));
    sh.base = in;
    sh.wgi = wgi;
    sh.crit = crit;
    sh.dists = dists;
    sh.draws = opt->draws;
    sh.seed = opt->seed;
    sh.nblocks = (opt->draws + CM_CRIT_MC_BLOCK - 1) / CM_CRIT_MC_BLOCK;
    sh.nthreads = (size_t)opt->threads < sh.nblocks ? (size_t)opt->threads : sh.nblocks;
    sh.wgi_used = cm_malloc_array(wgi->n + 1, sizeof *sh.wgi_used);
    CM_NOMEM(sh.wgi_used, err);
    for (size_t k = 0; k < wgi->n; k++) {
        if (used[k]) {
            sh.wgi_used[sh.n_wgi_used++] = k;
        }
    }
    size_t n_enduses = 0;
    for (size_t i = 0; i < nm; i++) {
        n_enduses += in->materials[i].n_enduses;
    }
    sh.enduse_offset = cm_calloc(nm + 1, sizeof *sh.enduse_offset);
    CM_NOMEM(sh.enduse_offset, err);
    CM_TRY(build_sectors(&sh, n_enduses, err));
    CM_TRY(build_plan(&sh, err));
    sh.va_fixed = crit->va_max > 0.0 && isfinite(crit->va_max);
    sh.va_max = cm_crit_va_max(in, crit);
    if (isnan(sh.va_max)) {
        sh.va_max = 1.0; /* no value added anywhere: EI is NaN for every material */
    }
    if (!(sh.va_max > 0.0)) {
        CM_FAIL(cm_error_set(err, CM_ENUMERIC,
                             "no positive value added to scale EI by (largest is %.17g)",
                             sh.va_max));
    }
    sh.block_sums = cm_calloc(sh.nblocks * nm * NSUMS + 1, sizeof *sh.block_sums);
    sh.sr_base = cm_malloc_array(2 * nm + 1, sizeof *sh.sr_base);
    out->items = cm_calloc(nm + 1, sizeof *out->items);
    CM_NOMEM(sh.block_sums, err);
    CM_NOMEM(sh.sr_base, err);
    CM_NOMEM(out->items, err);
    sh.ei_base = sh.sr_base + nm;
    workers = cm_calloc(sh.nthreads, sizeof *workers);
    CM_NOMEM(workers, err);
    for (size_t w = 0; w < sh.nthreads; w++) {
        CM_TRY(worker_init(&workers[w], &sh, w, err));
        nworkers = w + 1;
    }
    /* deterministic results on the unperturbed inputs */
    for (size_t i = 0; i < nm; i++) {
        cm_crit_result_t r;
        CM_TRY(cm_crit_compute_material(&in->materials[i], workers[0].wgi_draw, crit, sh.va_max, &r,
                                        err));
        sh.sr_base[i] = isnan(r.sr) ? 0.0 : r.sr;
        sh.ei_base[i] = isnan(r.ei) ? 0.0 : r.ei;
        out->items[i].sr_base = r.sr;
        out->items[i].ei_base = r.ei;
        out->items[i].critical_base = r.critical;
    }
    pthread_once(&zig_once, zig_init);
    double t0 = now_seconds();
    pthread_t tid[64];
    int started[64] = {0};
    for (size_t w = 1; w < sh.nthreads; w++) {
        started[w] = pthread_create(&tid[w], NULL, worker_main, &workers[w]) == 0;
    }
    worker_main(&workers[0]);
    for (size_t w = 1; w < sh.nthreads; w++) {
        if (started[w]) {
            pthread_join(tid[w], NULL);
        } else {
            worker_main(&workers[w]); /* no thread: the same blocks, here */
        }
    }
    out->seconds = now_seconds() - t0;
    for (size_t w = 0; w < sh.nthreads; w++) {
        if (workers[w].rc != CM_OK) {
            if (err != NULL) {
                *err = workers[w].err;
            }
            CM_FAIL(workers[w].rc);
        }
    }
    /* combine: integer counts over workers, floating sums in block order */
    for (size_t w = 1; w < sh.nthreads; w++) {
        mc_worker_t *a = &workers[0], *b = &workers[w];
        for (size_t k = 0; k < nm * 2 * NBINS; k++) {
            a->hist[k] += b->hist[k];
        }
        for (size_t k = 0; k < 5 * nm; k++) {
            a->n_crit[k] += b->n_crit[k];
        }
        for (size_t i = 0; i < nm; i++) {
            a->min_sr[i] = fmin(a->min_sr[i], b->min_sr[i]);
            a->max_sr[i] = fmax(a->max_sr[i], b->max_sr[i]);
            a->min_ei[i] = fmin(a->min_ei[i], b->min_ei[i]);
            a->max_ei[i] = fmax(a->max_ei[i], b->max_ei[i]);
        }
    }
    const mc_worker_t *w0 = &workers[0];
    for (size_t i = 0; i < nm; i++) {
        double s[NSUMS] = {0.0, 0.0, 0.0, 0.0};
        for (size_t b = 0; b < sh.nblocks; b++) {
            const double *bs = sh.block_sums + (b * nm + i) * NSUMS;
            for (int j = 0; j < NSUMS; j++) {
                s[j] += bs[j];
            }
        }
        cm_crit_mc_material_t *o = &out->items[i];
        double nd = (double)opt->draws;
        o->p_critical = (double)w0->n_crit[i] / nd;
        o->p_sr = (double)w0->n_sr[i] / nd;
        o->p_ei = (double)w0->n_ei[i] / nd;
        stat_from(&o->sr, w0->hist + i * 2 * NBINS, w0->n_valid_sr[i], s[SUM_SR], s[SUM2_SR],
                  sh.sr_base[i], w0->min_sr[i], w0->max_sr[i]);
        stat_from(&o->ei, w0->hist + i * 2 * NBINS + NBINS, w0->n_valid_ei[i], s[SUM_EI],
                  s[SUM2_EI], sh.ei_base[i], w0->min_ei[i], w0->max_ei[i]);
    }
    out->n = nm;
    out->draws = opt->draws;
    out->seed = opt->seed;
cleanup:
    for (size_t w = 0; w < nworkers; w++) {
        worker_destroy(&workers[w]);
    }
    cm_free(workers);
    cm_free(used);
    cm_free(sh.wgi_used);
    cm_free(sh.sector);
    cm_free(sh.enduse_offset);
    cm_free(sh.sector_va);
    cm_free(sh.sector_max);
    cm_free(sh.dir);
    cm_free(sh.dir_items);
    cm_free(sh.block_sums);
    cm_free(sh.sr_base);
    if (rc != CM_OK) {
        cm_crit_mc_destroy(out);
    }
    return rc;
}

cm_error_t cm_i_crit_mc_dirichlet(cm_rng_t *rng, const cm_crit_supply_t *base,
                                  cm_real_t concentration, cm_real_t lump_below,
                                  cm_crit_supply_t *work, cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    cm_crit_inputs_t one;
    cm_crit_mc_dists_t d;
    mc_shared_t sh;
    memset(&one, 0, sizeof one);
    memset(&sh, 0, sizeof sh);
    if (rng == NULL || base == NULL || work == NULL || work->n != base->n) {
        return cm_error_set(err, CM_EINVAL, "cm_i_crit_mc_dirichlet: bad arguments");
    }
    cm_crit_material_t m;
    memset(&m, 0, sizeof m);
    m.supply[0][0] = *base;
    one.n = 1;
    one.materials = &m;
    cm_crit_mc_dists_default(&d);
    d.d[CM_CRIT_MC_SHARES].concentration = concentration;
    d.d[CM_CRIT_MC_SHARES].lump_below = lump_below;
    sh.base = &one;
    sh.dists = &d;
    CM_TRY(build_plan(&sh, err));
    pthread_once(&zig_once, zig_init);
    perturb_shares(rng, &sh.dir[0], sh.dir_items, base, work);
cleanup:
    cm_free(sh.dir);
    cm_free(sh.dir_items);
    return rc;
}
