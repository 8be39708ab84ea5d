// libdeflate (Debian: libdeflate-dev): reads the gzip'd IDX files of MNIST and Fashion-MNIST, and the
// CIFAR archives. Chosen over zlib because it inflates a whole buffer about 1.5x as fast here, and
// loading Fashion-MNIST is dominated by inflating its 26 MB of training images.
#include <libdeflate.h>
