// A small closed-loop HTTP/1.1 load generator for the service benchmarks (Benchmarks/scripts/load-attest.sh).
//
// Why not hey or wrk: on this 2-core machine the generator shares the CPU with the server. hey spends ≈ 120 µs of
// CPU per request (a sixth of what the server spends), and wrk's latency figures broke Little's law when the CPU
// was saturated. This one does only what the measurement needs: one thread, epoll, C connections kept alive, the
// same pre-built request on each, a response read to its Content-Length, and the time from the first byte written
// to the last byte read recorded for every request. It prints throughput, latency percentiles, status counts,
// its own CPU time per request, and the Little's-law check (mean latency × throughput ≈ connections).
//
// Usage: loadgen -c CONNECTIONS -d SECONDS [-H 'Name: value' ...] [-b BODY_FILE] [-m METHOD] [-o TRACE_FILE]
//        http://127.0.0.1:PORT/path
// With -o, every response is also written to TRACE_FILE as "milliseconds-since-start latency-ms status connection-index"
// (to see whether slow requests cluster in time or on some connections).
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

typedef struct {
    int fd;
    size_t written;        // bytes of the request written so far
    char *buffer;          // response bytes read so far
    size_t length, capacity;
    long header_end;       // offset after "\r\n\r\n", or -1
    long content_length;   // -1 until the header is parsed
    int status;
    uint64_t started_ns;
} Connection;

static char *request;
static size_t request_length;
static struct sockaddr_in address;
static uint64_t *latencies;
static FILE *trace;
static Connection *pool;   // the connections; a trace line names its connection by index
static uint64_t start_ns;
static size_t latency_count, latency_capacity;
static long status_counts[600];
static long errors;

static uint64_t now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (uint64_t)t.tv_sec * 1000000000u + (uint64_t)t.tv_nsec;
}

static void die(const char *what) {
    perror(what);
    exit(2);
}

static int open_connection(int epoll_fd, Connection *c) {
    int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    if (fd < 0) die("socket");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    if (connect(fd, (struct sockaddr *)&address, sizeof address) < 0 && errno != EINPROGRESS) die("connect");
    c->fd = fd;
    c->written = 0;
    c->length = 0;
    c->header_end = -1;
    c->content_length = -1;
    c->started_ns = 0;
    struct epoll_event event = {.events = EPOLLIN | EPOLLOUT, .data.ptr = c};
    if (epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &event) < 0) die("epoll_ctl");
    return fd;
}

