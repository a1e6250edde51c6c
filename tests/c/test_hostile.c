/*
 * test_hostile.c: hostile input at every extern function that takes input.
 *
 * The ten input arguments of the C ABI (lcbot_client_new's config_json, the
 * request_json of the five actions, lcbot_call's action and payload_json,
 * lcbot_emulator_start's config_json and lcbot_emulator_inject's fault_json)
 * each get, where it applies:
 *
 * - every prefix of a valid document (the empty one too): LCBOT_ERR_INVALID_JSON
 *   "EOF while parsing ... at line 1 column <length>", or LCBOT_ERR_INVALID_UTF8
 *   at the first byte of a multibyte character the cut split in two;
 * - malformed JSON (trailing commas, single quotes, comments, NaN, bare
 *   words, a BOM, bad numbers, trailing data, ...): LCBOT_ERR_INVALID_JSON;
 * - nesting 100 000 deep (arrays, objects, both, unclosed, inside a real
 *   request): LCBOT_ERR_INVALID_JSON "recursion limit exceeded"; 127 levels
 *   still parse, 128 do not;
 * - 20 MB strings: LCBOT_ERR_VALIDATION "<arg>: document is N bytes; the API
 *   accepts at most 10485760" (a document of exactly 10 MB still parses);
 * - numbers out of range at every numeric field (negative, fractional,
 *   2^64, -0, 1e400, huge exponents, ...): LCBOT_ERR_VALIDATION naming the
 *   field's path, or LCBOT_ERR_INVALID_JSON "number out of range" for what
 *   serde cannot represent at all (1e400, 400 digits);
 * - wrong types at every field of every request and config: only the pairs
 *   test_validation.c and test_abi.c do not already cover are run here;
 *   both counts are printed;
 * - duplicate keys, top level and nested (also spelled with an escape):
 *   LCBOT_ERR_INVALID_JSON "duplicate key \"k\"";
 * - raw control characters, invalid escapes, lone surrogates: refused as
 *   LCBOT_ERR_INVALID_JSON; an escaped "\u0000" is valid JSON and is accepted
 *   (shown by an error on a later field, and by a round trip through a
 *   second emulator where the NUL comes back intact);
 * - invalid UTF-8 of many kinds at every string argument: LCBOT_ERR_INVALID_UTF8
 *   "<arg>: invalid UTF-8 at byte <offset>" with the exact offset.
 *
 * Every refusal must come with a complete error document ("attempts":0, no
 * HTTP status, no "outcome"), every out-parameter must be replaced, no
 * handle may be left behind, and nothing may reach the emulator: its request
 * log is empty at the end and no refused fault was queued.
 *
 * The valid documents whose prefixes are cut are first checked to succeed
 * on a second emulator, so that each prefix fails only for being cut.
 *
 * The 20 MB buffer and the 100 000-deep documents are built once and reused
 * for every argument; the whole set runs under valgrind too (a few seconds).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "livechat_bots.h"
#include "check.h"

/* A pointer that is not NULL and not a document: what "unset" looks like. */
static char dummy_byte;
#define DUMMY ((char *)&dummy_byte)

#define SEED_ID "0123456789abcdef0123456789abcdef"
#define MAX_DOC (10 * 1024 * 1024)  /* the library's limit, in bytes */
#define HUGE_LEN (20 * 1024 * 1024) /* the 20 MB strings */
#define DEEP 100000

/* ---- the input arguments -------------------------------------------- */

enum target { T_CONFIG, T_CREATE, T_REMOVE, T_UPDATE, T_LIST, T_DETAILS, T_PAYLOAD, T_EMU, T_FAULT, T_ACTION, N_TARGETS };
#define N_JSON_TARGETS 9 /* every target but T_ACTION */

static const char *const FN_NAME[N_TARGETS] = {
    "lcbot_client_new", "lcbot_create_bot_agent", "lcbot_remove_bot_agent", "lcbot_update_bot_agent", "lcbot_get_bot_agents",
    "lcbot_get_bot_agent_details", "lcbot_call(payload_json)", "lcbot_emulator_start", "lcbot_emulator_inject", "lcbot_call(action)",
};
static const char *const ARG_NAME[N_TARGETS] = {
    "config_json", "request_json", "request_json", "request_json", "request_json",
    "request_json", "payload_json", "config_json", "fault_json", "action",
};
/* How a top-level key "x" is named in messages. */
static const char *const KEY_PREFIX[N_TARGETS] = {
    "config_json.", "", "", "", "", "", "", "config_json.", "fault_json.", "",
};

/* A valid document for each JSON argument: escapes, raw multibyte UTF-8,
 * numbers, true/false/null, nesting. Checked to succeed before use. */
static const char FULL_CONFIG[] =
    "{\"token\":\"dev-token\",\"token_type\":\"Bearer\",\"api_version\":\"3.0\",\"base_url\":\"http://127.0.0.1:9\","
    "\"region\":\"dal\",\"timeout_ms\":30000,\"attempt_timeout_ms\":10000,\"connect_timeout_ms\":5000,"
    "\"user_agent\":\"hostile\\u002dtest/1.0\",\"allow_insecure_http\":false,"
    "\"retry\":{\"max_attempts\":3,\"base_delay_ms\":200,\"max_delay_ms\":5000}}";
static const char FULL_CREATE[] =
    "{\"name\":\"Hostile B\\u00f3t \xc3\xa9 \xf0\x9f\xa4\x96 \\\"q\\\" \\\\ \\/ \\n\",\"status\":\"accepting chats\","
    "\"avatar\":\"https://cdn.example.com/a.png\",\"max_chats_count\":500,"
    "\"groups\":[{\"id\":0,\"priority\":\"first\"},{\"id\":18446744073709551615,\"priority\":\"last\"}],"
    "\"webhooks\":{\"url\":\"https://example.com/hook\",\"secret_key\":\"s3cr3t\",\"actions\":["
    "{\"name\":\"incoming_chat_thread\",\"filters\":{\"chat_properties\":{\"source\":{\"type\":{\"values\":"
    "[\"facebook\",1.5e3,-0,true,null,[],{}]}}}}},"
    "{\"name\":\"incoming_event\",\"additional_data\":[\"chat_properties\"]}]}}";
static const char FULL_UPDATE[] =
    "{\"id\":\"" SEED_ID "\",\"name\":\"N\\u00e9w \xc3\xa9\",\"status\":\"not accepting chats\","
    "\"avatar\":\"https://cdn.example.com/n.png\",\"max_chats_count\":0,\"groups\":[{\"id\":7,\"priority\":\"normal\"}],"
    "\"default_group_priority\":\"supervisor\",\"webhooks\":{\"url\":\"https://example.com/h2\",\"secret_key\":\"k\","
    "\"actions\":[{\"name\":\"incoming_event\",\"filters\":{},\"additional_data\":[]}]}}";
static const char FULL_REMOVE[] = "{\"bot_agent_id\":\"" SEED_ID "\"}";
static const char FULL_LIST[] = "{\"all\":true}";
static const char FULL_DETAILS[] = "{\"bot_agent_id\":\"" SEED_ID "\"}";
static const char FULL_EMU[] =
    "{\"port\":0,\"log_limit\":100,\"tokens\":[{\"token\":\"t0k\",\"client_id\":\"c1\","
    "\"scopes\":[\"agents-bot--my:rw\",\"agents-bot--all:ro\"],\"region\":\"fra\"}],"
    "\"bots\":[{\"id\":\"seed\",\"name\":\"S\\u00e9ed \xc3\xa9\",\"status\":\"offline\",\"max_chats_count\":5,"
    "\"groups\":[{\"id\":1,\"priority\":\"normal\"}],\"application\":{\"client_id\":\"c1\"}}],"
    "\"faults\":[{\"action\":\"get_bot_agents\",\"times\":2,\"status\":503,\"error_type\":\"internal\",\"message\":\"m\","
    "\"retry_after_s\":1,\"delay_ms\":0,\"drop_connection\":false}]}";
static const char FULL_FAULT[] =
    "{\"action\":\"never_called_action\",\"times\":3,\"status\":503,\"error_type\":\"internal\","
    "\"message\":\"Boom \\u00e9 \xc3\xa9\",\"retry_after_s\":2,\"delay_ms\":10,\"drop_connection\":false}";

static const char *const FULL_DOC[N_JSON_TARGETS] = {
    FULL_CONFIG, FULL_CREATE, FULL_REMOVE, FULL_UPDATE, FULL_LIST, FULL_DETAILS, FULL_CREATE, FULL_EMU, FULL_FAULT,
};

/* ---- where the calls go ---------------------------------------------- */

struct setup {
    lcbot_client *client;
    lcbot_emulator *emulator;
    const char *call_action; /* lcbot_call's action when the payload is under test */
};

static struct setup hostile; /* every hostile input: nothing may reach it */
static struct setup accepting; /* a second emulator for what must be accepted */
static int handle_ok;        /* the last invoke left no handle behind */

/* Calls the function behind `t` with `input`; returns its status and the
 * document it wrote (NULL if none), to free with lcbot_string_free. */
