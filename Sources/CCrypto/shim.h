// OpenSSL's libcrypto (Debian: libssl-dev): HMAC-SHA256, which signs the Jupyter kernel's messages.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
