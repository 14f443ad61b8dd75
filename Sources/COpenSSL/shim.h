#ifndef LIFEBOAT_COPENSSL_SHIM_H
#define LIFEBOAT_COPENSSL_SHIM_H
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/bn.h>
#include <openssl/rand.h>
#include <openssl/err.h>
#include <openssl/sha.h>
#include <openssl/core_names.h>
#include <openssl/param_build.h>
#include <openssl/aes.h>
#include <openssl/crypto.h>
#include <openssl/kdf.h>
#endif