static int32_t invoke(const struct setup *s, enum target t, const char *input, char **doc) {
    char *out = DUMMY;
    int32_t st = -1;
    handle_ok = 1;
    switch (t) {
    case T_CONFIG: {
        lcbot_client *c = (lcbot_client *)DUMMY;
        st = lcbot_client_new(input, &c, &out);
        if (c == (lcbot_client *)DUMMY) {
            handle_ok = 0;
        } else if (c != NULL) {
            handle_ok = st == LCBOT_OK;
            lcbot_client_free(c);
        } else {
            handle_ok = st != LCBOT_OK;
        }
        break;
    }
    case T_CREATE: st = lcbot_create_bot_agent(s->client, input, NULL, &out); break;
    case T_REMOVE: st = lcbot_remove_bot_agent(s->client, input, NULL, &out); break;
    case T_UPDATE: st = lcbot_update_bot_agent(s->client, input, NULL, &out); break;
    case T_LIST: st = lcbot_get_bot_agents(s->client, input, NULL, &out); break;
    case T_DETAILS: st = lcbot_get_bot_agent_details(s->client, input, NULL, &out); break;
    case T_PAYLOAD: st = lcbot_call(s->client, s->call_action, input, NULL, &out); break;
    case T_ACTION: st = lcbot_call(s->client, input, "{}", NULL, &out); break;
    case T_EMU: {
        lcbot_emulator *e = (lcbot_emulator *)DUMMY;
        st = lcbot_emulator_start(input, &e, &out);
        if (e == (lcbot_emulator *)DUMMY) {
            handle_ok = 0;
        } else if (e != NULL) {
            handle_ok = st == LCBOT_OK;
            lcbot_emulator_stop(e);
        } else {
            handle_ok = st != LCBOT_OK;
        }
        break;
    }
    case T_FAULT: st = lcbot_emulator_inject(s->emulator, input, &out); break;
    default: break;
    }
    if (out == DUMMY) {
        check_record(0, __FILE__, __LINE__, "the out-parameter was replaced", NULL);
        out = NULL;
    }
    *doc = out;
    return st;
}

/* ---- counting and checking ------------------------------------------ */

enum category { C_TRUNC, C_MALFORMED, C_DEEP, C_HUGE, C_NUMBER, C_TYPE, C_DUPKEY, C_ESCAPE, C_UTF8, N_CATEGORIES };
static const char *const CATEGORY_NAME[N_CATEGORIES] = {
    "truncated JSON (every prefix of a valid document)",
    "malformed JSON",
    "nesting 100 000 deep (and the 127/128 boundary)",
    "20 MB strings (and the 10 MB boundary)",
    "numbers out of range",
    "wrong types (pairs not in test_validation.c/test_abi.c)",
    "duplicate keys",
    "control characters, escapes, surrogates",
    "invalid UTF-8",
};
static int tried[N_CATEGORIES];
static int tried_by_target[N_TARGETS];

static const char *code_name(int status) {
    switch (status) {
    case LCBOT_ERR_NULL_ARGUMENT: return "null_argument";
    case LCBOT_ERR_INVALID_UTF8: return "invalid_utf8";
    case LCBOT_ERR_INVALID_JSON: return "invalid_json";
    case LCBOT_ERR_VALIDATION: return "validation";
    default: return "?";
    }
}

/* Prints the start of an input with its bytes made visible. */
static void show_input(const char *input) {
    size_t n = strlen(input);
    fprintf(stderr, "    input (%zu bytes): \"", n);
    for (size_t i = 0; i < n && i < 160; i++) {
        unsigned char c = (unsigned char)input[i];
        if (c >= 0x20 && c < 0x7f && c != '\\') fputc(c, stderr);
        else fprintf(stderr, "\\x%02x", c);
    }
    fprintf(stderr, "%s\"\n", n > 160 ? "..." : "");
}

static int ends_with(const char *s, const char *tail) {
    size_t n = s ? strlen(s) : 0, t = strlen(tail);
    return s && n >= t && strcmp(s + n - t, tail) == 0;
}

/*
 * One hostile input: `t` must refuse `input` with `status`, an error
 * document of the matching code whose message contains `needle` (if not
 * NULL), whose raw text contains `raw` (if not NULL), complete, with nothing
 * sent and no handle left behind.
 */
static int expect_at(enum category cat, enum target t, const char *input, int status, const char *needle,
                     const char *raw, const char *file, int line) {
    char *doc = NULL;
    int32_t st;
    int ok;
    tried[cat]++;
    tried_by_target[t]++;
    st = invoke(&hostile, t, input, &doc);
    ok = check_error(st, doc, status, code_name(status), needle, 0, file, line);
    ok &= check_record(ends_with(doc, "\"http_status\":null,\"api_error\":null,\"attempts\":0}"), file, line,
                       "complete error document: no HTTP status, no api_error, 0 attempts, no outcome", doc);
    if (raw) ok &= check_contains(doc, raw, 1, file, line);
    if (t == T_CONFIG || t == T_EMU) ok &= check_record(handle_ok, file, line, "no handle left on failure", NULL);
    if (!ok) {
        fprintf(stderr, "    [%s] %s\n", CATEGORY_NAME[cat], FN_NAME[t]);
        show_input(input);
    }
    lcbot_string_free(doc);
    return ok;
}
#define EXPECT(cat, t, input, status, needle, raw) expect_at((cat), (t), (input), (status), (needle), (raw), __FILE__, __LINE__)

/* Copies `tmpl` into `buf` with its first '@' replaced by `value`. */
static const char *fill(char *buf, size_t size, const char *tmpl, const char *value) {
    const char *at = strchr(tmpl, '@');
    if (!at) {
        snprintf(buf, size, "%s", tmpl);
    } else {
        snprintf(buf, size, "%.*s%s%s", (int)(at - tmpl), tmpl, value, at + 1);
    }
    return buf;
}

/* ---- the valid documents are valid ----------------------------------- */

static void check_full_documents(void) {
    /* Order matters: details and update use the seed bot that remove deletes. */
    static const enum target order[N_JSON_TARGETS] = {T_CONFIG, T_CREATE, T_PAYLOAD, T_LIST, T_DETAILS,
                                                      T_UPDATE, T_REMOVE, T_EMU,     T_FAULT};
    for (int i = 0; i < N_JSON_TARGETS; i++) {
        enum target t = order[i];
        char *doc = NULL;
        int32_t st = invoke(&accepting, t, FULL_DOC[t], &doc);
        char what[256];
        snprintf(what, sizeof what, "%s accepts the full document whose prefixes are cut", FN_NAME[t]);
        check_record(st == LCBOT_OK && handle_ok, __FILE__, __LINE__, what, doc);
        lcbot_string_free(doc);
    }
}

/* ---- truncated JSON --------------------------------------------------- */

/* Where a cut after `len` bytes left an incomplete UTF-8 character, or -1. */
static long split_character(const char *s, size_t len) {
    size_t i = len;
    int back = 0;
    while (i > 0 && back < 4) {
        unsigned char c = (unsigned char)s[i - 1];
        i--;
        back++;
        if ((c & 0xC0) != 0x80) {
            int need = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : c >= 0xC0 ? 2 : 1;
            return need > back ? (long)i : -1;
        }
    }
    return -1;
}

static void test_truncations(void) {
    for (int t = 0; t < N_JSON_TARGETS; t++) {
        const char *full = FULL_DOC[t];
        size_t n = strlen(full);
        char *buf = malloc(n + 1);
        if (!buf) continue;
        for (size_t len = 0; len < n; len++) {
            char needle[128], raw[64];
            long split;
            memcpy(buf, full, len);
            buf[len] = '\0';
            split = split_character(full, len);
            if (split >= 0) {
                snprintf(needle, sizeof needle, "%s: invalid UTF-8 at byte %ld", ARG_NAME[t], split);
                snprintf(raw, sizeof raw, "at byte %ld\"", split);
                EXPECT(C_TRUNC, (enum target)t, buf, LCBOT_ERR_INVALID_UTF8, needle, raw);
            } else {
                snprintf(needle, sizeof needle, "%s: invalid JSON: EOF while parsing", ARG_NAME[t]);
                snprintf(raw, sizeof raw, " at line 1 column %zu\"", len);
                EXPECT(C_TRUNC, (enum target)t, buf, LCBOT_ERR_INVALID_JSON, needle, raw);
            }
        }
        free(buf);
    }
}

/* ---- malformed JSON --------------------------------------------------- */

static const struct {
    const char *text;
    const char *detail; /* after "<arg>: invalid JSON: " */
} MALFORMED[] = {
    {"{\"a\":1,}", "trailing comma"},
    {"[1,2,]", "trailing comma"},
    {"{\"a\":[1,],\"b\":2}", "trailing comma"},
    {"{\"a\":{\"b\":1,},\"c\":2}", "trailing comma"},
    {"{'a':1}", "key must be a string"},
    {"{\"a\":'x'}", "expected value"},
    {"{a:1}", "key must be a string"},
    {"{,}", "key must be a string"},
    {"{:1}", "key must be a string"},
    {"// comment\n{}", "expected value"},
    {"/* comment */{}", "expected value"},
    {"{\"a\":1 /* comment */}", "expected `,` or `}`"},
    {"{} // comment", "trailing characters"},
    {"# comment\n{}", "expected value"},
    {"{\"a\":NaN}", "expected value"},
    {"{\"a\":Infinity}", "expected value"},
    {"{\"a\":-Infinity}", "invalid number"},
    {"{\"a\":undefined}", "expected value"},
    {"{\"a\":True}", "expected value"},
    {"{\"a\":None}", "expected value"},
    {"{\"a\":nul}", "expected ident"},
    {"{\"a\":truee}", "expected `,` or `}`"},
    {"hello", "expected value"},
    {"undefined", "expected value"},
    {"\xef\xbb\xbf{}", "starts with a byte order mark"}, /* a UTF-8 BOM */
    {"\xef\xbb\xbf{\"token\":\"t\"}", "starts with a byte order mark"},
    {"{\"a\":01}", "invalid number"},
    {"{\"a\":0x1}", "expected `,` or `}`"},
    {"{\"a\":+1}", "expected value"},
    {"{\"a\":.5}", "expected value"},
    {"{\"a\":1.}", "invalid number"},
    {"{\"a\":1e}", "invalid number"},
    {"{\"a\":1e+}", "invalid number"},
    {"{\"a\":--1}", "invalid number"},
    {"{\"a\":1_000}", "expected `,` or `}`"},
    {"{} {}", "trailing characters"},
    {"{}{}", "trailing characters"},
    {"{\"a\":1}garbage", "trailing characters"},
    {"{\"a\":1}]", "trailing characters"},
    {"{\"a\" 1}", "expected `:`"},
    {"{\"a\"=1}", "expected `:`"},
    {"{\"a\":1 \"b\":2}", "expected `,` or `}`"},
    {"[\"a\" \"b\"]", "expected `,` or `]`"},
    {"{\"a\":}", "expected value"},
    {"{\"a\":\"x}", "EOF while parsing a string"},
    {"{\"a\":[}", "expected value"},
    {"{\"a\":{]}", "key must be a string"},
    {"[}", "expected value"},
    {"   ", "EOF while parsing a value"},
    {"\n\t\r ", "EOF while parsing a value"},
    {"\f{}", "expected value"},
    {"\v{}", "expected value"},
    {"{\"a\":1}\f", "trailing characters"},
};
#define N_MALFORMED ((int)(sizeof MALFORMED / sizeof MALFORMED[0]))

