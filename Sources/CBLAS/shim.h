// OpenBLAS's C interface (Debian: libopenblas-dev, pthreads build).
#include <cblas.h>
// Declared by OpenBLAS itself; lets fdfa pin its thread count (--threads).
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
