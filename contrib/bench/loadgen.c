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
 * Build: cc -O2 -Wall -Wextra -Werror -pthread -o loadgen contrib/bench/loadgen.c
 * Example:
 *   loadgen --unix /run/replayd/replayd.sock --connections 64 --requests 20000 \
 *     --method POST --path '/v1/runs/run_failed_1/replay?force=true' --header 'Idempotency-Key: bench-{n}'
 * Prints one line of JSON: requests, non_2xx, errors, seconds, per_second, p50_ms, p99_ms, p999_ms, max_ms.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <netdb.h>
#include <netinet/tcp.h>
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
static long total_requests = 1000;
static double rate;
static const char *headers[MAX_HEADERS];
static int header_count;

static atomic_long next_request;
static atomic_long non_2xx, errors;
static double start_seconds;
static double *latencies; /* one slot per request, in seconds */

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

static int build_request(char *out, int capacity, long n) {
    char expanded_body[8192];
    if (append_substituted(expanded_body, 0, sizeof(expanded_body), body, n) < 0) return -1;
    int used = append_substituted(out, 0, capacity, method, n);
    if (used < 0 || (used = append_substituted(out, used, capacity, " ", n)) < 0) return -1;
    if ((used = append_substituted(out, used, capacity, path, n)) < 0) return -1;
    if ((used = append_substituted(out, used, capacity, " HTTP/1.1\r\nHost: loadgen\r\n", n)) < 0) return -1;
    for (int i = 0; i < header_count; i++) {
        if ((used = append_substituted(out, used, capacity, headers[i], n)) < 0) return -1;
        if ((used = append_substituted(out, used, capacity, "\r\n", n)) < 0) return -1;
    }
    int written = snprintf(out + used, (size_t)(capacity - used), "Content-Length: %zu\r\n\r\n%s",
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

/* Reads one response. Returns its status, or -1; sets *close_after when the server will close. Bytes past the
 * response stay in `buffer` (none are expected: one request is in flight per connection). */
static int read_response(int fd, char *buffer, int capacity, int *close_after) {
    int used = 0;
    char *head_end = NULL;
    while (!head_end) {
        if (used >= capacity - 1) return -1;
        ssize_t got = recv(fd, buffer + used, (size_t)(capacity - 1 - used), 0);
        if (got <= 0) {
            if (got < 0 && errno == EINTR) continue;
            return -1;
        }
        used += (int)got;
        buffer[used] = 0;
        head_end = strstr(buffer, "\r\n\r\n");
    }
    int status = 0;
    if (sscanf(buffer, "HTTP/1.%*d %d", &status) != 1) return -1;
    long content_length = 0;
    *close_after = 0;
    for (char *line = strstr(buffer, "\r\n") + 2; line < head_end; line = strstr(line, "\r\n") + 2) {
        char *line_end = strstr(line, "\r\n");
        if (strncasecmp(line, "Content-Length:", 15) == 0) content_length = strtol(line + 15, NULL, 10);
        if (strncasecmp(line, "Connection:", 11) == 0) {
            char *close_word = strcasestr(line, "close");
            if (close_word && close_word < line_end) *close_after = 1;
        }
    }
    long have = used - (long)(head_end + 4 - buffer);
    while (have < content_length) {
        char sink[16384];
        long want = content_length - have;
        ssize_t got = recv(fd, sink, (size_t)(want < (long)sizeof(sink) ? want : (long)sizeof(sink)), 0);
        if (got <= 0) {
            if (got < 0 && errno == EINTR) continue;
            return -1;
        }
        have += got;
    }
    return status;
}

static void *connection_main(void *unused) {
    (void)unused;
    char request[16384], response[65536];
    int fd = -1;
    for (;;) {
        long n = atomic_fetch_add(&next_request, 1);
        if (n >= total_requests) break;
        double due = rate > 0 ? start_seconds + (double)n / rate : 0;
        if (rate > 0) sleep_until(due);
        double sent = now_seconds();
        int length = build_request(request, sizeof(request), n);
        int status = -1, close_after = 1;
        if (length > 0) {
            for (int attempt = 0; attempt < 2 && status < 0; attempt++) {
                if (fd < 0 && (fd = open_connection()) < 0) break;
                if (write_all(fd, request, length) == 0)
                    status = read_response(fd, response, sizeof(response), &close_after);
                if (status < 0) {
                    close(fd);
                    fd = -1;
                    if (attempt == 0 && rate <= 0) continue; /* a kept-alive connection the server closed */
                }
            }
        }
        double answered = now_seconds();
        latencies[n] = answered - (rate > 0 ? due : sent);
        if (status < 0) atomic_fetch_add(&errors, 1);
        else if (status < 200 || status > 299) atomic_fetch_add(&non_2xx, 1);
        if (fd >= 0 && close_after) {
            close(fd);
            fd = -1;
        }
    }
    if (fd >= 0) close(fd);
    return NULL;
}

static int compare_doubles(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double percentile(const double *sorted, long count, double p) {
    if (count == 0) return 0;
    long rank = (long)(p / 100.0 * (double)count + 0.999999) - 1;
    if (rank < 0) rank = 0;
    if (rank >= count) rank = count - 1;
    return sorted[rank];
}

static void usage(void) {
    fprintf(stderr,
            "usage: loadgen (--unix PATH | --tcp HOST:PORT) [--connections N] [--requests N] [--rate PER_SECOND]\n"
            "               [--method M] [--path P] [--header 'Name: value']... [--body TEXT]\n"
            "  \"{n}\" in the path, a header or the body becomes a number unique to each request.\n");
    exit(2);
}

int main(int argc, char **argv) {
    for (int i = 1; i < argc; i++) {
        const char *option = argv[i];
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
        else if (strcmp(option, "--rate") == 0) rate = atof(value);
        else if (strcmp(option, "--method") == 0) method = value;
        else if (strcmp(option, "--path") == 0) path = value;
        else if (strcmp(option, "--body") == 0) body = value;
        else if (strcmp(option, "--header") == 0 && header_count < MAX_HEADERS) headers[header_count++] = value;
        else usage();
    }
    if ((!unix_path) == (!tcp_host) || connections < 1 || total_requests < 1) usage();
    latencies = calloc((size_t)total_requests, sizeof(double));
    pthread_t *threads = calloc((size_t)connections, sizeof(pthread_t));
    if (!latencies || !threads) return 1;
    start_seconds = now_seconds();
    for (int i = 0; i < connections; i++) pthread_create(&threads[i], NULL, connection_main, NULL);
    for (int i = 0; i < connections; i++) pthread_join(threads[i], NULL);
    double elapsed = now_seconds() - start_seconds;
    qsort(latencies, (size_t)total_requests, sizeof(double), compare_doubles);
    printf("{\"requests\":%ld,\"connections\":%d,\"non_2xx\":%ld,\"errors\":%ld,\"seconds\":%.3f,\"per_second\":%.0f,"
           "\"p50_ms\":%.3f,\"p99_ms\":%.3f,\"p999_ms\":%.3f,\"max_ms\":%.3f}\n",
           total_requests, connections, atomic_load(&non_2xx), atomic_load(&errors), elapsed,
           (double)total_requests / elapsed, percentile(latencies, total_requests, 50) * 1e3,
           percentile(latencies, total_requests, 99) * 1e3, percentile(latencies, total_requests, 99.9) * 1e3,
           latencies[total_requests - 1] * 1e3);
    return atomic_load(&errors) > 0 ? 1 : 0;
}