static void test_malformed(void) {
    for (int k = 0; k < N_MALFORMED; k++) {
        for (int t = 0; t < N_JSON_TARGETS; t++) {
            char needle[256];
            snprintf(needle, sizeof needle, "%s: invalid JSON: %s", ARG_NAME[t], MALFORMED[k].detail);
            EXPECT(C_MALFORMED, (enum target)t, MALFORMED[k].text, LCBOT_ERR_INVALID_JSON, needle, NULL);
        }
    }
}

/* ---- deep nesting ----------------------------------------------------- */

static char *repeat_into(char *p, const char *unit, size_t times) {
    size_t len = strlen(unit);
    for (size_t i = 0; i < times; i++, p += len) memcpy(p, unit, len);
    *p = '\0';
    return p;
}

static void test_deep(void) {
    /* Built once, reused for every argument. */
    char *arrays = malloc(2 * DEEP + 1);
    char *objects = malloc(6 * DEEP + 2);
    char *mixed = malloc(8 * DEEP + 2);
    char *unclosed = malloc(DEEP + 1);
    char *in_request = malloc(6 * DEEP + 256);
    const char *docs[5];
    char *p;
    if (!arrays || !objects || !mixed || !unclosed || !in_request) {
        CHECK(!"out of memory building the deep documents");
        free(arrays);
        free(objects);
        free(mixed);
        free(unclosed);
        free(in_request);
        return;
    }
    repeat_into(repeat_into(arrays, "[", DEEP), "]", DEEP);
    p = repeat_into(objects, "{\"a\":", DEEP);
    repeat_into(repeat_into(p, "1", 1), "}", DEEP);
    p = repeat_into(mixed, "{\"a\":[", DEEP / 2);
    repeat_into(repeat_into(p, "1", 1), "]}", DEEP / 2);
    repeat_into(unclosed, "[", DEEP);
    p = in_request + sprintf(in_request, "{\"name\":\"B\",\"status\":\"offline\",\"webhooks\":{\"url\":\"https://e.com\","
                                         "\"secret_key\":\"k\",\"actions\":[{\"name\":\"a\",\"filters\":");
    p = repeat_into(p, "{\"a\":", DEEP - 6);
    p = repeat_into(p, "1", 1);
    p = repeat_into(p, "}", DEEP - 6);
    strcpy(p, "}]}}");
    docs[0] = arrays;
    docs[1] = objects;
    docs[2] = mixed;
    docs[3] = unclosed;
    docs[4] = in_request;

    for (int k = 0; k < 5; k++) {
        for (int t = 0; t < N_JSON_TARGETS; t++) {
            char needle[128];
            snprintf(needle, sizeof needle, "%s: invalid JSON: recursion limit exceeded", ARG_NAME[t]);
            EXPECT(C_DEEP, (enum target)t, docs[k], LCBOT_ERR_INVALID_JSON, needle, NULL);
        }
    }

    /* The boundary: {"x": and 126 arrays (127 levels) parse, so the unknown
     * key is what is refused; one array more (128 levels) does not parse. */
    for (int t = 0; t < N_JSON_TARGETS; t++) {
        char doc[400], needle[128];
        p = doc + sprintf(doc, "{\"x\":");
        p = repeat_into(p, "[", 126);
        p = repeat_into(p, "]", 126);
        strcpy(p, "}");
        if (t == T_PAYLOAD) {
            /* Any payload object would be sent: lcbot_call parses the payload
             * before it checks the name, so a bad name shows it parsed. */
            hostile.call_action = "bad name";
            EXPECT(C_DEEP, T_PAYLOAD, doc, LCBOT_ERR_VALIDATION, "lowercase letters", NULL);
            hostile.call_action = "create_bot_agent";
        } else {
            snprintf(needle, sizeof needle, "%sx: unknown field", KEY_PREFIX[t]);
            EXPECT(C_DEEP, (enum target)t, doc, LCBOT_ERR_VALIDATION, needle, NULL);
        }
        p = doc + sprintf(doc, "{\"x\":");
        p = repeat_into(p, "[", 127);
        p = repeat_into(p, "]", 127);
        strcpy(p, "}");
        snprintf(needle, sizeof needle, "%s: invalid JSON: recursion limit exceeded at line 1 column 132", ARG_NAME[t]);
        EXPECT(C_DEEP, (enum target)t, doc, LCBOT_ERR_INVALID_JSON, needle, NULL);
    }
    free(arrays);
    free(objects);
    free(mixed);
    free(unclosed);
    free(in_request);
}

/* ---- 20 MB ------------------------------------------------------------ */

/*
 * One buffer holds the 20 MB of filler at a fixed place; a case writes its
 * head just before it and its tail just after it, so the filler is written
 * once for all the cases.
 */
#define HEAD_ROOM 256
static char *huge_buf;

static const char *huge_doc(const char *head, const char *tail, size_t filler) {
    size_t h = strlen(head);
    char *start = huge_buf + HEAD_ROOM - h;
    memcpy(start, head, h);
    strcpy(huge_buf + HEAD_ROOM + filler, tail);
    return start;
}

/* Puts the filler back after a case that ended inside it. */
static void huge_restore(size_t from, size_t len, char fill_char) {
    memset(huge_buf + HEAD_ROOM + from, fill_char, len);
}

static void test_huge(void) {
    static const struct {
        enum target t;
        const char *head, *tail;
    } HUGE_FIELDS[] = {
        {T_CONFIG, "{\"token\":\"", "\"}"},
        {T_CONFIG, "{\"token\":\"t\",\"user_agent\":\"", "\"}"},
        {T_CREATE, "{\"name\":\"", "\",\"status\":\"offline\"}"},
        {T_CREATE, "{\"name\":\"B\",\"status\":\"offline\",\"avatar\":\"", "\"}"},
        {T_REMOVE, "{\"bot_agent_id\":\"", "\"}"},
        {T_UPDATE, "{\"id\":\"" SEED_ID "\",\"name\":\"", "\"}"},
        {T_LIST, "{\"", "\":true}"},
        {T_DETAILS, "{\"bot_agent_id\":\"", "\"}"},
        {T_PAYLOAD, "{\"name\":\"", "\",\"status\":\"offline\"}"},
        {T_EMU, "{\"tokens\":[{\"token\":\"", "\",\"client_id\":\"c\",\"scopes\":[]}]}"},
        {T_EMU, "{\"bots\":[{\"name\":\"", "\",\"status\":\"offline\"}]}"},
        {T_FAULT, "{\"status\":503,\"message\":\"", "\"}"},
    };
    const int n_fields = (int)(sizeof HUGE_FIELDS / sizeof HUGE_FIELDS[0]);
    char needle[256], raw[64];

    huge_buf = malloc(HEAD_ROOM + HUGE_LEN + 256);
    if (!huge_buf) {
        CHECK(!"out of memory for the 20 MB buffer");
        return;
    }
    memset(huge_buf + HEAD_ROOM, 'a', HUGE_LEN);

    /* A 20 MB string at a string field of every JSON argument. */
    for (int i = 0; i < n_fields; i++) {
        const char *doc = huge_doc(HUGE_FIELDS[i].head, HUGE_FIELDS[i].tail, HUGE_LEN);
        enum target t = HUGE_FIELDS[i].t;
        snprintf(needle, sizeof needle, "%s: document is %zu bytes; at most %d are accepted", ARG_NAME[t],
                 strlen(doc), MAX_DOC);
        EXPECT(C_HUGE, t, doc, LCBOT_ERR_VALIDATION, needle, NULL);
    }
    /* A 20 MB action name (not JSON: the name rule refuses it). */
    EXPECT(C_HUGE, T_ACTION, huge_doc("", "", HUGE_LEN), LCBOT_ERR_VALIDATION,
           "lowercase letters, digits and _", NULL);

    /* A bad byte at the very end of 20 MB: the UTF-8 check comes first and
     * finds it at its exact offset. */
    for (int t = 0; t < N_JSON_TARGETS; t++) {
        const char *doc = huge_doc("{\"name\":\"", "\xff\"}", HUGE_LEN);
        snprintf(needle, sizeof needle, "%s: invalid UTF-8 at byte %d", ARG_NAME[t], HUGE_LEN + 9);
        snprintf(raw, sizeof raw, "at byte %d\"", HUGE_LEN + 9);
        EXPECT(C_HUGE, (enum target)t, doc, LCBOT_ERR_INVALID_UTF8, needle, raw);
    }
    EXPECT(C_HUGE, T_ACTION, huge_doc("", "\xc3", HUGE_LEN), LCBOT_ERR_INVALID_UTF8, "action: invalid UTF-8 at byte 20971520",
           "at byte 20971520\"");

    /* The boundary: exactly 10 MB still parses (the field is refused for
     * its type); one byte more is refused for its size. 8 bytes of head
     * {"all":" and 2 of tail "} around the filler. */
    {
        const size_t filler = MAX_DOC - 10;
        const char *doc = huge_doc("{\"all\":\"", "\"}", filler);
        EXPECT(C_HUGE, T_LIST, doc, LCBOT_ERR_VALIDATION, "all: expected true or false; got \"aaaaaaaaaa", NULL);
        huge_restore(filler, 3, 'a');
        doc = huge_doc("{\"all\":\"", "\"}", filler + 1);
        snprintf(needle, sizeof needle, "request_json: document is %d bytes; at most %d are accepted", MAX_DOC + 1, MAX_DOC);
        EXPECT(C_HUGE, T_LIST, doc, LCBOT_ERR_VALIDATION, needle, NULL);
        huge_restore(filler + 1, 3, 'a');
    }

    /* 20 MB of whitespace around the smallest document: refused for its
     * size, although its content is tiny. */
    memset(huge_buf + HEAD_ROOM, ' ', HUGE_LEN);
    for (int t = 0; t < N_JSON_TARGETS; t++) {
        const char *doc = huge_doc("{", "}", HUGE_LEN);
        snprintf(needle, sizeof needle, "%s: document is %d bytes; at most %d are accepted", ARG_NAME[t], HUGE_LEN + 2,
                 MAX_DOC);
        EXPECT(C_HUGE, (enum target)t, doc, LCBOT_ERR_VALIDATION, needle, NULL);
    }
    free(huge_buf);
    huge_buf = NULL;
}

