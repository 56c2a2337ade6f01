/*
 * loadgen: an HTTP/1.1 load generator for replayd's doors and their contenders.
 *
 * Speaks HTTP/1.1 with keep-alive over a Unix socket or TCP, one thread per connection, so a run measures the
 * server, not the client. Every request may carry a per-request counter: "{n}" in the path, a header value or the
 * body is replaced by a number unique across the whole run (for a unique Idempotency-Key or webhook id per
 * request). Closed loop by default (each connection sends its next request when the answer arrives); with --rate
 * it is open loop: request i is due at start + i/rate, and its latency counts from when it was due, so a stalled
 * server is not hidden (no coordinated omission).
 *
 * A run is a number of requests (--requests) or a time (--duration; open loop: rate x duration requests).
 * Deliveries can be signed per request, after the counter is substituted, with libcrypto's HMAC-SHA256:
 * --standard-webhooks-secret adds webhook-id / webhook-timestamp / webhook-signature (v1), and
 * --hub-signature-secret adds X-Hub-Signature-256 (GitHub style, what adnanh/webhook's payload-hmac-sha256 checks).
 *
 * Build: cc -O2 -Wall -Wextra -Werror -pthread -o loadgen contrib/bench/loadgen.c -lcrypto
 * Example:
 *   loadgen --unix /run/replayd/replayd.sock --connections 64 --requests 20000 \
 *     --method POST --path '/v1/runs/run_failed_1/replay?force=true' --header 'Idempotency-Key: bench-{n}'
 * Prints one line of JSON (or, with --format tsv, a header line and a line of tab-separated values): requests,
 * connections, non_2xx, errors, resent, first_non_2xx, seconds, per_second, p50_ms, p99_ms, p999_ms, max_ms.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/tcp.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_HEADERS 16

static const char *unix_path, *tcp_host, *method = "GET", *path = "/", *body = "";
static int tcp_port, connections = 16;
static long total_requests;
static double rate, duration;
static const char *headers[MAX_HEADERS];
static int header_count;
static int tsv_output;
static double until_ready;
static unsigned char standard_secret[256];
static int standard_secret_length = -1;
static const char *webhook_id_template = "msg_{n}";
static const char *hub_secret;

static atomic_long next_request;
static atomic_long non_2xx, errors, resent;
static atomic_int first_non_2xx;
static double start_seconds;

/* Each connection thread keeps its own latencies (seconds); they are merged at the end. */
struct samples {
    float *values;
    long count, capacity;
};

static double now_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void sleep_until(double when) {
    double wait = when - now_seconds();
    if (wait <= 0) return;
    struct timespec ts = {(time_t)wait, (long)((wait - (double)(time_t)wait) * 1e9)};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {}
}

static int add_sample(struct samples *samples, double value) {
    if (samples->count == samples->capacity) {
        long capacity = samples->capacity ? samples->capacity * 2 : 4096;
        float *grown = realloc(samples->values, (size_t)capacity * sizeof(float));
        if (!grown) return -1;
        samples->values = grown;
        samples->capacity = capacity;
    }
    samples->values[samples->count++] = (float)value;
    return 0;
}

