#ifndef REPLAYD_CCURL_SHIM_H
#define REPLAYD_CCURL_SHIM_H

/*
 * Typed, non-variadic wrappers for the variadic libcurl calls replayd uses.
 *
 * Swift cannot call C variadic functions, and passing the wrong argument type to
 * curl_easy_setopt / curl_easy_getinfo is undefined behaviour. Each wrapper here takes
 * exactly one argument type and first checks that the option (or info) really is of that
 * type, using the type offset libcurl encodes in every option number. A mismatch returns
 * CURLE_BAD_FUNCTION_ARGUMENT (or CURLM_UNKNOWN_OPTION) instead of corrupting memory.
 */

#include <curl/curl.h>

/* curl_multi_poll arrived in 7.66.0, curl_multi_wakeup in 7.68.0. */
#if LIBCURL_VERSION_NUM < 0x074400
#error "replayd needs libcurl 7.68.0 or newer (curl_multi_poll and curl_multi_wakeup)"
#endif

/* ---- global ---------------------------------------------------------------------------- */

/** curl_global_init with the default flags (SSL and platform sockets). Not thread-safe: call once. */
static inline CURLcode rcurl_global_init_default(void) {
    return curl_global_init(CURL_GLOBAL_DEFAULT);
}

/** Version and feature information of the libcurl that is linked at run time. */
static inline const curl_version_info_data *rcurl_version_info_now(void) {
    return curl_version_info(CURLVERSION_NOW);
}

/** Whether a feature bitmask from curl_version_info_data has CURL_VERSION_SSL. */
static inline int rcurl_features_have_ssl(int features) {
    return (features & CURL_VERSION_SSL) != 0;
}

/* ---- curl_easy_setopt ------------------------------------------------------------------ */

/* Options at or above this offset are blobs (7.71.0+), which replayd does not use. */
#ifdef CURLOPTTYPE_BLOB
#define RCURL_OPTTYPE_OFF_T_END CURLOPTTYPE_BLOB
#else
#define RCURL_OPTTYPE_OFF_T_END 40000
#endif

static inline int rcurl_option_is_long(CURLoption option) {
    return option >= CURLOPTTYPE_LONG && option < CURLOPTTYPE_OBJECTPOINT;
}

static inline int rcurl_option_is_pointer(CURLoption option) {
    return option >= CURLOPTTYPE_OBJECTPOINT && option < CURLOPTTYPE_FUNCTIONPOINT;
}

static inline int rcurl_option_is_function(CURLoption option) {
    return option >= CURLOPTTYPE_FUNCTIONPOINT && option < CURLOPTTYPE_OFF_T;
}

static inline int rcurl_option_is_off_t(CURLoption option) {
    return option >= CURLOPTTYPE_OFF_T && option < RCURL_OPTTYPE_OFF_T_END;
}

/** Sets a `long` option (CURLOPTTYPE_LONG, including the VALUES kind). */
static inline CURLcode rcurl_easy_setopt_long(CURL *handle, CURLoption option, long value) {
    if (!rcurl_option_is_long(option)) return CURLE_BAD_FUNCTION_ARGUMENT;
    return curl_easy_setopt(handle, option, value);
}

/** Sets a `char *` option. libcurl copies strings, except CURLOPT_POSTFIELDS (see the pointer wrapper). */
static inline CURLcode rcurl_easy_setopt_string(CURL *handle, CURLoption option, const char *value) {
    if (!rcurl_option_is_pointer(option)) return CURLE_BAD_FUNCTION_ARGUMENT;
    return curl_easy_setopt(handle, option, value);
}

/** Sets a data pointer option (userdata, error buffer, CURLOPT_POSTFIELDS). The caller keeps it alive. */
static inline CURLcode rcurl_easy_setopt_pointer(CURL *handle, CURLoption option, void *value) {
    if (!rcurl_option_is_pointer(option)) return CURLE_BAD_FUNCTION_ARGUMENT;
    return curl_easy_setopt(handle, option, value);
}

/** Sets a `struct curl_slist *` option (CURLOPT_HTTPHEADER). The caller keeps the list alive. */
static inline CURLcode rcurl_easy_setopt_slist(CURL *handle, CURLoption option, struct curl_slist *value) {
    if (!rcurl_option_is_pointer(option)) return CURLE_BAD_FUNCTION_ARGUMENT;
    return curl_easy_setopt(handle, option, value);
}

/** Sets a `curl_off_t` option (the *_LARGE options). */
static inline CURLcode rcurl_easy_setopt_off_t(CURL *handle, CURLoption option, curl_off_t value) {
    if (!rcurl_option_is_off_t(option)) return CURLE_BAD_FUNCTION_ARGUMENT;
    return curl_easy_setopt(handle, option, value);
}