/* ---- numbers out of range ---------------------------------------------- */

static const struct num_field {
    enum target t;
    const char *tmpl; /* '@' is the number */
    const char *path;
    const char *min, *max; /* NULL, NULL: an unsigned 64-bit integer */
    const char *below, *above;
} NUM_FIELDS[] = {
    {T_CREATE, "{\"name\":\"B\",\"status\":\"offline\",\"max_chats_count\":@}", "max_chats_count", "0", "500", NULL, "501"},
    {T_CREATE, "{\"name\":\"B\",\"status\":\"offline\",\"groups\":[{\"id\":1,\"priority\":\"first\"},{\"id\":@,\"priority\":\"last\"}]}",
     "groups[1].id", NULL, NULL, NULL, NULL},
    {T_UPDATE, "{\"id\":\"" SEED_ID "\",\"max_chats_count\":@}", "max_chats_count", "0", "500", NULL, "501"},
    {T_UPDATE, "{\"id\":\"" SEED_ID "\",\"groups\":[{\"id\":@,\"priority\":\"normal\"}]}", "groups[0].id", NULL, NULL, NULL, NULL},
    {T_CONFIG, "{\"token\":\"t\",\"timeout_ms\":@}", "config_json.timeout_ms", "1", "3600000", "0", "3600001"},
    {T_CONFIG, "{\"token\":\"t\",\"attempt_timeout_ms\":@}", "config_json.attempt_timeout_ms", "1", "3600000", "0", "3600001"},
    {T_CONFIG, "{\"token\":\"t\",\"connect_timeout_ms\":@}", "config_json.connect_timeout_ms", "1", "3600000", "0", "3600001"},
    {T_CONFIG, "{\"token\":\"t\",\"retry\":{\"max_attempts\":@}}", "config_json.retry.max_attempts", "1", "10", "0", "11"},
    {T_CONFIG, "{\"token\":\"t\",\"retry\":{\"base_delay_ms\":@}}", "config_json.retry.base_delay_ms", "0", "60000", NULL, "60001"},
    {T_CONFIG, "{\"token\":\"t\",\"retry\":{\"max_delay_ms\":@}}", "config_json.retry.max_delay_ms", "0", "600000", NULL, "600001"},
    {T_EMU, "{\"port\":@}", "config_json.port", "0", "65535", NULL, "65536"},
    {T_EMU, "{\"log_limit\":@}", "config_json.log_limit", "0", "10000000", NULL, "10000001"},
    {T_EMU, "{\"faults\":[{\"status\":503,\"times\":@}]}", "config_json.faults[0].times", "1", "1000000", "0", "1000001"},
    {T_EMU, "{\"faults\":[{\"status\":@}]}", "config_json.faults[0].status", "400", "599", "399", "600"},
    {T_EMU, "{\"faults\":[{\"delay_ms\":@}]}", "config_json.faults[0].delay_ms", "0", "600000", NULL, "600001"},
    {T_EMU, "{\"faults\":[{\"status\":429,\"retry_after_s\":@}]}", "config_json.faults[0].retry_after_s", "0", "86400", NULL, "86401"},
    {T_EMU, "{\"bots\":[{\"name\":\"B\",\"status\":\"offline\",\"max_chats_count\":@}]}", "config_json.bots[0].max_chats_count", "0", "500", NULL, "501"},
    {T_EMU, "{\"bots\":[{\"name\":\"B\",\"status\":\"offline\",\"groups\":[{\"id\":@,\"priority\":\"first\"}]}]}",
     "config_json.bots[0].groups[0].id", NULL, NULL, NULL, NULL},
    {T_FAULT, "{\"status\":503,\"times\":@}", "fault_json.times", "1", "1000000", "0", "1000001"},
    {T_FAULT, "{\"status\":@}", "fault_json.status", "400", "599", "399", "600"},
    {T_FAULT, "{\"delay_ms\":@}", "fault_json.delay_ms", "0", "600000", NULL, "600001"},
    {T_FAULT, "{\"status\":429,\"retry_after_s\":@}", "fault_json.retry_after_s", "0", "86400", NULL, "86401"},
};
#define N_NUM_FIELDS ((int)(sizeof NUM_FIELDS / sizeof NUM_FIELDS[0]))

static char four_hundred_nines[401];

static const struct {
    const char *text;
    int unparsable; /* serde cannot hold it: LCBOT_ERR_INVALID_JSON */
    int valid_uint; /* a valid id (unsigned 64 bits): not tried there */
} NUM_VALUES[] = {
    {"-1", 0, 0},
    {"-500", 0, 0},
    {"1.5", 0, 0},
    {"-1.5", 0, 0},
    {"0.5", 0, 0},
    {"2.0", 0, 0},                       /* integral, but a float */
    {"1e2", 0, 0},                       /* 100, but a float */
    {"-0", 0, 0},                        /* a float -0.0 for serde */
    {"-0.0", 0, 0},
    {"18446744073709551616", 0, 0},      /* 2^64 */
    {"18446744073709551617", 0, 0},
    {"-9223372036854775809", 0, 0},      /* below i64 */
    {"9223372036854775808", 0, 1},    /* above i64, a valid u64 */
    {"123456789012345678901234567890", 0, 0},
    {"1E+308", 0, 0},                    /* the largest exponent a double holds */
    {"-1e308", 0, 0},
    {"1e-400", 0, 0},                    /* underflows to 0.0: still a float */
    {"0e999999999999999999", 0, 0},      /* 0.0 with a huge exponent */
    {"1e400", 1, 0},
    {"-1e400", 1, 0},
    {"1e999999999999999999999", 1, 0},
    {"-1E+99999", 1, 0},
    {four_hundred_nines, 1, 0},          /* an integer of 400 digits */
};
#define N_NUM_VALUES ((int)(sizeof NUM_VALUES / sizeof NUM_VALUES[0]))

static void expect_number(const struct num_field *f, const char *value, int unparsable) {
    char doc[1024], needle[256];
    fill(doc, sizeof doc, f->tmpl, value);
    if (unparsable) {
        snprintf(needle, sizeof needle, "%s: invalid JSON: number out of range", ARG_NAME[f->t]);
        EXPECT(C_NUMBER, f->t, doc, LCBOT_ERR_INVALID_JSON, needle, NULL);
    } else if (f->min) {
        snprintf(needle, sizeof needle, "%s: expected an integer from %s to %s; got ", f->path, f->min, f->max);
        EXPECT(C_NUMBER, f->t, doc, LCBOT_ERR_VALIDATION, needle, NULL);
    } else {
        snprintf(needle, sizeof needle, "%s: expected an unsigned integer; got ", f->path);
        EXPECT(C_NUMBER, f->t, doc, LCBOT_ERR_VALIDATION, needle, NULL);
    }
}

static void test_numbers(void) {
    memset(four_hundred_nines, '9', 400);
    for (int i = 0; i < N_NUM_FIELDS; i++) {
        const struct num_field *f = &NUM_FIELDS[i];
        for (int v = 0; v < N_NUM_VALUES; v++) {
            if (!f->min && NUM_VALUES[v].valid_uint) continue;
            expect_number(f, NUM_VALUES[v].text, NUM_VALUES[v].unparsable);
        }
        if (f->below) expect_number(f, f->below, 0);
        if (f->above) expect_number(f, f->above, 0);
    }
}

/* ---- wrong types ------------------------------------------------------- */

