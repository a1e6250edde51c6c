/*
 * check.h: the tiny assertion kit of the C tests (C99 and C++17).
 *
 * Every CHECK* macro counts one pass or one failure; a failure prints
 * "file:line: FAIL: ..." to stderr and the run goes on. check_finish()
 * prints the closing line CI reads, exactly "N passed, M failed", and
 * returns the process exit status (0 only when nothing failed).
 *
 * The counters are plain ints: call the macros from one thread only (the
 * thread test keeps per-thread tallies and adds them up with check_add()).
 *
 * Also here: a few helpers that read the library's compact JSON as text
 * ("key":value with no spaces), enough for assertions without a parser.
 */
#ifndef LCBOT_TEST_CHECK_H
#define LCBOT_TEST_CHECK_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <stdint.h>

#include "livechat_bots.h"

static int check_passed_count = 0;
static int check_failed_count = 0;

/* Records one result; on failure prints where and what (and `doc`, if any). */
static inline int check_record(int ok, const char *file, int line, const char *what, const char *doc) {
    if (ok) {
        check_passed_count++;
    } else {
        check_failed_count++;
        fprintf(stderr, "%s:%d: FAIL: %s\n", file, line, what);
        if (doc) fprintf(stderr, "    document: %s\n", doc);
    }
    return ok;
}

/* Adds tallies kept elsewhere (e.g. by worker threads). */
static inline void check_add(int passed, int failed) {
    check_passed_count += passed;
    check_failed_count += failed;
}

/* Prints the closing line and gives the exit status. */
static inline int check_finish(void) {
    fflush(stderr);
    printf("%d passed, %d failed\n", check_passed_count, check_failed_count);
    fflush(stdout);
    return check_failed_count == 0 && check_passed_count > 0 ? 0 : 1;
}

#define CHECK(cond) check_record((cond) ? 1 : 0, __FILE__, __LINE__, #cond, NULL)

/* As CHECK, printing `doc` (a string or NULL) when it fails. */
#define CHECK_DOC(cond, doc) check_record((cond) ? 1 : 0, __FILE__, __LINE__, #cond, (doc))

/* An expression: 1 when equal (counted as a pass), 0 otherwise. */
#define CHECK_INT(actual, expected) \
    check_int((long long)(actual), (long long)(expected), #actual, #expected, __FILE__, __LINE__)

static inline int check_int(long long actual, long long expected, const char *a, const char *e, const char *file,
                            int line) {
    char what[512];
    snprintf(what, sizeof what, "%s == %s (got %lld, expected %lld)", a, e, actual, expected);
    return check_record(actual == expected, file, line, what, NULL);
}

/* `hay` (may be NULL: that fails) contains `needle`. */
#define CHECK_HAS(hay, needle) check_contains((hay), (needle), 1, __FILE__, __LINE__)
#define CHECK_LACKS(hay, needle) check_contains((hay), (needle), 0, __FILE__, __LINE__)

static inline int check_contains(const char *hay, const char *needle, int want, const char *file, int line) {
    char what[768];
    int ok = hay != NULL && (strstr(hay, needle) != NULL) == (want != 0);
    snprintf(what, sizeof what, "document %s \"%.600s\"", want ? "contains" : "does not contain", needle);
    return check_record(ok, file, line, what, hay ? hay : "(NULL)");
}

/* ---- JSON as text ------------------------------------------------------ */

/* How many times `needle` occurs in `hay` (non-overlapping). */
static inline int count_of(const char *hay, const char *needle) {
    int n = 0;
    size_t len = strlen(needle);
    if (!hay || len == 0) return 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + len, needle)) n++;
    return n;
}

/* How many requests the emulator has logged so far; -1 when the log could
 * not be read or `*out` was never written. */
static inline int logged_requests(const lcbot_emulator *emulator) {
    static char unwritten;
    char *log = &unwritten;
    int n = -1;
    if (lcbot_emulator_requests(emulator, &log) == LCBOT_OK && log && log != &unwritten) n = count_of(log, "\"seq\":");
    if (log != &unwritten) lcbot_string_free(log);
    return n;
}

