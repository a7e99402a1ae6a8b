/* SHA-256 (FIPS 180-4, section 6.2), written from the standard's description. The round
 * constants are the first 32 bits of the fractional parts of the cube roots of the first 64
 * primes; the initial hash value those of the square roots of the first 8 primes (5.3.3). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "cm_internal.h"
#include "store/store_internal.h"

static const uint32_t k256[64] = {
    0x428a2f98u, 0x71374491u, 0xb5c0fbcfu, 0xe9b5dba5u,
    0x3956c25bu, 0x59f111f1u, 0x923f82a4u, 0xab1c5ed5u,
    0xd807aa98u, 0x12835b01u, 0x243185beu, 0x550c7dc3u,
    0x72be5d74u, 0x80deb1feu, 0x9bdc06a7u, 0xc19bf174u,
    0xe49b69c1u, 0xefbe4786u, 0x0fc19dc6u, 0x240ca1ccu,
    0x2de92c6fu, 0x4a7484aau, 0x5cb0a9dcu, 0x76f988dau,
    0x983e5152u, 0xa831c66du, 0xb00327c8u, 0xbf597fc7u,
    0xc6e00bf3u, 0xd5a79147u, 0x06ca6351u, 0x14292967u,
    0x27b70a85u, 0x2e1b2138u, 0x4d2c6dfcu, 0x53380d13u,
    0x650a7354u, 0x766a0abbu, 0x81c2c92eu, 0x92722c85u,
    0xa2bfe8a1u, 0xa81a664bu, 0xc24b8b70u, 0xc76c51a3u,
    0xd192e819u, 0xd6990624u, 0xf40e3585u, 0x106aa070u,
    0x19a4c116u, 0x1e376c08u, 0x2748774cu, 0x34b0bcb5u,
    0x391c0cb3u, 0x4ed8aa4au, 0x5b9cca4fu, 0x682e6ff3u,
    0x748f82eeu, 0x78a5636fu, 0x84c87814u, 0x8cc70208u,
    0x90befffau, 0xa4506cebu, 0xbef9a3f7u, 0xc67178f2u,
};

#define ROTR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))
#define CH(x, y, z) (((x) & (y)) ^ (~(x) & (z)))
#define MAJ(x, y, z) (((x) & (y)) ^ ((x) & (z)) ^ ((y) & (z)))
#define BSIG0(x) (ROTR(x, 2) ^ ROTR(x, 13) ^ ROTR(x, 22))
#define BSIG1(x) (ROTR(x, 6) ^ ROTR(x, 11) ^ ROTR(x, 25))
#define SSIG0(x) (ROTR(x, 7) ^ ROTR(x, 18) ^ ((x) >> 3))
#define SSIG1(x) (ROTR(x, 17) ^ ROTR(x, 19) ^ ((x) >> 10))

static void compress(uint32_t h[8], const unsigned char block[64])
{
    uint32_t w[64];
    for (int t = 0; t < 16; t++) {
        w[t] = (uint32_t)block[4 * t] << 24 | (uint32_t)block[4 * t + 1] << 16 |
               (uint32_t)block[4 * t + 2] << 8 | (uint32_t)block[4 * t + 3];
    }
    for (int t = 16; t < 64; t++) {
        w[t] = SSIG1(w[t - 2]) + w[t - 7] + SSIG0(w[t - 15]) + w[t - 16];
    }
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4], f = h[5], g = h[6], hh = h[7];
    for (int t = 0; t < 64; t++) {
        uint32_t t1 = hh + BSIG1(e) + CH(e, f, g) + k256[t] + w[t];
        uint32_t t2 = BSIG0(a) + MAJ(a, b, c);
        hh = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
    h[4] += e;
    h[5] += f;
    h[6] += g;
    h[7] += hh;
}

void cm_i_sha256_init(cm_i_sha256_t *s)
{
    static const uint32_t h0[8] = {0x6a09e667u, 0xbb67ae85u, 0x3c6ef372u, 0xa54ff53au,
                                   0x510e527fu, 0x9b05688cu, 0x1f83d9abu, 0x5be0cd19u};
    memcpy(s->h, h0, sizeof h0);
    s->nbytes = 0;
    s->used = 0;
}

void cm_i_sha256_update(cm_i_sha256_t *s, const void *data, size_t len)
{
    const unsigned char *p = data;
    s->nbytes += len;
    if (s->used > 0) {
        size_t take = 64 - s->used < len ? 64 - s->used : len;
        memcpy(s->buf + s->used, p, take);
        s->used += take;
        p += take;
        len -= take;
        if (s->used < 64) {
            return;
        }
        compress(s->h, s->buf);
        s->used = 0;
    }
    while (len >= 64) {
        compress(s->h, p);
        p += 64;
        len -= 64;
    }
    if (len > 0) {
        memcpy(s->buf, p, len);
        s->used = len;
    }
}

void cm_i_sha256_final(cm_i_sha256_t *s, char hex[65])
{
    static const char digits[] = "0123456789abcdef";
    uint64_t bits = s->nbytes * 8u;
    unsigned char pad[72];
    size_t padlen = (s->used < 56) ? 56 - s->used : 120 - s->used;
    memset(pad, 0, sizeof pad);
    pad[0] = 0x80;
    for (int i = 0; i < 8; i++) {
        pad[padlen + (size_t)i] = (unsigned char)(bits >> (56 - 8 * i));
    }
    uint64_t keep = s->nbytes;
    cm_i_sha256_update(s, pad, padlen + 8);
    s->nbytes = keep;
    for (int i = 0; i < 8; i++) {
        for (int j = 0; j < 4; j++) {
            unsigned v = (unsigned)(s->h[i] >> (24 - 8 * j)) & 0xffu;
            hex[8 * i + 2 * j] = digits[v >> 4];
            hex[8 * i + 2 * j + 1] = digits[v & 15u];
        }
    }
    hex[64] = '\0';
}

void cm_sha256_buffer(const void *data, size_t len, char hex[65])
{
    cm_i_sha256_t s;
    cm_i_sha256_init(&s);
    cm_i_sha256_update(&s, data, len);
    cm_i_sha256_final(&s, hex);
}

cm_error_t cm_sha256_file(const char *path, char hex[65], cm_error_info_t *err)
{
    cm_error_t rc = CM_OK;
    unsigned char buf[65536];
    cm_i_sha256_t s;
    FILE *f = NULL;
    if (path == NULL || hex == NULL) {
        return cm_error_set(err, CM_EINVAL, "cm_sha256_file: path and hex are required");
    }
    f = fopen(path, "rb");
    if (f == NULL) {
        return cm_error_set(err, CM_EFILE, "%s: cannot open for reading: %s", path,
                            strerror(errno));
    }
    cm_i_sha256_init(&s);
    for (;;) {
        size_t n = fread(buf, 1, sizeof buf, f);
        if (n > 0) {
            cm_i_sha256_update(&s, buf, n);
        }
        if (n < sizeof buf) {
            if (ferror(f)) {
                CM_FAIL(cm_error_set(err, CM_EFILE, "%s: read error: %s", path,
                                     strerror(errno)));
            }
            break;
        }
    }
    cm_i_sha256_final(&s, hex);
cleanup:
    fclose(f);
    return rc;
}