/** Sets CURLOPT_WRITEFUNCTION or CURLOPT_HEADERFUNCTION (both take a curl_write_callback). */
static inline CURLcode rcurl_easy_setopt_write_callback(CURL *handle, CURLoption option, curl_write_callback value) {
    if (option != CURLOPT_WRITEFUNCTION && option != CURLOPT_HEADERFUNCTION) return CURLE_BAD_FUNCTION_ARGUMENT;
    return curl_easy_setopt(handle, option, value);
}

/** Sets CURLOPT_DEBUGFUNCTION. */
static inline CURLcode rcurl_easy_setopt_debug_callback(CURL *handle, CURLoption option, curl_debug_callback value) {
    if (option != CURLOPT_DEBUGFUNCTION) return CURLE_BAD_FUNCTION_ARGUMENT;
    return curl_easy_setopt(handle, option, value);
}

/** CURLOPT_PREREQFUNCTION's callback type (7.80.0+), spelled out so it exists with older headers too. */
typedef int (*rcurl_prereq_callback)(void *clientp, char *conn_primary_ip, char *conn_local_ip,
                                     int conn_primary_port, int conn_local_port);

/** What a pre-request callback returns: go on (CURL_PREREQFUNC_OK) or fail the transfer (CURL_PREREQFUNC_ABORT). */
static const int RCURL_PREREQFUNC_OK = 0;
static const int RCURL_PREREQFUNC_ABORT = 1;

/**
 * Sets CURLOPT_PREREQFUNCTION and CURLOPT_PREREQDATA. libcurl calls it each time it is about to send the
 * request on a connection, including when it re-sends on a fresh connection by itself. Returns
 * CURLE_UNKNOWN_OPTION when this libcurl (at build or at run time) predates 7.80.0.
 */
static inline CURLcode rcurl_easy_setopt_prereq_callback(CURL *handle, rcurl_prereq_callback value, void *userdata) {
#if LIBCURL_VERSION_NUM >= 0x075000
    CURLcode code = curl_easy_setopt(handle, CURLOPT_PREREQFUNCTION, value);
    if (code != CURLE_OK) return code;
    return curl_easy_setopt(handle, CURLOPT_PREREQDATA, userdata);
#else
    (void)handle; (void)value; (void)userdata;
    return CURLE_UNKNOWN_OPTION;
#endif
}

/** Restricts a handle to HTTP and HTTPS, with the option this libcurl version prefers. */
static inline CURLcode rcurl_easy_restrict_to_http(CURL *handle) {
#if LIBCURL_VERSION_NUM >= 0x075500
    return curl_easy_setopt(handle, CURLOPT_PROTOCOLS_STR, "http,https");
#else
    return curl_easy_setopt(handle, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
}

/* ---- curl_easy_getinfo ----------------------------------------------------------------- */

static inline int rcurl_info_has_type(CURLINFO info, int type) {
    return (info & CURLINFO_TYPEMASK) == type;
}

/** Reads a `long` info. */
static inline CURLcode rcurl_easy_getinfo_long(CURL *handle, CURLINFO info, long *out) {
    if (!rcurl_info_has_type(info, CURLINFO_LONG)) return CURLE_BAD_FUNCTION_ARGUMENT;
    return curl_easy_getinfo(handle, info, out);
}

/** Reads a `curl_off_t` info (sizes, *_TIME_T timings in microseconds). */
static inline CURLcode rcurl_easy_getinfo_off_t(CURL *handle, CURLINFO info, curl_off_t *out) {
    if (!rcurl_info_has_type(info, CURLINFO_OFF_T)) return CURLE_BAD_FUNCTION_ARGUMENT;
    return curl_easy_getinfo(handle, info, out);
}

/** Reads a `char *` info. The string belongs to the handle; copy it before the next libcurl call on it. */
static inline CURLcode rcurl_easy_getinfo_string(CURL *handle, CURLINFO info, char **out) {
    if (!rcurl_info_has_type(info, CURLINFO_STRING)) return CURLE_BAD_FUNCTION_ARGUMENT;
    return curl_easy_getinfo(handle, info, out);
}

/* ---- curl_multi_setopt ----------------------------------------------------------------- */

/** Sets a `long` multi option. */
static inline CURLMcode rcurl_multi_setopt_long(CURLM *handle, CURLMoption option, long value) {
    if (option < CURLOPTTYPE_LONG || option >= CURLOPTTYPE_OBJECTPOINT) return CURLM_UNKNOWN_OPTION;
    return curl_multi_setopt(handle, option, value);
}

/* ---- the network thread ------------------------------------------------------------------ */

#ifdef __linux__
#include <sys/prctl.h>
#endif

/** Names the calling thread (visible in `top -H` and debuggers) where the platform allows; 0 on success. */
static inline int rcurl_name_current_thread(const char *name) {
#ifdef __linux__
    return prctl(PR_SET_NAME, (unsigned long)name, 0UL, 0UL, 0UL);
#else
    (void)name;
    return 0;
#endif
}

#endif
