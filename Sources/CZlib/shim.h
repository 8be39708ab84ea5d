// zlib (Debian: zlib1g-dev): reads the gzip'd IDX files of MNIST and Fashion-MNIST.
#include <zlib.h>