/* The six kinds of JSON value, by letter. */
static const struct {
    char letter;
    const char *json;
    const char *shown; /* how a message shows it, as it appears in the raw document */
} KINDS[] = {
    {'s', "\"x\"", "\\\"x\\\""}, {'n', "7", "7"}, {'o', "{}", "an object"},
    {'a', "[]", "an array"},     {'0', "null", "null"}, {'t', "true", "true"},
};
#define N_KINDS 6

static const struct type_field {
    enum target t;
    const char *tmpl; /* '@' is the value */
    const char *path;
    const char *right;   /* kinds that are the field's type */
    const char *covered; /* wrong kinds test_validation.c / test_abi.c already try */
    int shows_got;       /* the message shows the value (not for secrets) */
} TYPE_FIELDS[] = {
#define CW(rest) "{\"name\":\"B\",\"status\":\"offline\"," rest "}"
#define UW(rest) "{\"id\":\"" SEED_ID "\"," rest "}"
#define WH_ACTIONS(x) "\"webhooks\":{\"url\":\"https://e.com\",\"secret_key\":\"k\",\"actions\":[" x "]}"
    /* create_bot_agent */
    {T_CREATE, "@", "request", "o", "a0s", 1},
    {T_CREATE, "{\"name\":@,\"status\":\"offline\"}", "name", "s", "n0a", 1},
    {T_CREATE, "{\"name\":\"B\",\"status\":@}", "status", "s", "0t", 1},
    {T_CREATE, CW("\"avatar\":@"), "avatar", "s", "n0o", 1},
    {T_CREATE, CW("\"max_chats_count\":@"), "max_chats_count", "n", "s0t", 1},
    {T_CREATE, CW("\"groups\":@"), "groups", "a", "o0s", 1},
    {T_CREATE, CW("\"groups\":[@]"), "groups[0]", "o", "n0", 1},
    {T_CREATE, CW("\"groups\":[{\"id\":@,\"priority\":\"first\"}]"), "groups[0].id", "n", "s0", 1},
    {T_CREATE, CW("\"groups\":[{\"id\":1,\"priority\":@}]"), "groups[0].priority", "s", "n0", 1},
    {T_CREATE, CW("\"webhooks\":@"), "webhooks", "o", "a0s", 1},
    {T_CREATE, CW("\"webhooks\":{\"url\":@,\"secret_key\":\"k\",\"actions\":[]}"), "webhooks.url", "s", "n0", 1},
    {T_CREATE, CW("\"webhooks\":{\"url\":\"u\",\"secret_key\":@,\"actions\":[]}"), "webhooks.secret_key", "s", "n0", 1},
    {T_CREATE, CW("\"webhooks\":{\"url\":\"u\",\"secret_key\":\"k\",\"actions\":@}"), "webhooks.actions", "a", "o0", 1},
    {T_CREATE, CW(WH_ACTIONS("@")), "webhooks.actions[0]", "o", "s", 1},
    {T_CREATE, CW(WH_ACTIONS("{\"name\":@}")), "webhooks.actions[0].name", "s", "n0", 1},
    {T_CREATE, CW(WH_ACTIONS("{\"name\":\"a\",\"filters\":@}")), "webhooks.actions[0].filters", "o", "as0", 1},
    {T_CREATE, CW(WH_ACTIONS("{\"name\":\"a\",\"additional_data\":@}")), "webhooks.actions[0].additional_data", "a", "s0", 1},
    {T_CREATE, CW(WH_ACTIONS("{\"name\":\"a\",\"additional_data\":[@]}")), "webhooks.actions[0].additional_data[0]", "s", "n0", 1},
    /* update_bot_agent */
    {T_UPDATE, "@", "request", "o", "a", 1},
    {T_UPDATE, "{\"id\":@}", "id", "s", "n0", 1},
    {T_UPDATE, UW("\"name\":@"), "name", "s", "0n", 1},
    {T_UPDATE, UW("\"status\":@"), "status", "s", "0", 1},
    {T_UPDATE, UW("\"avatar\":@"), "avatar", "s", "t0", 1},
    {T_UPDATE, UW("\"max_chats_count\":@"), "max_chats_count", "n", "0", 1},
    {T_UPDATE, UW("\"default_group_priority\":@"), "default_group_priority", "s", "n0", 1},
    {T_UPDATE, UW("\"groups\":@"), "groups", "a", "o0", 1},
    {T_UPDATE, UW("\"groups\":[@]"), "groups[0]", "o", "", 1},
    {T_UPDATE, UW("\"groups\":[{\"id\":@,\"priority\":\"first\"}]"), "groups[0].id", "n", "", 1},
    {T_UPDATE, UW("\"groups\":[{\"id\":1,\"priority\":@}]"), "groups[0].priority", "s", "", 1},
    {T_UPDATE, UW("\"webhooks\":@"), "webhooks", "o", "0", 1},
    {T_UPDATE, UW("\"webhooks\":{\"url\":@,\"secret_key\":\"k\",\"actions\":[]}"), "webhooks.url", "s", "", 1},
    {T_UPDATE, UW("\"webhooks\":{\"url\":\"u\",\"secret_key\":@,\"actions\":[]}"), "webhooks.secret_key", "s", "", 1},
    {T_UPDATE, UW("\"webhooks\":{\"url\":\"u\",\"secret_key\":\"k\",\"actions\":@}"), "webhooks.actions", "a", "", 1},
    {T_UPDATE, UW(WH_ACTIONS("@")), "webhooks.actions[0]", "o", "", 1},
    {T_UPDATE, UW(WH_ACTIONS("{\"name\":@}")), "webhooks.actions[0].name", "s", "", 1},
    {T_UPDATE, UW(WH_ACTIONS("{\"name\":\"a\",\"filters\":@}")), "webhooks.actions[0].filters", "o", "a", 1},
    {T_UPDATE, UW(WH_ACTIONS("{\"name\":\"a\",\"additional_data\":@}")), "webhooks.actions[0].additional_data", "a", "", 1},
    {T_UPDATE, UW(WH_ACTIONS("{\"name\":\"a\",\"additional_data\":[@]}")), "webhooks.actions[0].additional_data[0]", "s", "o", 1},
    /* remove_bot_agent, get_bot_agent_details, get_bot_agents, lcbot_call */
    {T_REMOVE, "@", "request", "o", "a", 1},
    {T_REMOVE, "{\"bot_agent_id\":@}", "bot_agent_id", "s", "n0a", 1},
    {T_DETAILS, "@", "request", "o", "a", 1},
    {T_DETAILS, "{\"bot_agent_id\":@}", "bot_agent_id", "s", "n0o", 1},
    {T_LIST, "@", "request", "o", "a0", 1},
    {T_LIST, "{\"all\":@}", "all", "t", "sn0", 1},
    {T_PAYLOAD, "@", "payload_json", "o", "a0nst", 1},
    /* lcbot_client_new */
    {T_CONFIG, "@", "config_json", "o", "as0", 1},
    {T_CONFIG, "{\"token\":@}", "token", "so", "n0a", 0},
    {T_CONFIG, "{\"token\":\"t\",\"token_type\":@}", "config_json.token_type", "s", "0", 1},
    {T_CONFIG, "{\"token\":{\"account_id\":@,\"pat\":\"p\"},\"token_type\":\"Basic\"}", "token.account_id", "s", "", 0},
    {T_CONFIG, "{\"token\":{\"account_id\":\"a\",\"pat\":@},\"token_type\":\"Basic\"}", "token.pat", "s", "", 0},
    {T_CONFIG, "{\"token\":\"t\",\"api_version\":@}", "config_json.api_version", "s", "n0", 1},
    {T_CONFIG, "{\"token\":\"t\",\"base_url\":@}", "config_json.base_url", "s", "n", 1},
    {T_CONFIG, "{\"token\":\"t\",\"region\":@}", "config_json.region", "s", "0", 1},
    {T_CONFIG, "{\"token\":\"t\",\"timeout_ms\":@}", "config_json.timeout_ms", "n", "s0", 1},
    {T_CONFIG, "{\"token\":\"t\",\"attempt_timeout_ms\":@}", "config_json.attempt_timeout_ms", "n", "s", 1},
    {T_CONFIG, "{\"token\":\"t\",\"connect_timeout_ms\":@}", "config_json.connect_timeout_ms", "n", "", 1},
    {T_CONFIG, "{\"token\":\"t\",\"user_agent\":@}", "config_json.user_agent", "s", "n", 1},
    {T_CONFIG, "{\"token\":\"t\",\"allow_insecure_http\":@}", "config_json.allow_insecure_http", "t", "s0", 1},
    {T_CONFIG, "{\"token\":\"t\",\"retry\":@}", "config_json.retry", "o", "n0", 1},
    {T_CONFIG, "{\"token\":\"t\",\"retry\":{\"max_attempts\":@}}", "config_json.retry.max_attempts", "n", "", 1},
    {T_CONFIG, "{\"token\":\"t\",\"retry\":{\"base_delay_ms\":@}}", "config_json.retry.base_delay_ms", "n", "", 1},
    {T_CONFIG, "{\"token\":\"t\",\"retry\":{\"max_delay_ms\":@}}", "config_json.retry.max_delay_ms", "n", "", 1},
    /* lcbot_emulator_start */
    {T_EMU, "@", "config_json", "o", "a", 1},
    {T_EMU, "{\"port\":@}", "config_json.port", "n", "0", 1},
    {T_EMU, "{\"log_limit\":@}", "config_json.log_limit", "n", "", 1},
    {T_EMU, "{\"tokens\":@}", "config_json.tokens", "a", "o", 1},
    {T_EMU, "{\"tokens\":[@]}", "config_json.tokens[0]", "o", "", 1},
    {T_EMU, "{\"tokens\":[{\"token\":@,\"client_id\":\"c\",\"scopes\":[]}]}", "config_json.tokens[0].token", "s", "", 1},
    {T_EMU, "{\"tokens\":[{\"token\":\"t\",\"client_id\":@,\"scopes\":[]}]}", "config_json.tokens[0].client_id", "s", "", 1},
    {T_EMU, "{\"tokens\":[{\"token\":\"t\",\"client_id\":\"c\",\"scopes\":@}]}", "config_json.tokens[0].scopes", "a", "s", 1},
    {T_EMU, "{\"tokens\":[{\"token\":\"t\",\"client_id\":\"c\",\"scopes\":[@]}]}", "config_json.tokens[0].scopes[0]", "s", "n", 1},
    {T_EMU, "{\"tokens\":[{\"token\":\"t\",\"client_id\":\"c\",\"scopes\":[],\"region\":@}]}", "config_json.tokens[0].region", "s", "", 1},
    {T_EMU, "{\"bots\":@}", "config_json.bots", "a", "", 1},
    {T_EMU, "{\"bots\":[@]}", "config_json.bots[0]", "o", "", 1},
    {T_EMU, "{\"bots\":[{\"id\":@,\"name\":\"B\",\"status\":\"offline\"}]}", "config_json.bots[0].id", "s", "", 0},
    {T_EMU, "{\"bots\":[{\"name\":@,\"status\":\"offline\"}]}", "config_json.bots[0].name", "s", "", 1},
    {T_EMU, "{\"bots\":[{\"name\":\"B\",\"status\":@}]}", "config_json.bots[0].status", "s", "", 1},
    {T_EMU, "{\"bots\":[{\"name\":\"B\",\"status\":\"offline\",\"max_chats_count\":@}]}", "config_json.bots[0].max_chats_count", "n", "", 1},
    {T_EMU, "{\"bots\":[{\"name\":\"B\",\"status\":\"offline\",\"application\":@}]}", "config_json.bots[0].application", "o", "", 1},
    {T_EMU, "{\"bots\":[{\"name\":\"B\",\"status\":\"offline\",\"application\":{\"client_id\":@}}]}",
     "config_json.bots[0].application.client_id", "s", "", 1},
    {T_EMU, "{\"bots\":[{\"name\":\"B\",\"status\":\"offline\",\"groups\":[{\"id\":@,\"priority\":\"first\"}]}]}",
     "config_json.bots[0].groups[0].id", "n", "", 1},
    {T_EMU, "{\"faults\":@}", "config_json.faults", "a", "", 1},
    {T_EMU, "{\"faults\":[@]}", "config_json.faults[0]", "o", "", 1},
    {T_EMU, "{\"faults\":[{\"status\":@}]}", "config_json.faults[0].status", "n", "", 1},
    /* lcbot_emulator_inject */
    {T_FAULT, "@", "fault_json", "o", "a", 1},
    {T_FAULT, "{\"status\":503,\"action\":@}", "fault_json.action", "s", "0", 1},
    {T_FAULT, "{\"status\":503,\"times\":@}", "fault_json.times", "n", "", 1},
    {T_FAULT, "{\"status\":@}", "fault_json.status", "n", "", 1},
    {T_FAULT, "{\"status\":503,\"error_type\":@}", "fault_json.error_type", "s", "", 1},
    {T_FAULT, "{\"status\":503,\"message\":@}", "fault_json.message", "s", "", 1},
    {T_FAULT, "{\"status\":429,\"retry_after_s\":@}", "fault_json.retry_after_s", "n", "", 1},
    {T_FAULT, "{\"delay_ms\":@}", "fault_json.delay_ms", "n", "", 1},
    {T_FAULT, "{\"status\":503,\"drop_connection\":@}", "fault_json.drop_connection", "t", "", 1},
#undef CW
#undef UW
#undef WH_ACTIONS
};
#define N_TYPE_FIELDS ((int)(sizeof TYPE_FIELDS / sizeof TYPE_FIELDS[0]))