/* Copies the first string value of "key" in `doc` into `buf`, undoing the
 * simple escapes (\" \\ \/ \n \t; \uXXXX is kept as written). 1 if found. */
static inline int json_str(const char *doc, const char *key, char *buf, size_t size) {
    char pat[256];
    const char *p;
    size_t n = 0;
    if (!doc || size == 0) return 0;
    snprintf(pat, sizeof pat, "\"%s\":\"", key);
    p = strstr(doc, pat);
    if (!p) return 0;
    p += strlen(pat);
    while (*p && *p != '"') {
        char c = *p++;
        if (c == '\\' && *p) {
            char e = *p++;
            switch (e) {
            case 'n': c = '\n'; break;
            case 't': c = '\t'; break;
            case 'u': c = '\\'; p--; break;
            default: c = e; break;
            }
        }
        if (n + 1 < size) buf[n++] = c;
    }
    buf[n] = '\0';
    return *p == '"';
}

/* Reads the first integer value of "key" in `doc`. 1 if found. */
static inline int json_int(const char *doc, const char *key, long long *value) {
    char pat[256];
    const char *p;
    char *end;
    if (!doc) return 0;
    snprintf(pat, sizeof pat, "\"%s\":", key);
    p = strstr(doc, pat);
    if (!p) return 0;
    p += strlen(pat);
    *value = strtoll(p, &end, 10);
    return end != p;
}

/* The text after the first `marker`, or NULL. */
static inline const char *json_after(const char *doc, const char *marker) {
    const char *p = doc ? strstr(doc, marker) : NULL;
    return p ? p + strlen(marker) : NULL;
}

/*
 * Checks an error document: the returned status, "code", "status",
 * "attempts" (when attempts >= 0) and that the message contains `needle`
 * (when not NULL).
 */
#define CHECK_ERROR(st, doc, expected_status, code, needle, attempts) \
    check_error((st), (doc), (expected_status), (code), (needle), (attempts), __FILE__, __LINE__)

static inline int check_error(int32_t st, const char *doc, int expected_status, const char *code, const char *needle,
                              int attempts, const char *file, int line) {
    char what[1024];
    char message[4096] = "";
    char code_field[128];
    char status_field[64];
    int ok = st == expected_status && doc != NULL;
    snprintf(code_field, sizeof code_field, "\"code\":\"%s\"", code);
    snprintf(status_field, sizeof status_field, "\"status\":%d,", expected_status);
    ok = ok && strstr(doc, code_field) != NULL && strstr(doc, status_field) != NULL;
    ok = ok && json_str(doc, "message", message, sizeof message);
    if (ok && needle) ok = strstr(message, needle) != NULL;
    if (ok && attempts >= 0) {
        long long got = -1;
        ok = json_int(doc, "attempts", &got) && got == attempts;
    }
    snprintf(what, sizeof what, "status %d (expected %d), code \"%s\", message containing \"%.400s\", attempts %d",
             (int)st, expected_status, code, needle ? needle : "", attempts);
    return check_record(ok, file, line, what, doc ? doc : "(NULL)");
}

/* How many entries of an emulator request log contain every non-NULL needle
 * (-1 when out of memory). */
static inline int log_entries_with(const char *log, const char *a, const char *b, const char *c) {
    const char *marker = "{\"time_ms\":";
    int n = 0;
    const char *p = log ? strstr(log, marker) : NULL;
    while (p) {
        const char *next = strstr(p + 1, marker);
        size_t len = next ? (size_t)(next - p) : strlen(p);
        char *entry = (char *)malloc(len + 1);
        if (!entry) return -1;
        memcpy(entry, p, len);
        entry[len] = '\0';
        if ((!a || strstr(entry, a)) && (!b || strstr(entry, b)) && (!c || strstr(entry, c))) n++;
        free(entry);
        p = next;
    }
    return n;
}

#endif /* LCBOT_TEST_CHECK_H */