static void reconnect(int epoll_fd, Connection *c) {
    errors++;
    epoll_ctl(epoll_fd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    open_connection(epoll_fd, c);
}

static void want(int epoll_fd, Connection *c, uint32_t events) {
    struct epoll_event event = {.events = events, .data.ptr = c};
    epoll_ctl(epoll_fd, EPOLL_CTL_MOD, c->fd, &event);
}

// Parses the status line and Content-Length once the header is complete. Returns 0 on a malformed header.
static int parse_header(Connection *c) {
    char *end = memmem(c->buffer, c->length, "\r\n\r\n", 4);
    if (!end) return 1;
    c->header_end = end - c->buffer + 4;
    if (c->length < 12 || memcmp(c->buffer, "HTTP/1.1 ", 9) != 0) return 0;
    c->status = atoi(c->buffer + 9);
    if (c->status < 100 || c->status > 599) return 0;
    for (char *line = memmem(c->buffer, c->header_end, "\r\n", 2); line && line < end; line = memmem(line + 2, end - line, "\r\n", 2)) {
        if (strncasecmp(line + 2, "content-length:", 15) == 0) c->content_length = strtol(line + 17, NULL, 10);
    }
    return c->content_length >= 0;
}

static void record(uint64_t latency) {
    if (latency_count == latency_capacity) {
        latency_capacity = latency_capacity ? latency_capacity * 2 : 65536;
        latencies = realloc(latencies, latency_capacity * sizeof *latencies);
        if (!latencies) die("realloc");
    }
    latencies[latency_count++] = latency;
}

static int compare(const void *a, const void *b) {
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return x < y ? -1 : x > y;
}

static double percentile(double p) {
    size_t index = (size_t)(p / 100.0 * (double)(latency_count - 1) + 0.5);
    return (double)latencies[index] / 1e6;
}

int main(int argc, char **argv) {
    int connections = 64, seconds = 10;
    const char *method = "GET", *body_path = NULL, *url = NULL;
    char headers[8192] = "";
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "-c") && i + 1 < argc) connections = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-d") && i + 1 < argc) seconds = atoi(argv[++i]);
        else if (!strcmp(argv[i], "-m") && i + 1 < argc) method = argv[++i];
        else if (!strcmp(argv[i], "-b") && i + 1 < argc) body_path = argv[++i];
        else if (!strcmp(argv[i], "-o") && i + 1 < argc) {
            trace = fopen(argv[++i], "w");
            if (!trace) die("trace file");
        }
        else if (!strcmp(argv[i], "-H") && i + 1 < argc) {
            if (strlen(headers) + strlen(argv[i + 1]) + 3 > sizeof headers) { fprintf(stderr, "headers too long\n"); return 2; }
            strcat(headers, argv[++i]);
            strcat(headers, "\r\n");
        } else url = argv[i];
    }
    int port = 0;
    char host[64], path[4096];
    if (connections < 1 || connections > 4096 || seconds < 1 || !url ||
        sscanf(url, "http://%63[^:]:%d%4095s", host, &port, path) != 3) {
        fprintf(stderr, "usage: loadgen -c CONNECTIONS -d SECONDS [-H 'Name: value' ...] [-b BODY] [-m METHOD] http://HOST:PORT/path\n");
        return 2;
    }
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)port);
    if (inet_pton(AF_INET, host, &address.sin_addr) != 1) { fprintf(stderr, "host must be an IPv4 address\n"); return 2; }

    char *body = NULL;
    long body_length = 0;
    if (body_path) {
        FILE *f = fopen(body_path, "rb");
        if (!f) die(body_path);
        fseek(f, 0, SEEK_END);
        body_length = ftell(f);
        fseek(f, 0, SEEK_SET);
        body = malloc((size_t)body_length);
        if (!body || fread(body, 1, (size_t)body_length, f) != (size_t)body_length) die("read body");
        fclose(f);
    }
    size_t capacity = strlen(method) + strlen(path) + strlen(host) + strlen(headers) + (size_t)body_length + 128;
    request = malloc(capacity);
    int head = snprintf(request, capacity, "%s %s HTTP/1.1\r\nHost: %s:%d\r\n%sContent-Length: %ld\r\n\r\n",
                        method, path, host, port, headers, body_length);
    memcpy(request + head, body, (size_t)body_length);
    request_length = (size_t)head + (size_t)body_length;

    int epoll_fd = epoll_create1(0);
    if (epoll_fd < 0) die("epoll_create1");
    pool = calloc((size_t)connections, sizeof *pool);
    for (int i = 0; i < connections; i++) {
        pool[i].capacity = 1 << 16;
        pool[i].buffer = malloc(pool[i].capacity);
        open_connection(epoll_fd, &pool[i]);
    }
    struct rusage usage_before, usage_after;
    getrusage(RUSAGE_SELF, &usage_before);
    uint64_t start = now_ns(), deadline = start + (uint64_t)seconds * 1000000000u;
    start_ns = start;
    struct epoll_event events[256];
    while (now_ns() < deadline) {
        int ready = epoll_wait(epoll_fd, events, 256, 100);
        if (ready < 0 && errno != EINTR) die("epoll_wait");
        for (int e = 0; e < ready; e++) {
            Connection *c = events[e].data.ptr;
            if (events[e].events & (EPOLLERR | EPOLLHUP)) { reconnect(epoll_fd, c); continue; }
            if ((events[e].events & EPOLLOUT) && c->written < request_length) {
                if (c->written == 0) c->started_ns = now_ns();
                ssize_t n = write(c->fd, request + c->written, request_length - c->written);
                if (n < 0 && errno != EAGAIN) { reconnect(epoll_fd, c); continue; }
                if (n > 0) c->written += (size_t)n;
                if (c->written == request_length) want(epoll_fd, c, EPOLLIN);
            }
            if (!(events[e].events & EPOLLIN)) continue;
            for (;;) {
                if (c->length == c->capacity) {
                    c->capacity *= 2;
                    c->buffer = realloc(c->buffer, c->capacity);
                    if (!c->buffer) die("realloc");
                }
                ssize_t n = read(c->fd, c->buffer + c->length, c->capacity - c->length);
                if (n == 0 || (n < 0 && errno != EAGAIN)) { reconnect(epoll_fd, c); break; }
                if (n < 0) break;
                c->length += (size_t)n;
                if (c->header_end < 0 && !parse_header(c)) { reconnect(epoll_fd, c); break; }
                if (c->header_end >= 0 && c->length >= (size_t)(c->header_end + c->content_length)) {
                    uint64_t finished = now_ns();
                    if (finished < deadline) {
                        record(finished - c->started_ns);
                        status_counts[c->status]++;
                        if (trace)
                            fprintf(trace, "%.3f %.3f %d %d\n", (double)(finished - start_ns) / 1e6,
                                    (double)(finished - c->started_ns) / 1e6, c->status, (int)(c - pool));
                    }
                    // Next request on the same connection (responses are not pipelined, so nothing is left over).
                    c->length = 0;
                    c->header_end = -1;
                    c->content_length = -1;
                    c->started_ns = now_ns();
                    ssize_t w = write(c->fd, request, request_length);
                    c->written = w > 0 ? (size_t)w : 0;
                    if (w < 0 && errno != EAGAIN) { reconnect(epoll_fd, c); break; }
                    if (c->written < request_length) want(epoll_fd, c, EPOLLIN | EPOLLOUT);
                    break;
                }
            }
        }
    }
    double elapsed = (double)(now_ns() - start) / 1e9;
    getrusage(RUSAGE_SELF, &usage_after);
    double cpu = (double)(usage_after.ru_utime.tv_sec - usage_before.ru_utime.tv_sec) +
                 (double)(usage_after.ru_utime.tv_usec - usage_before.ru_utime.tv_usec) / 1e6 +
                 (double)(usage_after.ru_stime.tv_sec - usage_before.ru_stime.tv_sec) +
                 (double)(usage_after.ru_stime.tv_usec - usage_before.ru_stime.tv_usec) / 1e6;
    if (trace) fclose(trace);
    if (latency_count == 0) { fprintf(stderr, "no responses\n"); return 1; }
    qsort(latencies, latency_count, sizeof *latencies, compare);
    double sum = 0;
    for (size_t i = 0; i < latency_count; i++) sum += (double)latencies[i] / 1e6;
    double throughput = (double)latency_count / elapsed, mean = sum / (double)latency_count;
    printf("requests: %zu in %.2f s, %d connections\n", latency_count, elapsed, connections);
    printf("throughput: %.1f req/s\n", throughput);
    printf("latency ms: mean %.2f p50 %.2f p90 %.2f p95 %.2f p99 %.2f max %.2f\n", mean, percentile(50), percentile(90),
           percentile(95), percentile(99), (double)latencies[latency_count - 1] / 1e6);
    printf("little's law: mean latency x throughput = %.1f (connections %d)\n", mean / 1e3 * throughput, connections);
    for (int s = 100; s < 600; s++)
        if (status_counts[s]) printf("status %d: %ld\n", s, status_counts[s]);
    printf("connection errors: %ld\n", errors);
    printf("generator CPU: %.0f us per request\n", cpu / (double)latency_count * 1e6);
    return 0;
}
