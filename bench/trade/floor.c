/*
 * floor FILE: how fast a BACI year can be read into columns on this machine, single-threaded, as
 * a floor for cambium's reader (the issue: "where libcsv is the measured bottleneck for a fixed
 * numeric layout such as BACI's, a specialised reader is justified").
 *   pass 1  read(2) the file in 8 MiB blocks, touching every byte (a byte sum): the I/O floor
 *           (from the page cache once the file has been read)
 *   pass 2  the same reading plus a hand-written parser of BACI's fixed numeric layout into
 *           columns (t, i, j int16; k int32; v, q double; NaN for "NA"): integers digit by
 *           digit, v and q as an integer count of thousandths divided by 1000.0 (at most 3
 *           decimals and 15 digits: the quotient is then the correctly rounded double of the
 *           decimal, what strtod returns), blanks around fields skipped.
 * No validation beyond what the layout needs (a malformed line stops with an error): a floor,
 * not a reader. Prints one line: rows, the two times and MB/s, and a checksum of the columns.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define BLOCK (8u << 20)

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static void die(const char *what, const char *detail)
{
    fprintf(stderr, "floor: %s: %s\n", what, detail);
    exit(1);
}

typedef struct {
    int16_t *t, *i, *j;
    int32_t *k;
    double *v, *q;
    size_t n, cap;
} cols_t;

static void grow(cols_t *c)
{
    size_t cap = c->cap ? 2 * c->cap : (1u << 20);
#define G(f) do { void *p = realloc(c->f, cap * sizeof *c->f); if (!p) die("out of memory", #f); c->f = p; } while (0)
    G(t); G(i); G(j); G(k); G(v); G(q);
#undef G
    c->cap = cap;
}

/* parse a non-negative integer field ending at ',' (blanks around it allowed) */
static const char *int_field(const char *p, long *out)
{
    while (*p == ' ')
        p++;
    long x = 0;
    const char *s = p;
    while ((unsigned)(*p - '0') < 10)
        x = x * 10 + (*p++ - '0');
    if (p == s)
        return NULL;
    while (*p == ' ')
        p++;
    *out = x;
    return p;
}

/* a decimal with at most 3 decimals, or NA; ends at ',' or '\n' */
static const char *dec_field(const char *p, double *out)
{
    while (*p == ' ')
        p++;
    if (p[0] == 'N' && p[1] == 'A') {
        *out = NAN;
        p += 2;
    } else {
        int64_t m = 0;
        const char *s = p;
        while ((unsigned)(*p - '0') < 10)
            m = m * 10 + (*p++ - '0');
        if (p == s)
            return NULL;
        int d = 0;
        if (*p == '.') {
            p++;
            while ((unsigned)(*p - '0') < 10 && d < 3) {
                m = m * 10 + (*p++ - '0');
                d++;
            }
            if ((unsigned)(*p - '0') < 10)
                return NULL; /* more than 3 decimals: not this layout */
        }
        for (; d < 3; d++)
            m *= 10;
        if (m >= (int64_t)1 << 53)
            return NULL;
        *out = (double)m / 1000.0;
    }
    while (*p == ' ' || *p == '\r')
        p++;
    return p;
}

int main(int argc, char **argv)
{
    if (argc != 2) {
        fprintf(stderr, "usage: floor FILE\n");
        return 2;
    }
    char *buf = malloc(BLOCK + 4096);
    if (!buf)
        die("out of memory", "buffer");

    /* pass 1: I/O */
    double t0 = now();
    int fd = open(argv[1], O_RDONLY);
    if (fd < 0)
        die(argv[1], strerror(errno));
    uint64_t bytes = 0, bsum = 0;
    for (;;) {
        ssize_t r = read(fd, buf, BLOCK);
        if (r < 0)
            die("read", strerror(errno));
        if (r == 0)
            break;
        for (ssize_t a = 0; a < r; a += 64)
            bsum += (unsigned char)buf[a];
        bytes += (uint64_t)r;
    }
    close(fd);
    double t_io = now() - t0;

    /* pass 2: I/O + parse into columns */
    t0 = now();
    fd = open(argv[1], O_RDONLY);
    if (fd < 0)
        die(argv[1], strerror(errno));
    cols_t c = {0};
    size_t have = 0, line = 1;
    int header = 1, eof = 0;
    while (!eof) {
        ssize_t r = read(fd, buf + have, BLOCK - have);
        if (r < 0)
            die("read", strerror(errno));
        if (r == 0) {
            eof = 1;
            if (have && buf[have - 1] != '\n')
                buf[have++] = '\n';
        }
        have += (size_t)r;
        buf[have] = '\0';
        char *end = buf + have, *last = end;
        while (last > buf && last[-1] != '\n')
            last--;
        const char *p = buf;
        if (header && last > buf) {
            if (strncmp(p, "t,i,j,k,v,q", 11) != 0)
                die(argv[1], "header is not t,i,j,k,v,q");
            p = memchr(p, '\n', (size_t)(last - p)) + 1;
            header = 0;
            line++;
        }
        while (p < last) {
            long t, i, j, k;
            double v, q;
            const char *s = p;
            if (!(p = int_field(p, &t)) || *p++ != ',' || !(p = int_field(p, &i)) || *p++ != ',' ||
                !(p = int_field(p, &j)) || *p++ != ',' || !(p = int_field(p, &k)) || *p++ != ',' ||
                !(p = dec_field(p, &v)) || *p++ != ',' || !(p = dec_field(p, &q)) || *p++ != '\n') {
                char msg[96];
                snprintf(msg, sizeof msg, "line %zu does not have the layout: %.40s", line, s);
                die(argv[1], msg);
            }
            if (c.n == c.cap)
                grow(&c);
            c.t[c.n] = (int16_t)t;
            c.i[c.n] = (int16_t)i;
            c.j[c.n] = (int16_t)j;
            c.k[c.n] = (int32_t)k;
            c.v[c.n] = v;
            c.q[c.n] = q;
            c.n++;
            line++;
        }
        have = (size_t)(end - last);
        memmove(buf, last, have);
    }
    close(fd);
    double t_parse = now() - t0;

    double sv = 0, sq = 0;
    size_t nq = 0;
    uint64_t sk = 0;
    for (size_t a = 0; a < c.n; a++) {
        sv += c.v[a];
        sk += (uint64_t)c.k[a] + (uint64_t)c.i[a] + (uint64_t)c.j[a] + (uint64_t)c.t[a];
        if (isnan(c.q[a]))
            nq++;
        else
            sq += c.q[a];
    }
    printf("floor: %zu rows, %.0f MB; read %.3f s (%.0f MB/s); read+parse %.3f s (%.0f MB/s); "
           "sum v %.6g, sum q %.6g, %zu missing q, key sum %llu, byte sum %llu\n",
           c.n, (double)bytes / 1e6, t_io, (double)bytes / 1e6 / t_io, t_parse,
           (double)bytes / 1e6 / t_parse, sv, sq, nq, (unsigned long long)sk, (unsigned long long)bsum);
    free(buf);
    free(c.t); free(c.i); free(c.j); free(c.k); free(c.v); free(c.q);
    return 0;
}
