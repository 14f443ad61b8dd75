#ifndef LIFEBOAT_CDEFLATE_SHIM_H
#define LIFEBOAT_CDEFLATE_SHIM_H
#include <libdeflate.h>
#endif
