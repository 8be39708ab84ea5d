#include "CKernels.h"

// Philox-4x32-10 (Salmon et al., SC'11): ten rounds of two 32x32->64-bit multiplies and a Weyl key
// schedule. fdfa's stream uses the counter (lo, hi, 0, 0) for its 64-bit block number.
static inline __attribute__((always_inline)) void philox4x32(const uint32_t ctr[4], const uint32_t key[2], uint32_t w[4]) {
    uint32_t c0 = ctr[0], c1 = ctr[1], c2 = ctr[2], c3 = ctr[3], k0 = key[0], k1 = key[1];
    for (int r = 0; r < 10; r++) {
        uint64_t p0 = (uint64_t)0xD2511F53u * c0;
        uint64_t p1 = (uint64_t)0xCD9E8D57u * c2;
        uint32_t n0 = (uint32_t)(p1 >> 32) ^ c1 ^ k0;
        uint32_t n1 = (uint32_t)p1;
        uint32_t n2 = (uint32_t)(p0 >> 32) ^ c3 ^ k1;
        uint32_t n3 = (uint32_t)p0;
        c0 = n0; c1 = n1; c2 = n2; c3 = n3;
        k0 += 0x9E3779B9u;
        k1 += 0xBB67AE85u;
    }
    w[0] = c0; w[1] = c1; w[2] = c2; w[3] = c3;
}

static inline __attribute__((always_inline)) void philox(uint64_t key, uint64_t counter, uint32_t w[4]) {
    const uint32_t ctr[4] = { (uint32_t)counter, (uint32_t)(counter >> 32), 0, 0 };
    const uint32_t k[2] = { (uint32_t)key, (uint32_t)(key >> 32) };
    philox4x32(ctr, k, w);
}

void fdfa_philox4x32(const uint32_t counter[4], const uint32_t key[2], uint32_t out[4]) { philox4x32(counter, key, out); }

void fdfa_philox(uint64_t key, uint64_t counter, uint32_t out[4]) { philox(key, counter, out); }

/// 24-bit uniform in [0, 1).
static inline float unit(uint32_t w) { return (float)(w >> 8) * 0x1p-24f; }

// logf after Cephes: x = m 2^e with m in [sqrt(1/2), sqrt(2)), log(1+f) by a degree-9 polynomial.
static inline float log_approx(float x) {
    union { float f; uint32_t i; } u = { x };
    int e = (int)((u.i >> 23) & 0xFF) - 126;
    u.i = (u.i & 0x007FFFFFu) | 0x3F000000u; // m in [0.5, 1)
    float m = u.f;
    if (m < 0.70710678f) { e -= 1; m = m + m - 1.0f; } else { m = m - 1.0f; }
    float z = m * m;
    float y = 7.0376836292e-2f;
    y = y * m - 1.1514610310e-1f;
    y = y * m + 1.1676998740e-1f;
    y = y * m - 1.2420140846e-1f;
    y = y * m + 1.4249322787e-1f;
    y = y * m - 1.6668057665e-1f;
    y = y * m + 2.0000714765e-1f;
    y = y * m - 2.4999993993e-1f;
    y = y * m + 3.3333331174e-1f;
    y = y * m * z;
    float fe = (float)e;
    y += -2.12194440e-4f * fe;
    y += -0.5f * z;
    return m + y + 0.693359375f * fe;
}

// sin and cos of 2 pi t for t in [0, 1): quadrant j = round(4t), r = 2 pi (t - j/4) in [-pi/4, pi/4],
// Cephes' minimax polynomials for sin r and cos r, then a rotation by j quarter turns.
static inline void sincos_2pi(float t, float *s, float *c) {
    float j = __builtin_roundf(4.0f * t);
    float r = 6.28318530718f * (t - 0.25f * j);
    float r2 = r * r;
    float sr = r + r * r2 * (-1.6666654611e-1f + r2 * (8.3321608736e-3f + r2 * -1.9515295891e-4f));
    float cr = 1.0f - 0.5f * r2 + r2 * r2 * (4.166664568298827e-2f + r2 * (-1.388731625493765e-3f + r2 * 2.443315711809948e-5f));
    int q = (int)j & 3;
    float sv = q == 0 ? sr : q == 1 ? cr : q == 2 ? -sr : -cr;
    float cv = q == 0 ? cr : q == 1 ? -sr : q == 2 ? -cr : sr;
    *s = sv;
    *c = cv;
}

float fdfa_log(float x) { return log_approx(x); }
void fdfa_sincos_2pi(float t, float *s, float *c) { sincos_2pi(t, s, c); }

/// Box-Muller on two words: u1 in (0, 1] so the logarithm never sees 0.
static inline void box_muller(uint32_t a, uint32_t b, float *z0, float *z1) {
    float u1 = (float)((a >> 8) + 1) * 0x1p-24f;
    float radius = __builtin_sqrtf(-2.0f * log_approx(u1));
    float s, c;
    sincos_2pi(unit(b), &s, &c);
    *z0 = radius * c;
    *z1 = radius * s;
}