static int open_connection(void) {
    int fd;
    if (unix_path) {
        struct sockaddr_un address = {.sun_family = AF_UNIX};
        if (strlen(unix_path) >= sizeof(address.sun_path)) return -1;
        strcpy(address.sun_path, unix_path);
        fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (fd < 0) return -1;
        if (connect(fd, (struct sockaddr *)&address, sizeof(address)) != 0) {
            close(fd);
            return -1;
        }
        return fd;
    }
    struct sockaddr_in address = {.sin_family = AF_INET, .sin_port = htons((uint16_t)tcp_port)};
    if (inet_pton(AF_INET, tcp_host, &address.sin_addr) != 1) return -1;
    fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    if (connect(fd, (struct sockaddr *)&address, sizeof(address)) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* Appends `text` to `out` with every "{n}" replaced by `n`. Returns the new length, or -1 when it does not fit. */
static int append_substituted(char *out, int used, int capacity, const char *text, long n) {
    for (const char *p = text; *p; p++) {
        if (p[0] == '{' && p[1] == 'n' && p[2] == '}') {
            int written = snprintf(out + used, (size_t)(capacity - used), "%ld", n);
            if (written < 0 || written >= capacity - used) return -1;
            used += written;
            p += 2;
        } else {
            if (used + 1 >= capacity) return -1;
            out[used++] = *p;
        }
    }
    out[used] = 0;
    return used;
}

static void hex_encode(const unsigned char *bytes, unsigned length, char *out) {
    static const char digits[] = "0123456789abcdef";
    for (unsigned i = 0; i < length; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 0x0f];
    }
    out[2 * length] = 0;
}

/* The signature headers for one delivery, "\r\n"-terminated, into `out`. Returns its length or -1. */
static int signature_headers(char *out, int capacity, const char *expanded_body, long n) {
    int used = 0;
    out[0] = 0;
    if (standard_secret_length >= 0) {
        char id[256], signed_text[8192 + 512];
        if (append_substituted(id, 0, sizeof(id), webhook_id_template, n) < 0) return -1;
        long timestamp = (long)time(NULL);
        int length = snprintf(signed_text, sizeof(signed_text), "%s.%ld.%s", id, timestamp, expanded_body);
        if (length < 0 || length >= (int)sizeof(signed_text)) return -1;
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned mac_length = 0;
        if (!HMAC(EVP_sha256(), standard_secret, standard_secret_length, (const unsigned char *)signed_text,
                  (size_t)length, mac, &mac_length))
            return -1;
        char encoded[128];
        EVP_EncodeBlock((unsigned char *)encoded, mac, (int)mac_length);
        int written = snprintf(out + used, (size_t)(capacity - used),
                               "webhook-id: %s\r\nwebhook-timestamp: %ld\r\nwebhook-signature: v1,%s\r\n", id,
                               timestamp, encoded);
        if (written < 0 || written >= capacity - used) return -1;
        used += written;
    }
    if (hub_secret) {
        unsigned char mac[EVP_MAX_MD_SIZE];
        unsigned mac_length = 0;
        if (!HMAC(EVP_sha256(), hub_secret, (int)strlen(hub_secret), (const unsigned char *)expanded_body,
                  strlen(expanded_body), mac, &mac_length))
            return -1;
        char hex[2 * EVP_MAX_MD_SIZE + 1];
        hex_encode(mac, mac_length, hex);
        int written = snprintf(out + used, (size_t)(capacity - used), "X-Hub-Signature-256: sha256=%s\r\n", hex);
        if (written < 0 || written >= capacity - used) return -1;
        used += written;
    }
    return used;
}

static int build_request(char *out, int capacity, long n) {
    char expanded_body[8192], signatures[1024];
    if (append_substituted(expanded_body, 0, sizeof(expanded_body), body, n) < 0) return -1;
    if (signature_headers(signatures, sizeof(signatures), expanded_body, n) < 0) return -1;
    int used = append_substituted(out, 0, capacity, method, n);
    if (used < 0 || (used = append_substituted(out, used, capacity, " ", n)) < 0) return -1;
    if ((used = append_substituted(out, used, capacity, path, n)) < 0) return -1;
    if ((used = append_substituted(out, used, capacity, " HTTP/1.1\r\nHost: loadgen\r\n", n)) < 0) return -1;
    for (int i = 0; i < header_count; i++) {
        if ((used = append_substituted(out, used, capacity, headers[i], n)) < 0) return -1;
        if ((used = append_substituted(out, used, capacity, "\r\n", n)) < 0) return -1;
    }
    int written = snprintf(out + used, (size_t)(capacity - used), "%sContent-Length: %zu\r\n\r\n%s", signatures,
                           strlen(expanded_body), expanded_body);
    if (written < 0 || written >= capacity - used) return -1;
    return used + written;
}

static int write_all(int fd, const char *data, int length) {
    while (length > 0) {
        ssize_t written = send(fd, data, (size_t)length, MSG_NOSIGNAL);
        if (written <= 0) {
            if (written < 0 && errno == EINTR) continue;
            return -1;
        }
        data += written;
        length -= (int)written;
    }
    return 0;
}

/* A connection's read buffer: bytes [start, end) are received and not yet consumed. */
struct reader {
    int fd;
    char data[65536];
    int start, end;
};

static int fill(struct reader *reader) {
    if (reader->start > 0) {
        memmove(reader->data, reader->data + reader->start, (size_t)(reader->end - reader->start));
        reader->end -= reader->start;
        reader->start = 0;
    }
    if (reader->end >= (int)sizeof(reader->data) - 1) return -1;
    for (;;) {
        ssize_t got = recv(reader->fd, reader->data + reader->end, sizeof(reader->data) - 1 - (size_t)reader->end, 0);
        if (got < 0 && errno == EINTR) continue;
        if (got <= 0) return -1;
        reader->end += (int)got;
        reader->data[reader->end] = 0;
        return 0;
    }
}

/* Finds "\r\n" in the unconsumed bytes, reading more as needed; returns the line's start (its end is *line_end). */
static char *read_line(struct reader *reader, char **line_end) {
    for (;;) {
        reader->data[reader->end] = 0;
        char *found = strstr(reader->data + reader->start, "\r\n");
        if (found) {
            char *line = reader->data + reader->start;
            *line_end = found;
            reader->start = (int)(found + 2 - reader->data);
            return line;
        }
        if (fill(reader) < 0) return NULL;
    }
}

static int skip_bytes(struct reader *reader, long count) {
    while (count > 0) {
        if (reader->end == reader->start && fill(reader) < 0) return -1;
        long have = reader->end - reader->start;
        long take = have < count ? have : count;
        reader->start += (int)take;
        count -= take;
    }
    return 0;
}

/* Reads one response (Content-Length or chunked). Returns its status, or -1; sets *close_after when the server will
 * close the connection. */
static int read_response(struct reader *reader, int *close_after) {
    char *line_end;
    char *line = read_line(reader, &line_end);
    if (!line) return -1;
    int status = 0;
    if (sscanf(line, "HTTP/1.%*d %d", &status) != 1) return -1;
    long content_length = -1;
    int chunked = 0;
    *close_after = strncmp(line, "HTTP/1.0", 8) == 0;
    for (;;) {
        if (!(line = read_line(reader, &line_end))) return -1;
        if (line == line_end) break;
        *line_end = 0;
        if (strncasecmp(line, "Content-Length:", 15) == 0) content_length = strtol(line + 15, NULL, 10);
        else if (strncasecmp(line, "Transfer-Encoding:", 18) == 0 && strcasestr(line, "chunked")) chunked = 1;
        else if (strncasecmp(line, "Connection:", 11) == 0) {
            if (strcasestr(line, "close")) *close_after = 1;
            else if (strcasestr(line, "keep-alive")) *close_after = 0;
        }
    }
    if (chunked) {
        for (;;) {
            if (!(line = read_line(reader, &line_end))) return -1;
            long size = strtol(line, NULL, 16);
            if (size == 0) {
                do { /* trailers, up to the empty line */
                    if (!(line = read_line(reader, &line_end))) return -1;
                } while (line != line_end);
                return status;
            }
            if (skip_bytes(reader, size + 2) < 0) return -1;
        }
    }
    if (content_length < 0) { /* neither: the body runs to the close */
        if (status == 204 || status == 304 || (status >= 100 && status < 200)) return status;
        *close_after = 1;
        while (fill(reader) == 0) reader->start = reader->end;
        return status;
    }
    return skip_bytes(reader, content_length) < 0 ? -1 : status;
}

static void *connection_main(void *argument) {
    struct samples *samples = argument;
    char request[16384];
    struct reader *reader = malloc(sizeof(struct reader));
    if (!reader) return NULL;
    reader->fd = -1;
    double stop = duration > 0 && rate <= 0 ? start_seconds + duration : 0;
    for (;;) {
        if (stop > 0 && now_seconds() >= stop) break;
        long n = atomic_fetch_add(&next_request, 1);
        if (total_requests > 0 && n >= total_requests) break;
        double due = rate > 0 ? start_seconds + (double)n / rate : 0;
        if (rate > 0) sleep_until(due);
        double sent = now_seconds();
        int length = build_request(request, sizeof(request), n);
        int status = -1, close_after = 1;
        if (length > 0) {
            for (int attempt = 0; attempt < 2 && status < 0; attempt++) {
                if (reader->fd < 0) {
                    if ((reader->fd = open_connection()) < 0) break;
                    reader->start = reader->end = 0;
                }
                if (write_all(reader->fd, request, length) == 0) status = read_response(reader, &close_after);
                if (status < 0) {
                    close(reader->fd);
                    reader->fd = -1;
                    if (attempt == 0 && rate <= 0) { /* a kept-alive connection the server closed */
                        atomic_fetch_add(&resent, 1);
                        continue;
                    }
                }
            }
        }
        double answered = now_seconds();
        if (add_sample(samples, answered - (rate > 0 ? due : sent)) < 0) atomic_fetch_add(&errors, 1);
        if (status < 0) atomic_fetch_add(&errors, 1);
        else if (status < 200 || status > 299) {
            atomic_fetch_add(&non_2xx, 1);
            int none = 0;
            atomic_compare_exchange_strong(&first_non_2xx, &none, status);
        }
        if (reader->fd >= 0 && close_after) {
            close(reader->fd);
            reader->fd = -1;
        }
    }
    if (reader->fd >= 0) close(reader->fd);
    free(reader);
    return NULL;
}

/* --until-ready: sends the request on a fresh connection every millisecond until any HTTP answer comes back; prints
 * the wall-clock time of that answer (CLOCK_REALTIME, seconds with microseconds) so a caller can subtract the moment
 * it spawned the server. Exits 1 when nothing answered within the time. */
static int wait_until_ready(void) {
    char request[16384];
    struct reader *reader = malloc(sizeof(struct reader));
    if (!reader) return 1;
    double give_up = now_seconds() + until_ready;
    int length = build_request(request, sizeof(request), 0);
    if (length < 0) return 2;
    while (now_seconds() < give_up) {
        int close_after = 1, status = -1;
        if ((reader->fd = open_connection()) >= 0) {
            reader->start = reader->end = 0;
            if (write_all(reader->fd, request, length) == 0) status = read_response(reader, &close_after);
            close(reader->fd);
        }
        if (status > 0) {
            struct timespec ts;
            clock_gettime(CLOCK_REALTIME, &ts);
            printf("%ld.%06ld %d\n", (long)ts.tv_sec, ts.tv_nsec / 1000, status);
            free(reader);
            return 0;
        }
        struct timespec pause = {0, 1000000};
        nanosleep(&pause, NULL);
    }
    free(reader);
    return 1;
}

static int compare_floats(const void *a, const void *b) {
    float x = *(const float *)a, y = *(const float *)b;
    return (x > y) - (x < y);
}

static double percentile(const float *sorted, long count, double p) {
    if (count == 0) return 0;
    long rank = (long)(p / 100.0 * (double)count + 0.999999) - 1;
    if (rank < 0) rank = 0;
    if (rank >= count) rank = count - 1;
    return sorted[rank];
}

static void usage(void) {
    fprintf(stderr,
            "usage: loadgen (--unix PATH | --tcp HOST:PORT) [--connections N] (--requests N | --duration SECONDS)\n"
            "               [--rate PER_SECOND] [--method M] [--path P] [--header 'Name: value']... [--body TEXT]\n"
            "               [--standard-webhooks-secret whsec_... [--webhook-id TEMPLATE]]\n"
            "               [--hub-signature-secret TEXT] [--format json|tsv]\n"
            "       loadgen (--unix PATH | --tcp HOST:PORT) --until-ready SECONDS [--path P]\n"
            "  \"{n}\" in the path, a header, the body or the webhook id becomes a number unique to each request.\n"
            "  --duration: closed loop, send until SECONDS have passed; with --rate, rate x SECONDS requests.\n"
            "  --standard-webhooks-secret: sign each request (v1, HMAC-SHA256 over id.timestamp.body) with\n"
            "    webhook-id (default template msg_{n}), webhook-timestamp (now) and webhook-signature headers.\n"
            "  --hub-signature-secret: add X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>.\n"
            "  --until-ready: retry every 1 ms until any HTTP answer; print its wall-clock time (s.us) and status.\n");
    exit(2);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *option = argv[i];
        if (strcmp(option, "--help") == 0 || strcmp(option, "-h") == 0) usage();
        if (i + 1 >= argc) usage();
        const char *value = argv[++i];
        if (strcmp(option, "--unix") == 0) unix_path = value;
        else if (strcmp(option, "--tcp") == 0) {
            const char *colon = strrchr(value, ':');
            if (!colon) usage();
            tcp_host = strndup(value, (size_t)(colon - value));
            tcp_port = atoi(colon + 1);
        } else if (strcmp(option, "--connections") == 0) connections = atoi(value);
        else if (strcmp(option, "--requests") == 0) total_requests = atol(value);
        else if (strcmp(option, "--duration") == 0) duration = atof(value);
        else if (strcmp(option, "--until-ready") == 0) until_ready = atof(value);
        else if (strcmp(option, "--rate") == 0) rate = atof(value);
        else if (strcmp(option, "--method") == 0) method = value;
        else if (strcmp(option, "--path") == 0) path = value;
        else if (strcmp(option, "--body") == 0) body = value;
        else if (strcmp(option, "--header") == 0 && header_count < MAX_HEADERS) headers[header_count++] = value;
        else if (strcmp(option, "--webhook-id") == 0) webhook_id_template = value;
        else if (strcmp(option, "--hub-signature-secret") == 0) hub_secret = value;
        else if (strcmp(option, "--standard-webhooks-secret") == 0) {
            const char *encoded = strncmp(value, "whsec_", 6) == 0 ? value + 6 : value;
            size_t length = strlen(encoded);
            if (length == 0 || length % 4 != 0 || length / 4 * 3 > sizeof(standard_secret)) usage();
            int decoded = EVP_DecodeBlock(standard_secret, (const unsigned char *)encoded, (int)length);
            if (decoded < 0) usage();
            while (length > 0 && encoded[length - 1] == '=') { /* EVP_DecodeBlock counts the padding bytes */
                length--;
                decoded--;
            }
            standard_secret_length = decoded;
        } else if (strcmp(option, "--format") == 0) {
            if (strcmp(value, "tsv") == 0) tsv_output = 1;
            else if (strcmp(value, "json") != 0) usage();
        } else usage();
    }
    if ((!unix_path) != (!tcp_host) && until_ready > 0) return wait_until_ready();
    if (rate > 0 && duration > 0 && total_requests == 0) total_requests = (long)(rate * duration + 0.5);
    if ((!unix_path) == (!tcp_host) || connections < 1 || (total_requests < 1 && duration <= 0)) usage();
    struct samples *samples = calloc((size_t)connections, sizeof(struct samples));
    pthread_t *threads = calloc((size_t)connections, sizeof(pthread_t));
    if (!samples || !threads) return 1;
    start_seconds = now_seconds();
    for (int i = 0; i < connections; i++) pthread_create(&threads[i], NULL, connection_main, &samples[i]);
    for (int i = 0; i < connections; i++) pthread_join(threads[i], NULL);
    double elapsed = now_seconds() - start_seconds;
    long count = 0;
    for (int i = 0; i < connections; i++) count += samples[i].count;
    float *all = malloc((size_t)(count > 0 ? count : 1) * sizeof(float));
    if (!all) return 1;
    long used = 0;
    for (int i = 0; i < connections; i++) {
        if (samples[i].count) memcpy(all + used, samples[i].values, (size_t)samples[i].count * sizeof(float));
        used += samples[i].count;
    }
    qsort(all, (size_t)count, sizeof(float), compare_floats);
    double per_second = (double)count / elapsed;
    double p50 = percentile(all, count, 50) * 1e3, p99 = percentile(all, count, 99) * 1e3;
    double p999 = percentile(all, count, 99.9) * 1e3, max = count ? all[count - 1] * 1e3 : 0;
    if (tsv_output) {
        printf("requests\tconnections\tnon_2xx\terrors\tresent\tfirst_non_2xx\tseconds\tper_second\tp50_ms\tp99_ms\t"
               "p999_ms\tmax_ms\n");
        printf("%ld\t%d\t%ld\t%ld\t%ld\t%d\t%.3f\t%.0f\t%.3f\t%.3f\t%.3f\t%.3f\n", count, connections,
               atomic_load(&non_2xx), atomic_load(&errors), atomic_load(&resent), atomic_load(&first_non_2xx), elapsed,
               per_second, p50, p99, p999, max);
    } else {
        printf("{\"requests\":%ld,\"connections\":%d,\"non_2xx\":%ld,\"errors\":%ld,\"resent\":%ld,"
               "\"first_non_2xx\":%d,\"seconds\":%.3f,\"per_second\":%.0f,\"p50_ms\":%.3f,\"p99_ms\":%.3f,"
               "\"p999_ms\":%.3f,\"max_ms\":%.3f}\n",
               count, connections, atomic_load(&non_2xx), atomic_load(&errors), atomic_load(&resent),
               atomic_load(&first_non_2xx), elapsed, per_second, p50, p99, p999, max);
    }
    return atomic_load(&errors) > 0 ? 1 : 0;
}
