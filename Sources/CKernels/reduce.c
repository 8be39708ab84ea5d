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

__attribute__((target_clones("arch=x86-64-v3", "default")))
void fdfa_plane_sum_and_dot(const float *restrict v, const float *restrict h, long n, float *sum, float *dot) {
    float a[LANES] = {0}, b[LANES] = {0};
    long i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int l = 0; l < LANES; l++) { a[l] += v[i + l]; b[l] += v[i + l] * h[i + l]; }
    for (; i < n; i++) { a[i % LANES] += v[i]; b[i % LANES] += v[i] * h[i]; }
    *sum = total(a);
    *dot = total(b);
}
