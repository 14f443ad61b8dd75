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

/* Selections for EVP_PKEY_fromdata: composite macros that Swift cannot import. */
static inline int lifeboat_pkey_public_key_selection(void) { return EVP_PKEY_PUBLIC_KEY; }
static inline int lifeboat_pkey_keypair_selection(void) { return EVP_PKEY_KEYPAIR; }
static inline int lifeboat_pkey_ed25519(void) { return EVP_PKEY_ED25519; }
static inline int lifeboat_pkey_x25519(void) { return EVP_PKEY_X25519; }
static inline int lifeboat_rsa_pkcs1_padding(void) { return RSA_PKCS1_PADDING; }
#endif