static int types_total, types_covered;

static void test_types(void) {
    for (int i = 0; i < N_TYPE_FIELDS; i++) {
        const struct type_field *f = &TYPE_FIELDS[i];
        for (int k = 0; k < N_KINDS; k++) {
            char doc[1024], needle[256], raw[128];
            if (strchr(f->right, KINDS[k].letter)) continue;
            types_total++;
            if (strchr(f->covered, KINDS[k].letter)) {
                types_covered++;
                continue;
            }
            fill(doc, sizeof doc, f->tmpl, KINDS[k].json);
            snprintf(needle, sizeof needle, "%s: expected ", f->path);
            snprintf(raw, sizeof raw, "; got %s\",\"http_status\"", KINDS[k].shown);
            EXPECT(C_TYPE, f->t, doc, LCBOT_ERR_VALIDATION, needle, f->shows_got ? raw : NULL);
        }
    }
}

/* ---- duplicate keys ---------------------------------------------------- */

static const struct {
    enum target t;
    const char *doc;
    const char *key;
} DUPLICATES[] = {
    {T_CREATE, "{\"name\":\"a\",\"name\":\"b\",\"status\":\"offline\"}", "name"},
    {T_CREATE, "{\"name\":\"a\",\"status\":\"offline\",\"status\":\"offline\"}", "status"}, /* same value: still refused */
    {T_CREATE, "{\"name\":\"a\",\"n\\u0061me\":\"b\",\"status\":\"offline\"}", "name"}, /* the same key, spelled with an escape */
    {T_CREATE, "{\"name\":\"B\",\"status\":\"offline\",\"groups\":[{\"id\":1,\"id\":2,\"priority\":\"first\"}]}", "id"},
    {T_CREATE, "{\"name\":\"B\",\"status\":\"offline\",\"groups\":[{\"id\":1,\"priority\":\"first\"},{\"id\":2,\"priority\":\"last\",\"priority\":\"first\"}]}", "priority"},
    {T_CREATE, "{\"name\":\"B\",\"status\":\"offline\",\"webhooks\":{\"url\":\"a\",\"url\":\"b\",\"secret_key\":\"k\",\"actions\":[]}}", "url"},
    {T_CREATE, "{\"name\":\"B\",\"status\":\"offline\",\"webhooks\":{\"url\":\"u\",\"secret_key\":\"k\",\"actions\":[{\"name\":\"a\",\"filters\":{\"p\":{\"q\":{\"r\":1,\"r\":1}}}}]}}", "r"},
    {T_CREATE, "{\"x\":1,\"x\":2}", "x"},  /* before the unknown field is looked at */
    {T_CREATE, "{\"\":1,\"\":2}", ""},
    {T_UPDATE, "{\"id\":\"" SEED_ID "\",\"id\":\"" SEED_ID "\"}", "id"},
    {T_UPDATE, "{\"id\":\"" SEED_ID "\",\"groups\":[{\"id\":1,\"priority\":\"first\",\"id\":1}]}", "id"},
    {T_REMOVE, "{\"bot_agent_id\":\"a\",\"bot_agent_id\":\"b\"}", "bot_agent_id"},
    {T_DETAILS, "{\"bot_agent_id\":\"a\",\"bot_agent_id\":\"a\"}", "bot_agent_id"},
    {T_LIST, "{\"all\":true,\"x\":{\"y\":1,\"y\":2}}", "y"},
    {T_PAYLOAD, "{\"a\":1,\"a\":1}", "a"},
    {T_PAYLOAD, "{\"p\":[{\"k\":1},{\"k\":1,\"k\":2}]}", "k"},
    {T_CONFIG, "{\"token\":\"a\",\"token\":\"b\"}", "token"},
    {T_CONFIG, "{\"token\":\"t\",\"retry\":{\"max_attempts\":1,\"max_attempts\":2}}", "max_attempts"},
    {T_CONFIG, "{\"token\":{\"account_id\":\"a\",\"pat\":\"p\",\"pat\":\"q\"},\"token_type\":\"Basic\"}", "pat"},
    {T_EMU, "{\"port\":0,\"port\":0}", "port"},
    {T_EMU, "{\"tokens\":[{\"token\":\"a\",\"token\":\"b\",\"client_id\":\"c\",\"scopes\":[]}]}", "token"},
    {T_EMU, "{\"bots\":[{\"name\":\"a\",\"status\":\"offline\",\"name\":\"b\"}]}", "name"},
    {T_EMU, "{\"faults\":[{\"status\":503,\"status\":504}]}", "status"},
    {T_FAULT, "{\"status\":503,\"status\":503}", "status"},
    {T_FAULT, "{\"status\":503,\"action\":\"a\",\"action\":\"b\"}", "action"},
};
#define N_DUPLICATES ((int)(sizeof DUPLICATES / sizeof DUPLICATES[0]))

static void test_duplicates(void) {
    for (int i = 0; i < N_DUPLICATES; i++) {
        char needle[256];
        snprintf(needle, sizeof needle, "%s: invalid JSON: duplicate key \"%s\"", ARG_NAME[DUPLICATES[i].t], DUPLICATES[i].key);
        EXPECT(C_DUPKEY, DUPLICATES[i].t, DUPLICATES[i].doc, LCBOT_ERR_INVALID_JSON, needle, NULL);
    }
    /* Keys that differ only by case are two keys: the second is unknown. */
    EXPECT(C_DUPKEY, T_CREATE, "{\"name\":\"a\",\"Name\":\"b\",\"status\":\"offline\"}", LCBOT_ERR_VALIDATION,
           "Name: unknown field", NULL);
    EXPECT(C_DUPKEY, T_CONFIG, "{\"token\":\"a\",\"TOKEN\":\"b\"}", LCBOT_ERR_VALIDATION, "config_json.TOKEN: unknown field", NULL);
}

