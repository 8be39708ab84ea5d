#include "CKernels.h"
#include <math.h>

__attribute__((target_clones("arch=x86-64-v3", "default")))
void fdfa_adam(float *restrict p, const float *restrict g, float *restrict m, float *restrict v, long n,
               float b1, float b2, float wd, float step_size, float root_correction2, float eps) {
    // One division per element instead of two: dividing by a vector's worth of divisions is what
    // bounds this loop when the moments are in cache (the result moves by at most an ulp).
    float inverse_root_correction2 = 1.0f / root_correction2;
    for (long i = 0; i < n; i++) {
        float gi = g[i] + wd * p[i];
        float mi = b1 * m[i] + (1 - b1) * gi;
        float vi = b2 * v[i] + (1 - b2) * gi * gi;
        m[i] = mi;
        v[i] = vi;
        p[i] -= step_size * mi / (sqrtf(vi) * inverse_root_correction2 + eps);
    }
}
