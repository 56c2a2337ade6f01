#ifndef REPLAYD_CCURL_SHIM_H
#define REPLAYD_CCURL_SHIM_H
#include <curl/curl.h>
#endif
