/*
 * gen ROWS OUTFILE [SEED]: write a synthetic BACI year (CEPII's bilateral trade at HS6) of ROWS
 * rows, laid out as CEPII's BACI_HSxx_Yyyyy_Vyyyymm.csv files:
 *   t,i,j,k,v,q
 *   2022,4,31,080211,0.095,0.012
 *   2022,4,31,851712,1250.5,           NA
 * t the year (2022), i exporter and j importer as BACI's numeric country codes (UN M49, with
 * BACI's own 251 France, 490 Other Asia nes, 579 Norway, 699 India, 757 Switzerland and 842 USA:
 * the aliases listed in data/classifications/countries.csv), k the HS6 code on six digits with its
 * leading zero ("010121"), v the value in thousand USD and q the quantity in metric tonnes, both
 * rounded to 3 decimals and written without trailing zeros (as BACI's writer does: "8047.4",
 * "3"), a missing quantity written "           NA" (11 spaces, NA: right-aligned as in BACI).
 * Rows sorted by (i, j, k), each (i, j, k) at most once, no i = j.
 *
 * 200 countries, 5,000 HS6 codes spread over chapters 01-97 (no 77). Country sizes follow a Zipf
 * law by rank (the 20 largest traders in their real order, the rest shuffled by the seed). Each
 * product draws its number of rows (lognormal around ROWS / 5,000), a Pareto shape for its
 * exporters' strengths (0.6 .. 2.5: low shapes give a few dominant suppliers) and a unit price;
 * its rows are drawn as importer ~ size, exporter ~ size x strength (tempered), and each value
 * is size_j x size_i x strength x lognormal noise. At 10 M rows (seed 1): importer-side partner
 * HHIs 0.18 (5th percentile) .. 0.52 (median) .. 1 (one partner), world importer HHIs per product
 * 0.065 .. 0.13 .. 0.29 (5th, 50th, 95th percentile).
 * About 3 % of the quantities are missing.
 * Deterministic from the seed (xorshift64* for the structure; a counter-based splitmix64 hash
 * of (seed, k, i, j) for each row's numbers, so the order of writing does not matter).
 */
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define NC 200
#define NP 5000
#define YEAR 2022

static const int country_code[NC] = {
    4, 8, 12, 24, 28, 31, 32, 36, 40, 44, 48, 50, 51, 52, 56, 60, 64, 68, 70, 72, 76, 84, 90, 92,
    96, 100, 104, 108, 112, 116, 120, 124, 132, 136, 140, 144, 148, 152, 156, 170, 174, 178, 180,
    188, 191, 192, 196, 203, 204, 208, 212, 214, 218, 222, 226, 231, 232, 233, 234, 242, 246, 251,
    258, 262, 266, 268, 270, 276, 288, 296, 300, 304, 308, 320, 324, 328, 332, 340, 344, 348, 352,
    360, 364, 368, 372, 376, 380, 384, 388, 392, 398, 400, 404, 408, 410, 414, 417, 418, 422, 426,
    428, 430, 434, 440, 442, 446, 450, 454, 458, 462, 466, 470, 478, 480, 484, 490, 496, 498, 499,
    504, 508, 512, 516, 524, 528, 531, 533, 534, 540, 548, 554, 558, 562, 566, 579, 583, 584, 586,
    591, 598, 600, 604, 608, 616, 620, 624, 626, 634, 642, 643, 646, 659, 660, 662, 670, 678, 682,
    686, 688, 690, 694, 699, 702, 703, 704, 705, 706, 710, 716, 724, 729, 740, 748, 752, 757, 760,
    762, 764, 768, 776, 780, 784, 788, 792, 795, 796, 800, 804, 807, 818, 826, 834, 842, 854, 858,
    860, 862, 882, 887, 894};

/* the 20 largest traders (goods trade, order of magnitude of the 2020s): CHN USA DEU JPN NLD
   FRA KOR ITA HKG GBR BEL CAN MEX IND SGP TWN ESP CHE RUS POL */
static const int big_code[20] = {156, 842, 276, 392, 528, 251, 410, 380, 344, 826,
                                 56,  124, 484, 699, 702, 490, 724, 757, 643, 616};

/* HS6 subheading suffixes used within each heading */
static const int sub_suffix[8] = {10, 11, 12, 19, 20, 30, 41, 90};