/* ---- control characters, escapes, surrogates --------------------------- */

static void test_escapes(void) {
    char doc[512], needle[256];

    /* Every raw control character inside a string: not JSON. */
    for (int c = 0x01; c < 0x20; c++) {
        snprintf(doc, sizeof doc, "{\"name\":\"a%cb\",\"status\":\"offline\"}", c);
        EXPECT(C_ESCAPE, T_CREATE, doc, LCBOT_ERR_INVALID_JSON,
               "request_json: invalid JSON: control character (\\u0000-\\u001F) found while parsing a string",
               c == '\n' ? " at line 2 column 0\"" : " at line 1 column 11\"");
    }
    /* ... and at a string of every other JSON argument (tab, newline, 0x01, 0x1f). */
    {
        static const char *const tmpl[N_JSON_TARGETS] = {
            "{\"token\":\"@\"}", NULL, "{\"bot_agent_id\":\"@\"}", "{\"id\":\"@\"}", "{\"@\":true}",
            "{\"bot_agent_id\":\"@\"}", "{\"k\":\"@\"}", "{\"tokens\":[{\"token\":\"@\",\"client_id\":\"c\",\"scopes\":[]}]}",
            "{\"status\":503,\"message\":\"@\"}",
        };
        static const char *const raw_controls[] = {"\t", "\n", "\x01", "\x1f"};
        for (int t = 0; t < N_JSON_TARGETS; t++) {
            if (!tmpl[t]) continue;
            for (int k = 0; k < 4; k++) {
                fill(doc, sizeof doc, tmpl[t], raw_controls[k]);
                snprintf(needle, sizeof needle, "%s: invalid JSON: control character", ARG_NAME[t]);
                EXPECT(C_ESCAPE, (enum target)t, doc, LCBOT_ERR_INVALID_JSON, needle, NULL);
            }
        }
    }
    /* A raw NUL ends a C string: the library sees a string left open. */
    {
        static const char with_nul[] = "{\"name\":\"a\0b\",\"status\":\"offline\"}";
        EXPECT(C_ESCAPE, T_CREATE, with_nul, LCBOT_ERR_INVALID_JSON,
               "request_json: invalid JSON: EOF while parsing a string at line 1 column 10", NULL);
    }

    /* Invalid escapes. */
    {
        static const char *const bad_escapes[] = {
            "\\x41", "\\a", "\\'", "\\U0041", "\\u12G4", "\\u12", "\\0", "\\v", "\\e", "\\ ", "\\u-123", "\\u 123",
        };
        for (int k = 0; k < (int)(sizeof bad_escapes / sizeof bad_escapes[0]); k++) {
            snprintf(doc, sizeof doc, "{\"name\":\"a%sb\",\"status\":\"offline\"}", bad_escapes[k]);
            EXPECT(C_ESCAPE, T_CREATE, doc, LCBOT_ERR_INVALID_JSON, "request_json: invalid JSON: invalid escape", NULL);
        }
        EXPECT(C_ESCAPE, T_CREATE, "{\"name\":\"a\\\",\"status\":\"offline\"}", LCBOT_ERR_INVALID_JSON,
               "request_json: invalid JSON: ", NULL); /* the escaped quote leaves the string open */
    }

    /* Lone surrogates: refused as invalid JSON, at every JSON argument. */
    {
        static const char *const lone[] = {
            "\\ud800", "\\udbff", "\\udc00", "\\udfff", "\\ud800\\u0041", "\\ud800\\ud800", "\\ud800x", "\\ud800\\n",
            "\\udc00\\ud800", "\\uDFFF\\uD800",
        };
        for (int k = 0; k < (int)(sizeof lone / sizeof lone[0]); k++) {
            snprintf(doc, sizeof doc, "{\"name\":\"a%s\",\"status\":\"offline\"}", lone[k]);
            EXPECT(C_ESCAPE, T_CREATE, doc, LCBOT_ERR_INVALID_JSON, "request_json: invalid JSON: ", "hex escape at line 1 column");
        }
        for (int t = 0; t < N_JSON_TARGETS; t++) {
            if (t == T_CREATE) continue;
            snprintf(needle, sizeof needle, "%s: invalid JSON: ", ARG_NAME[t]);
            EXPECT(C_ESCAPE, (enum target)t, "{\"k\":\"\\ud800\"}", LCBOT_ERR_INVALID_JSON, needle, "hex escape");
            EXPECT(C_ESCAPE, (enum target)t, "{\"\\udc00\":1}", LCBOT_ERR_INVALID_JSON, needle, "hex escape");
        }
    }

    /* Valid JSON that must be parsed, then refused for the field's rule:
     * an escaped NUL, other escaped controls, a surrogate pair, DEL, C1. */
    EXPECT(C_ESCAPE, T_CREATE, "{\"name\":\"a\\u0000b\",\"status\":\"busy\"}", LCBOT_ERR_VALIDATION,
           "status: expected one of accepting chats, not accepting chats, offline; got \"busy\"", NULL);
    EXPECT(C_ESCAPE, T_CREATE, "{\"name\":\"B\",\"status\":\"offline\\u0000\"}", LCBOT_ERR_VALIDATION,
           "status: expected one of accepting chats, not accepting chats, offline; got \"offline\\u0000\"", NULL);
    EXPECT(C_ESCAPE, T_CREATE, "{\"name\":\"B\",\"status\":\"\\u0000\\u001f\\b\\f\"}", LCBOT_ERR_VALIDATION,
           "status: expected one of accepting chats", NULL);
    EXPECT(C_ESCAPE, T_CREATE, "{\"name\":\"B\",\"status\":\"\\ud83e\\udd16\"}", LCBOT_ERR_VALIDATION,
           "status: expected one of accepting chats, not accepting chats, offline; got \"\xf0\x9f\xa4\x96\"", NULL);
    EXPECT(C_ESCAPE, T_CREATE, "{\"name\":\"B\",\"status\":\"offline\x7f\"}", LCBOT_ERR_VALIDATION,
           "status: expected one of accepting chats", NULL);
    EXPECT(C_ESCAPE, T_CREATE, "{\"name\":\"B\",\"status\":\"offline\xc2\x85\"}", LCBOT_ERR_VALIDATION,
           "status: expected one of accepting chats", NULL);
    EXPECT(C_ESCAPE, T_UPDATE, "{\"id\":\"" SEED_ID "\",\"default_group_priority\":\"first\\u0000\"}", LCBOT_ERR_VALIDATION,
           "default_group_priority: expected one of first, normal, last, supervisor; got \"first\\u0000\"", NULL);
    EXPECT(C_ESCAPE, T_LIST, "{\"all\":\"\\u0000\"}", LCBOT_ERR_VALIDATION, "all: expected true or false; got \"\\u0000\"", NULL);
    EXPECT(C_ESCAPE, T_REMOVE, "{\"bot_agent_id\":\"x\",\"\\u0000\":1}", LCBOT_ERR_VALIDATION, "unknown field; expected one of bot_agent_id", NULL);
    EXPECT(C_ESCAPE, T_DETAILS, "{\"bot_agent_id\":\"\\u0000\",\"all\":1}", LCBOT_ERR_VALIDATION, "all: unknown field", NULL);
    /* lcbot_call parses the payload before it checks the name: a bad name
     * proves the payload with a NUL parsed, and nothing is sent. */
    hostile.call_action = "bad name";
    EXPECT(C_ESCAPE, T_PAYLOAD, "{\"a\":\"\\u0000\"}", LCBOT_ERR_VALIDATION, "lowercase letters", NULL);
    hostile.call_action = "create_bot_agent";
    EXPECT(C_ESCAPE, T_CONFIG, "{\"token\":\"t\\u0000x\"}", LCBOT_ERR_VALIDATION, "token: contains a character not allowed", NULL);
    EXPECT(C_ESCAPE, T_CONFIG, "{\"token\":\"t\",\"user_agent\":\"a\\u0000\"}", LCBOT_ERR_VALIDATION,
           "user_agent: must be non-empty printable ASCII", NULL);
    EXPECT(C_ESCAPE, T_CONFIG, "{\"token\":\"t\",\"api_version\":\"3.0\\u0000\"}", LCBOT_ERR_VALIDATION,
           "api_version: expected one of 3.0", NULL);
    EXPECT(C_ESCAPE, T_CONFIG, "{\"token\":\"t\",\"base_url\":\"https://exa\\u0000mple.com\"}", LCBOT_ERR_VALIDATION,
           "base_url: not a valid URL", NULL);
    EXPECT(C_ESCAPE, T_CONFIG, "{\"token\":\"t\",\"region\":\"dal\\u0000\"}", LCBOT_ERR_VALIDATION, "region: expected one of dal, fra", NULL);
    EXPECT(C_ESCAPE, T_EMU, "{\"bots\":[{\"name\":\"a\\u0000\",\"status\":\"busy\"}]}", LCBOT_ERR_VALIDATION,
           "config_json.bots[0].status: expected one of", NULL);
    EXPECT(C_ESCAPE, T_FAULT, "{\"message\":\"\\u0000\"}", LCBOT_ERR_VALIDATION,
           "fault_json: a fault needs at least one of status, delay_ms, drop_connection", NULL);
    /* The error document of a secret never shows it, NUL or not. */
    {
        char *out = NULL;
        lcbot_client *c = NULL;
        tried[C_ESCAPE]++;
        tried_by_target[T_CONFIG]++;
        int32_t st = lcbot_client_new("{\"token\":\"s3cret\\u0000value\"}", &c, &out);
        CHECK_ERROR(st, out, LCBOT_ERR_VALIDATION, "validation", "token: contains a character not allowed in an HTTP header", 0);
        CHECK(c == NULL);
        CHECK_LACKS(out, "s3cret");
        lcbot_string_free(out);
        lcbot_client_free(c);
    }
}