// Both fills work on LANES blocks at a time, lane by lane in separate loops, so that the compiler
// runs the lanes side by side in vector registers; the tail goes through the same code on a
// zero-padded group and keeps only the words it needs.
enum { LANES = 8 };

/// Words of blocks counter .. counter + LANES - 1, word k of lane l in w[k][l].
static inline __attribute__((always_inline)) void philox_lanes(uint64_t key, uint64_t counter, uint32_t w[4][LANES]) {
    for (int l = 0; l < LANES; l++) {
        uint32_t block[4];
        philox(key, counter + (uint64_t)l, block);
        for (int k = 0; k < 4; k++) w[k][l] = block[k];
    }
}

__attribute__((target_clones("arch=x86-64-v3", "default")))
void fdfa_fill_uniform(float *restrict out, long n, uint64_t key, uint64_t counter, float low, float high) {
    float scale = high - low;
    for (long b = 0; 4 * b < n; b += LANES) {
        uint32_t w[4][LANES];
        float z[LANES][4];
        philox_lanes(key, counter + (uint64_t)b, w);
        for (int l = 0; l < LANES; l++)
            for (int k = 0; k < 4; k++) z[l][k] = low + scale * unit(w[k][l]);
        long start = 4 * b, count = n - start < 4 * LANES ? n - start : 4 * LANES;
        for (long i = 0; i < count; i++) out[start + i] = z[i / 4][i % 4];
    }
}

typedef float lane_floats __attribute__((vector_size(LANES * sizeof(float)), aligned(4)));

/// out[4 l + k] = z[k][l] for every lane l (block l's four normals in order): the 4 × 8 transpose
/// as shuffles and four vector stores, where element by element it took a tenth of the fill.
static inline __attribute__((always_inline)) void store_interleaved(float *restrict out, float z[4][LANES]) {
    _Static_assert(LANES == 8, "the shuffles below are written for eight lanes");
    lane_floats z0, z1, z2, z3;
    __builtin_memcpy(&z0, z[0], sizeof z0);
    __builtin_memcpy(&z1, z[1], sizeof z1);
    __builtin_memcpy(&z2, z[2], sizeof z2);
    __builtin_memcpy(&z3, z[3], sizeof z3);
    // Pairs (z0, z1) and (z2, z3) of lanes 0, 1, 4, 5 and of lanes 2, 3, 6, 7.
    lane_floats a = __builtin_shufflevector(z0, z1, 0, 8, 1, 9, 4, 12, 5, 13);
    lane_floats b = __builtin_shufflevector(z0, z1, 2, 10, 3, 11, 6, 14, 7, 15);
    lane_floats c = __builtin_shufflevector(z2, z3, 0, 8, 1, 9, 4, 12, 5, 13);
    lane_floats d = __builtin_shufflevector(z2, z3, 2, 10, 3, 11, 6, 14, 7, 15);
    // Blocks (0, 1), (2, 3), (4, 5), (6, 7), each as z0 z1 z2 z3.
    lane_floats e = __builtin_shufflevector(a, c, 0, 1, 8, 9, 2, 3, 10, 11);
    lane_floats f = __builtin_shufflevector(b, d, 0, 1, 8, 9, 2, 3, 10, 11);
    lane_floats g = __builtin_shufflevector(a, c, 4, 5, 12, 13, 6, 7, 14, 15);
    lane_floats h = __builtin_shufflevector(b, d, 4, 5, 12, 13, 6, 7, 14, 15);
    __builtin_memcpy(out, &e, sizeof e);
    __builtin_memcpy(out + LANES, &f, sizeof f);
    __builtin_memcpy(out + 2 * LANES, &g, sizeof g);
    __builtin_memcpy(out + 3 * LANES, &h, sizeof h);
}

__attribute__((target_clones("arch=x86-64-v3", "default")))
void fdfa_fill_normal(float *restrict out, long n, uint64_t key, uint64_t counter) {
    for (long b = 0; 4 * b < n; b += LANES) {
        uint32_t w[4][LANES];
        float z[4][LANES];
        philox_lanes(key, counter + (uint64_t)b, w);
        for (int l = 0; l < LANES; l++) {
            box_muller(w[0][l], w[1][l], &z[0][l], &z[1][l]);
            box_muller(w[2][l], w[3][l], &z[2][l], &z[3][l]);
        }
        long start = 4 * b, count = n - start < 4 * LANES ? n - start : 4 * LANES;
        if (count == 4 * LANES) {
            store_interleaved(out + start, z);
        } else {
            for (long i = 0; i < count; i++) out[start + i] = z[i % 4][i / 4];
        }
    }
}
