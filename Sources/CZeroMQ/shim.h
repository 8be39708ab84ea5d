// ZeroMQ (Debian: libzmq3-dev): the sockets the Jupyter kernel talks over.
#include <zmq.h>