/* An escaped NUL is valid JSON: accepted, sent, and given back intact (the
 * documents are JSON text, so the NUL stays escaped and never cuts a C
 * string). On the second emulator: the first must see nothing. */
static void test_nul_round_trip(void) {
    char *out = NULL, id[128] = "", request[256];
    int32_t st = lcbot_create_bot_agent(accepting.client, "{\"name\":\"a\\u0000b\\u001f\",\"status\":\"offline\"}", NULL, &out);
    tried[C_ESCAPE]++;
    tried_by_target[T_CREATE]++;
    CHECK_INT(st, LCBOT_OK);
    CHECK(out && json_str(out, "bot_agent_id", id, sizeof id) && id[0]);
    lcbot_string_free(out);
    snprintf(request, sizeof request, "{\"bot_agent_id\":\"%s\"}", id);
    out = NULL;
    CHECK_INT(lcbot_get_bot_agent_details(accepting.client, request, NULL, &out), LCBOT_OK);
    CHECK_HAS(out, "\"name\":\"a\\u0000b\\u001f\"");
    CHECK(ends_with(out, "}"));
    lcbot_string_free(out);
}

/* ---- invalid UTF-8 ----------------------------------------------------- */

static const struct {
    const char *bytes;
    const char *what;
} BAD_UTF8[] = {
    {"\xc0\xaf", "overlong 2-byte '/'"},
    {"\xc1\xbf", "overlong 2-byte (C1 lead)"},
    {"\xe0\x80\xaf", "overlong 3-byte '/'"},
    {"\xe0\x9f\xbf", "overlong 3-byte U+07FF"},
    {"\xf0\x80\x80\xaf", "overlong 4-byte '/'"},
    {"\xf0\x8f\xbf\xbf", "overlong 4-byte U+FFFF"},
    {"\xc3", "truncated 2-byte"},
    {"\xe2\x82", "truncated 3-byte"},
    {"\xe2", "truncated 3-byte (lead only)"},
    {"\xf0\x9f\xa4", "truncated 4-byte"},
    {"\xc3\x28", "bad continuation byte"},
    {"\xe2\x28\xa1", "bad second byte of 3"},
    {"\xff", "0xFF"},
    {"\xfe", "0xFE"},
    {"\xfe\xff", "UTF-16 BOM"},
    {"\x80", "lone continuation 0x80"},
    {"\xbf", "lone continuation 0xBF"},
    {"\xed\xa0\x80", "UTF-16 high surrogate U+D800 in UTF-8"},
    {"\xed\xbf\xbf", "UTF-16 low surrogate U+DFFF in UTF-8"},
    {"\xed\xa0\xbd\xed\xb2\xa9", "surrogate pair in UTF-8 (CESU-8)"},
    {"\xf4\x90\x80\x80", "above U+10FFFF"},
    {"\xf5\x80\x80\x80", "0xF5 lead"},
    {"\xf8\x88\x80\x80\x80", "5-byte form"},
    {"\xfc\x84\x80\x80\x80\x80", "6-byte form"},
};
#define N_BAD_UTF8 ((int)(sizeof BAD_UTF8 / sizeof BAD_UTF8[0]))

/* A string position in a valid input of each argument: head + bad + tail. */
static const struct {
    const char *head, *tail;
} UTF8_SPOT[N_TARGETS] = {
    [T_CONFIG] = {"{\"token\":\"", "\"}"},
    [T_CREATE] = {"{\"name\":\"", "\",\"status\":\"offline\"}"},
    [T_REMOVE] = {"{\"bot_agent_id\":\"", "\"}"},
    [T_UPDATE] = {"{\"id\":\"" SEED_ID "\",\"name\":\"", "\"}"},
    [T_LIST] = {"{\"", "\":true}"}, /* in a key */
    [T_DETAILS] = {"{\"bot_agent_id\":\"", "\"}"},
    [T_PAYLOAD] = {"{\"name\":\"", "\",\"status\":\"offline\"}"},
    [T_EMU] = {"{\"tokens\":[{\"token\":\"t\",\"client_id\":\"", "\",\"scopes\":[]}]}"},
    [T_FAULT] = {"{\"status\":503,\"message\":\"", "\"}"},
    [T_ACTION] = {"get_", "_agents"},
};

static void expect_utf8(enum target t, const char *input, size_t offset, int line) {
    char needle[128], raw[64];
    snprintf(needle, sizeof needle, "%s: invalid UTF-8 at byte %zu", ARG_NAME[t], offset);
    snprintf(raw, sizeof raw, "at byte %zu\"", offset);
    expect_at(C_UTF8, t, input, LCBOT_ERR_INVALID_UTF8, needle, raw, __FILE__, line);
}

static void test_utf8(void) {
    char doc[512];
    for (int t = 0; t < N_TARGETS; t++) {
        const char *head = UTF8_SPOT[t].head, *tail = UTF8_SPOT[t].tail;
        for (int k = 0; k < N_BAD_UTF8; k++) {
            snprintf(doc, sizeof doc, "%s%s%s", head, BAD_UTF8[k].bytes, tail);
            expect_utf8((enum target)t, doc, strlen(head), __LINE__);
        }
        /* At the first byte, and after the end of an otherwise valid document. */
        snprintf(doc, sizeof doc, "\xed\xa0\x80%s%s", head, tail);
        expect_utf8((enum target)t, doc, 0, __LINE__);
        snprintf(doc, sizeof doc, "%s\xc3\xa9%s\xc0\xaf", head, tail);
        expect_utf8((enum target)t, doc, strlen(head) + 2 + strlen(tail), __LINE__);
        /* Valid multibyte characters before the bad byte count as bytes. */
        snprintf(doc, sizeof doc, "%s\xf0\x9f\xa4\x96\xc3\xa9\xe2\x82\xac\xff%s", head, tail);
        expect_utf8((enum target)t, doc, strlen(head) + 9, __LINE__);
    }
    /* lcbot_call: a bad action is reported before a bad payload. */
    {
        char *out = NULL;
        int32_t st = lcbot_call(hostile.client, "get\xff", "{\"a\":\xff}", NULL, &out);
        tried[C_UTF8]++;
        tried_by_target[T_ACTION]++;
        CHECK_ERROR(st, out, LCBOT_ERR_INVALID_UTF8, "invalid_utf8", "action: invalid UTF-8 at byte 3", 0);
        lcbot_string_free(out);
    }
}

/* ------------------------------------------------------------------------ */

static lcbot_emulator *start_emulator(const char *config) {
    lcbot_emulator *e = NULL;
    char *err = NULL;
    CHECK_INT(lcbot_emulator_start(config, &e, &err), LCBOT_OK);
    CHECK_DOC(err == NULL, err);
    lcbot_string_free(err);
    return e;
}

static lcbot_client *client_for(const lcbot_emulator *e) {
    char config[256];
    lcbot_client *c = NULL;
    char *err = NULL;
    snprintf(config, sizeof config, "{\"token\":\"dev-token\",\"base_url\":\"%s\",\"retry\":{\"max_attempts\":1}}",
             lcbot_emulator_url(e));
    CHECK_INT(lcbot_client_new(config, &c, &err), LCBOT_OK);
    CHECK_DOC(err == NULL, err);
    lcbot_string_free(err);
    return c;
}

int main(void) {
    int total = 0;

    hostile.emulator = start_emulator(NULL);
    accepting.emulator = start_emulator("{\"bots\":[{\"id\":\"" SEED_ID "\",\"name\":\"Seed\",\"status\":\"offline\"}]}");
    if (!hostile.emulator || !accepting.emulator) return check_finish();
    hostile.client = client_for(hostile.emulator);
    accepting.client = client_for(accepting.emulator);
    hostile.call_action = accepting.call_action = "create_bot_agent";
    if (!hostile.client || !accepting.client) return check_finish();

    check_full_documents();
    test_truncations();
    test_malformed();
    test_deep();
    test_huge();
    test_numbers();
    test_types();
    test_duplicates();
    test_escapes();
    test_utf8();
    test_nul_round_trip();

    /* Nothing hostile reached the emulator, and no refused fault was queued:
     * the next fault is the first. */
    CHECK_INT(logged_requests(hostile.emulator), 0);
    {
        char *out = NULL;
        CHECK_INT(lcbot_emulator_inject(hostile.emulator, "{\"action\":\"never_called\",\"status\":503}", &out), LCBOT_OK);
        CHECK_HAS(out, "{\"pending_faults\":1}");
        lcbot_string_free(out);
    }

    printf("hostile inputs by category:\n");
    for (int c = 0; c < N_CATEGORIES; c++) {
        printf("  %-58s %5d\n", CATEGORY_NAME[c], tried[c]);
        total += tried[c];
    }
    printf("hostile inputs by function:\n");
    for (int t = 0; t < N_TARGETS; t++) printf("  %-58s %5d\n", FN_NAME[t], tried_by_target[t]);
    printf("wrong types: %d field/type pairs, %d already in test_validation.c/test_abi.c, %d added here\n", types_total,
           types_covered, types_total - types_covered);
    printf("requests that reached the emulator: %d\n", logged_requests(hostile.emulator));
    printf("hostile inputs tried: %d\n", total);

    lcbot_client_free(hostile.client);
    lcbot_client_free(accepting.client);
    lcbot_emulator_stop(hostile.emulator);
    lcbot_emulator_stop(accepting.emulator);
    return check_finish();
}
