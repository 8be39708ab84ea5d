#include "CKernels.h"
#include <string.h>

__attribute__((target_clones("arch=x86-64-v3", "default")))
int fdfa_all_finite(const float *restrict x, long n) {
    uint32_t saturated = 0;
    for (long i = 0; i < n; i++) {
        uint32_t bits;
        memcpy(&bits, &x[i], sizeof bits);
        saturated |= (bits & 0x7F800000u) == 0x7F800000u;
    }
    return saturated == 0;
}