static uint64_t splitmix(uint64_t *x)
{
    uint64_t z = (*x += 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

static uint64_t g_s;

static uint64_t next64(void)
{
    g_s ^= g_s >> 12;
    g_s ^= g_s << 25;
    g_s ^= g_s >> 27;
    return g_s * 0x2545F4914F6CDD1DULL;
}

/* uniform in (0, 1) from 53 bits */
static double unif_of(uint64_t r) { return ((double)(r >> 11) + 0.5) * (1.0 / 9007199254740992.0); }
static double unif(void) { return unif_of(next64()); }
static double normal(void) { return sqrt(-2.0 * log(unif())) * cos(6.283185307179586 * unif()); }

static void die(const char *what)
{
    fprintf(stderr, "gen: %s: %s\n", what, strerror(errno));
    exit(1);
}

static void *xcalloc(size_t n, size_t size)
{
    void *p = calloc(n, size);
    if (!p)
        die("out of memory");
    return p;
}

/* index of the first cumulative weight above u * total (cum has n entries, increasing) */
static int pick(const double *cum, int n, double u)
{
    double x = u * cum[n - 1];
    int lo = 0, hi = n - 1;
    while (lo < hi) {
        int mid = (lo + hi) / 2;
        if (cum[mid] > x)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

/* --- output buffer ------------------------------------------------------------------------ */
static char g_buf[1 << 20];
static size_t g_len;
static FILE *g_out;

static void flush_buf(void)
{
    if (g_len && fwrite(g_buf, 1, g_len, g_out) != g_len)
        die("write");
    g_len = 0;
}

static void put_str(const char *s)
{
    while (*s)
        g_buf[g_len++] = *s++;
}

static void put_uint(uint64_t v)
{
    char t[24];
    int n = 0;
    do {
        t[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        g_buf[g_len++] = t[--n];
}

/* a count of thousandths as a decimal without trailing zeros: 8047400 -> "8047.4" */
static void put_milli(uint64_t m)
{
    put_uint(m / 1000);
    unsigned f = (unsigned)(m % 1000);
    if (f) {
        g_buf[g_len++] = '.';
        g_buf[g_len++] = (char)('0' + f / 100);
        if (f % 100) {
            g_buf[g_len++] = (char)('0' + f / 10 % 10);
            if (f % 10)
                g_buf[g_len++] = (char)('0' + f % 10);
        }
    }
}

int main(int argc, char **argv)
{
    if (argc < 3 || argc > 4) {
        fprintf(stderr, "usage: gen ROWS OUTFILE [SEED]\n");
        return 2;
    }
    char *end;
    errno = 0;
    long long rows_ll = strtoll(argv[1], &end, 10);
    if (errno || *end || rows_ll < 1 || rows_ll > (long long)NP * NC * (NC - 1) / 2) {
        fprintf(stderr, "gen: ROWS must be an integer in 1 .. %d, got '%s'\n", NP * NC * (NC - 1) / 2,
                argv[1]);
        return 2;
    }
    uint64_t seed = 1;
    if (argc == 4) {
        errno = 0;
        seed = strtoull(argv[3], &end, 10);
        if (errno || *end) {
            fprintf(stderr, "gen: SEED must be an unsigned integer, got '%s'\n", argv[3]);
            return 2;
        }
    }
    int64_t rows = rows_ll;
    uint64_t x = seed;
    g_s = splitmix(&x);
    if (!g_s)
        g_s = 1;
    uint64_t hseed = splitmix(&x);

    /* products: 5,000 HS6 codes over chapters 1..97 without 77, 8 subheadings per heading */
    static int prod[NP];
    {
        int chapters[96], nch = 0;
        for (int c = 1; c <= 97; c++)
            if (c != 77)
                chapters[nch++] = c;
        int p = 0;
        for (int ci = 0; ci < nch; ci++) {
            int nin = (int)((int64_t)NP * (ci + 1) / nch - (int64_t)NP * ci / nch);
            for (int t = 0; t < nin; t++)
                prod[p++] = chapters[ci] * 10000 + (1 + t / 8) * 100 + sub_suffix[t % 8];
        }
    }

    /* country sizes: Zipf by rank (exponent 1.1); the 20 big traders first */
    static double size[NC];
    {
        int rank_of[NC], order[NC], n = 0;
        for (int c = 0; c < NC; c++)
            rank_of[c] = -1;
        for (int b = 0; b < 20; b++)
            for (int c = 0; c < NC; c++)
                if (country_code[c] == big_code[b])
                    rank_of[c] = b;
        for (int c = 0; c < NC; c++)
            if (rank_of[c] < 0)
                order[n++] = c;
        for (int a = n - 1; a > 0; a--) { /* Fisher-Yates */
            int b = (int)(next64() % (uint64_t)(a + 1));
            int t = order[a];
            order[a] = order[b];
            order[b] = t;
        }
        for (int a = 0; a < n; a++)
            rank_of[order[a]] = 20 + a;
        for (int c = 0; c < NC; c++)
            size[c] = pow(rank_of[c] + 1.0, -1.1);
    }

    /* rows per product: lognormal weights, capped at 60 % of the possible pairs; the remainder
       carried to the next products */
    static int64_t nrows[NP];
    static double alpha[NP], price[NP];
    {
        static double w[NP];
        double W = 0;
        for (int k = 0; k < NP; k++) {
            w[k] = exp(0.6 * normal());
            W += w[k];
            alpha[k] = 0.6 + 1.9 * unif();
            price[k] = exp(log(2.0) + 1.5 * normal()); /* thousand USD per tonne */
        }
        const int64_t cap = (int64_t)NC * (NC - 1) * 6 / 10;
        int64_t done = 0;
        double cw = 0;
        for (int pass = 0; pass < 2; pass++) {
            for (int k = 0; k < NP && done < rows; k++) {
                int64_t want;
                if (pass == 0) {
                    cw += w[k];
                    want = (int64_t)llround((double)rows * cw / W) - done;
                } else {
                    want = rows - done;
                }
                if (want > cap - nrows[k])
                    want = cap - nrows[k];
                if (want < 0)
                    want = 0;
                nrows[k] += want;
                done += want;
            }
        }
    }

    /* bitmap of the rows present, laid out (i, j, k) with k fastest, so that writing in BACI's
       (i, j, k) order is a scan */
    const size_t wpp = (NP + 63) / 64; /* 64-bit words per (i, j) */
    uint64_t *bits = xcalloc((size_t)NC * NC * wpp, sizeof *bits);
    static double strength[NP][NC]; /* exporter strength per product */
    {
        static double cum_j[NC], cum_i[NC];
        static unsigned char taken[NC * NC];
        double c = 0;
        for (int j = 0; j < NC; j++)
            cum_j[j] = (c += pow(size[j], 0.6));
        int64_t fallback = 0;
        for (int k = 0; k < NP; k++) {
            c = 0;
            for (int i = 0; i < NC; i++) {
                strength[k][i] = fmin(pow(unif(), -1.0 / alpha[k]), 300.0); /* Pareto >= 1, capped */
                cum_i[i] = (c += pow(size[i] * strength[k][i], 0.6));
            }
            memset(taken, 0, sizeof taken);
            int64_t got = 0, tries = 0, limit = 30 * nrows[k] + 1000;
            while (got < nrows[k] && tries < limit) {
                tries++;
                int j = pick(cum_j, NC, unif());
                int i = pick(cum_i, NC, unif());
                if (i == j || taken[i * NC + j])
                    continue;
                taken[i * NC + j] = 1;
                got++;
            }
            if (got < nrows[k]) { /* dense product: fill from a random start, in order */
                int start = (int)(next64() % (uint64_t)(NC * NC));
                for (int t = 0; t < NC * NC && got < nrows[k]; t++) {
                    int p = (start + t) % (NC * NC);
                    if (p / NC == p % NC || taken[p])
                        continue;
                    taken[p] = 1;
                    got++;
                    fallback++;
                }
            }
            for (int p = 0; p < NC * NC; p++)
                if (taken[p])
                    bits[(size_t)p * wpp + (size_t)k / 64] |= 1ULL << (k % 64);
        }
        if (fallback)
            fprintf(stderr, "gen: %lld rows placed by the dense fallback\n", (long long)fallback);
    }

    g_out = fopen(argv[2], "wb");
    if (!g_out)
        die(argv[2]);
    put_str("t,i,j,k,v,q\n");
    int64_t written = 0, missing = 0;
    const double scale = 3.3e4; /* thousand USD: world total about 25 trillion USD */
    for (int i = 0; i < NC; i++) {
        for (int j = 0; j < NC; j++) {
            const uint64_t *wv = bits + ((size_t)i * NC + (size_t)j) * wpp;
            for (size_t wi = 0; wi < wpp; wi++) {
                uint64_t m = wv[wi];
                while (m) {
                    int k = (int)(wi * 64 + (size_t)__builtin_ctzll(m));
                    m &= m - 1;
                    uint64_t h = hseed ^ (((uint64_t)k * NC + (uint64_t)i) * NC + (uint64_t)j) *
                                             0xD1B54A32D192ED03ULL;
                    double u1 = unif_of(splitmix(&h)), u2 = unif_of(splitmix(&h));
                    double u3 = unif_of(splitmix(&h)), u4 = unif_of(splitmix(&h));
                    double z1 = sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
                    double z2 = sqrt(-2.0 * log(u1)) * sin(6.283185307179586 * u2);
                    double v = scale * size[i] * size[j] * strength[k][i] * exp(1.3 * z1);
                    double vm = floor(v * 1000.0 + 0.5);
                    if (vm < 1)
                        vm = 1;
                    if (vm > 9e15)
                        vm = 9e15;
                    put_uint(YEAR);
                    g_buf[g_len++] = ',';
                    put_uint((uint64_t)country_code[i]);
                    g_buf[g_len++] = ',';
                    put_uint((uint64_t)country_code[j]);
                    g_buf[g_len++] = ',';
                    int code = prod[k];
                    for (int d = 100000; d; d /= 10)
                        g_buf[g_len++] = (char)('0' + code / d % 10);
                    g_buf[g_len++] = ',';
                    put_milli((uint64_t)vm);
                    g_buf[g_len++] = ',';
                    if (u3 < 0.03) {
                        put_str("           NA");
                        missing++;
                    } else {
                        double qm = floor(vm / price[k] * exp(0.5 * z2) + 0.5);
                        put_milli(qm < 1 ? 1 : (uint64_t)qm);
                    }
                    (void)u4;
                    g_buf[g_len++] = '\n';
                    written++;
                    if (g_len > sizeof g_buf - 256)
                        flush_buf();
                }
            }
        }
    }
    flush_buf();
    if (fclose(g_out))
        die(argv[2]);
    free(bits);
    fprintf(stderr, "gen: %lld rows, %d countries, %d products, %lld missing quantities, seed %llu\n",
            (long long)written, NC, NP, (long long)missing, (unsigned long long)seed);
    return 0;
}
