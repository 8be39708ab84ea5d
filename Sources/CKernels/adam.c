#include "CKernels.h"
#include <math.h>

__attribute__((target_clones("arch=x86-64-v3", "default")))
void fdfa_adam(float *restrict p, const float *restrict g, float *restrict m, float *restrict v, long n,
               float b1, float b2, float wd, float step_size, float root_correction2, float eps) {
    for (long i = 0; i < n; i++) {
        float gi = g[i] + wd * p[i];
        m[i] = b1 * m[i] + (1 - b1) * gi;
        v[i] = b2 * v[i] + (1 - b2) * gi * gi;
        p[i] -= step_size * m[i] / (sqrtf(v[i]) / root_correction2 + eps);
    }
}
