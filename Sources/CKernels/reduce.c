#include "CKernels.h"

// Sums over one BatchNorm2d plane (a sample's channel: H·W values). Swift keeps a float sum in
// program order, which does not vectorise; here eight partial sums run side by side (one AVX
// register) and are added up at the end: a different order of the same additions, measured 4-6x
// faster on the shallow CNN's 20x20 and 24x24 planes.
enum { LANES = 8 };

static inline float total(const float partial[LANES]) {
    float s = 0;
    for (int l = 0; l < LANES; l++) s += partial[l];
    return s;
}

__attribute__((target_clones("arch=x86-64-v3", "default")))
float fdfa_plane_sum(const float *restrict x, long n) {
    float partial[LANES] = {0};
    long i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int l = 0; l < LANES; l++) partial[l] += x[i + l];
    for (; i < n; i++) partial[i % LANES] += x[i];
    return total(partial);
}

__attribute__((target_clones("arch=x86-64-v3", "default")))
float fdfa_plane_squared_deviation(const float *restrict x, long n, float mean) {
    float partial[LANES] = {0};
    long i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int l = 0; l < LANES; l++) { float d = x[i + l] - mean; partial[l] += d * d; }
    for (; i < n; i++) { float d = x[i] - mean; partial[i % LANES] += d * d; }
    return total(partial);
}

// v ⊙ [mask > 0] in place of v when `masked` (a constant at both call sites, so each gets its own
// loop). The eight partial sums are one vector of GCC's vector extensions: written as plain lanes,
// the masked form's selects kept clang from vectorising it (4x slower than the plain form).
typedef float lanes __attribute__((vector_size(LANES * sizeof(float)), aligned(4)));
typedef int32_t lane_bits __attribute__((vector_size(LANES * sizeof(int32_t))));

static inline __attribute__((always_inline)) void sum_and_dot(
    const float *restrict v, const float *restrict mask, const float *restrict h, long n, int masked, float *sum, float *dot) {
    lanes a = {0}, b = {0}, zero = {0};
    long i = 0;
    for (; i + LANES <= n; i += LANES) {
        lanes x = *(const lanes *)(v + i);
        // A comparison gives all ones where it holds: x where mask > 0, +0 elsewhere (NaN too).
        if (masked) x = (lanes)((lane_bits)x & (*(const lanes *)(mask + i) > zero));
        a += x;
        b += x * *(const lanes *)(h + i);
    }
    float pa[LANES], pb[LANES];
    for (int l = 0; l < LANES; l++) { pa[l] = a[l]; pb[l] = b[l]; }
    for (; i < n; i++) {
        float x = v[i];
        if (masked) x = mask[i] > 0 ? x : 0.0f;
        pa[i % LANES] += x;
        pb[i % LANES] += x * h[i];
    }
    *sum = total(pa);
    *dot = total(pb);
}

__attribute__((target_clones("arch=x86-64-v3", "default")))
void fdfa_plane_sum_and_dot(const float *restrict v, const float *restrict h, long n, float *sum, float *dot) {
    sum_and_dot(v, 0, h, n, 0, sum, dot);
}

__attribute__((target_clones("arch=x86-64-v3", "default")))
void fdfa_plane_masked_sum_and_dot(const float *restrict v, const float *restrict mask, const float *restrict h, long n,
                                   float *sum, float *dot) {
    sum_and_dot(v, mask, h, n, 1, sum, dot);
}
