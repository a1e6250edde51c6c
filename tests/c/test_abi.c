/*
 * test_abi.c: the C ABI's contract, function by function.
 *
 * - lcbot_version / lcbot_abi_version, and the status codes' numbers;
 * - NULL at every pointer argument of every function (LCBOT_ERR_NULL_ARGUMENT,
 *   out-parameters cleared on entry, an error document wherever there is
 *   somewhere to put one, nothing done when `out` itself is NULL);
 * - invalid UTF-8 at every string argument (LCBOT_ERR_INVALID_UTF8);
 * - malformed JSON at every JSON argument (LCBOT_ERR_INVALID_JSON);
 * - the no-op frees and lcbot_emulator_url(NULL);
 * - client config, emulator config and fault validation (LCBOT_ERR_VALIDATION);
 * - a panic inside a call (the library's test hook, LIVECHAT_BOTS_TEST_HOOKS=1)
 *   comes back as LCBOT_ERR_PANIC and the client goes on working;
 * - that nothing reached the emulator through any of the refused calls.
 *
 * Every out-parameter is pre-filled with a dummy pointer, so a function that
 * forgets to clear it is caught.
 */
#define _POSIX_C_SOURCE 200809L /* setenv */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "livechat_bots.h"
#include "check.h"

/* A pointer that is not NULL and not a document: what "unset" looks like. */
static char dummy_byte;
#define DUMMY ((char *)&dummy_byte)

typedef lcbot_status (*action_fn)(const lcbot_client *, const char *, const lcbot_call_options *, char **);

static const struct {
    const char *name;
    action_fn fn;
    const char *valid_request;
} ACTIONS[5] = {
    {"create_bot_agent", lcbot_create_bot_agent, "{\"name\":\"A\",\"status\":\"offline\"}"},
    {"remove_bot_agent", lcbot_remove_bot_agent, "{\"bot_agent_id\":\"0123456789abcdef0123456789abcdef\"}"},
    {"update_bot_agent", lcbot_update_bot_agent, "{\"id\":\"0123456789abcdef0123456789abcdef\"}"},
    {"get_bot_agents", lcbot_get_bot_agents, "{}"},
    {"get_bot_agent_details", lcbot_get_bot_agent_details, "{\"bot_agent_id\":\"0123456789abcdef0123456789abcdef\"}"},
};

/* ------------------------------------------------------------------------ */

static void test_versions(void) {
    const char *v = lcbot_version();
    CHECK(v != NULL);
    if (v) {
        int major = -1, minor = -1, patch = -1;
        CHECK(strlen(v) > 0);
        CHECK(sscanf(v, "%d.%d.%d", &major, &minor, &patch) == 3);
        CHECK(major >= 0 && minor >= 0 && patch >= 0);
        CHECK(lcbot_version() == v); /* static: the same pointer every time */
    }
    CHECK_INT(lcbot_abi_version(), LCBOT_ABI_VERSION);
    CHECK_INT(LCBOT_ABI_VERSION, 2);
    /* The codes are part of the ABI: never renumbered. */
    CHECK_INT(LCBOT_OK, 0);
    CHECK_INT(LCBOT_ERR_NULL_ARGUMENT, 1);
    CHECK_INT(LCBOT_ERR_INVALID_UTF8, 2);
    CHECK_INT(LCBOT_ERR_INVALID_JSON, 3);
    CHECK_INT(LCBOT_ERR_VALIDATION, 4);
    CHECK_INT(LCBOT_ERR_TRANSPORT, 5);
    CHECK_INT(LCBOT_ERR_TIMEOUT, 6);
    CHECK_INT(LCBOT_ERR_API, 7);
    CHECK_INT(LCBOT_ERR_DECODE, 8);
    CHECK_INT(LCBOT_ERR_PANIC, 9);
#if !defined(LCBOT_HAS_EMULATOR)
    CHECK(!"LCBOT_HAS_EMULATOR is not defined by the header");
#endif
}

/* The error document of a NULL argument: code, status, message, nulls, 0 attempts. */
static void check_null_doc(int32_t st, char *doc, const char *arg, int line) {
    char needle[128];
    snprintf(needle, sizeof needle, "%s: must not be NULL", arg);
    check_error(st, doc, LCBOT_ERR_NULL_ARGUMENT, "null_argument", needle, 0, __FILE__, line);
    check_record(doc && strstr(doc, "\"http_status\":null") && strstr(doc, "\"api_error\":null") &&
                     !strstr(doc, "\"outcome\""),
                 __FILE__, line, "null_argument document: http_status null, api_error null, no outcome", doc);
    lcbot_string_free(doc);
}
#define CHECK_NULL_DOC(st, doc, arg) check_null_doc((st), (doc), (arg), __LINE__)

static void test_null_client_new(void) {
    const char *config = "{\"token\":\"t\"}";
    lcbot_client *client;
    char *err;
    int32_t st;

    client = (lcbot_client *)DUMMY;
    err = DUMMY;
    st = lcbot_client_new(NULL, &client, &err);
    CHECK(client == NULL);
    CHECK_NULL_DOC(st, err, "config_json");

    err = DUMMY;
    st = lcbot_client_new(config, NULL, &err);
    CHECK_NULL_DOC(st, err, "client_out");

    /* error_out NULL: nothing to report into, so nothing is created. */
    client = (lcbot_client *)DUMMY;
    CHECK_INT(lcbot_client_new(config, &client, NULL), LCBOT_ERR_NULL_ARGUMENT);
    CHECK(client == NULL);

    client = (lcbot_client *)DUMMY;
    CHECK_INT(lcbot_client_new(NULL, &client, NULL), LCBOT_ERR_NULL_ARGUMENT);
    CHECK(client == NULL);
    CHECK_INT(lcbot_client_new(config, NULL, NULL), LCBOT_ERR_NULL_ARGUMENT);
    CHECK_INT(lcbot_client_new(NULL, NULL, NULL), LCBOT_ERR_NULL_ARGUMENT);

    err = DUMMY;
    st = lcbot_client_new(NULL, NULL, &err);
    CHECK(st == LCBOT_ERR_NULL_ARGUMENT && err != DUMMY && err != NULL);
    CHECK_HAS(err == DUMMY ? NULL : err, "\"code\":\"null_argument\"");
    lcbot_string_free(err == DUMMY ? NULL : err);
}

static void test_null_actions(const lcbot_client *client) {
    char *out;
    int32_t st;
    for (int i = 0; i < 5; i++) {
        action_fn fn = ACTIONS[i].fn;
        const char *req = ACTIONS[i].valid_request;

        out = DUMMY;
        st = fn(NULL, req, NULL, &out);
        CHECK_NULL_DOC(st, out, "client");

        out = DUMMY;
        st = fn(client, NULL, NULL, &out);
        CHECK_NULL_DOC(st, out, "request_json");

        out = DUMMY;
        st = fn(NULL, NULL, NULL, &out);
        CHECK_NULL_DOC(st, out, "client");

        /* out NULL: the call is refused before anything is done or sent. */
        CHECK_INT(fn(client, req, NULL, NULL), LCBOT_ERR_NULL_ARGUMENT);
        CHECK_INT(fn(NULL, req, NULL, NULL), LCBOT_ERR_NULL_ARGUMENT);
        CHECK_INT(fn(client, NULL, NULL, NULL), LCBOT_ERR_NULL_ARGUMENT);
        CHECK_INT(fn(NULL, NULL, NULL, NULL), LCBOT_ERR_NULL_ARGUMENT);
    }

    out = DUMMY;
    st = lcbot_call(NULL, "get_bot_agents", "{}", NULL, &out);
    CHECK_NULL_DOC(st, out, "client");
    out = DUMMY;
    st = lcbot_call(client, NULL, "{}", NULL, &out);
    CHECK_NULL_DOC(st, out, "action");
    out = DUMMY;
    st = lcbot_call(client, "get_bot_agents", NULL, NULL, &out);
    CHECK_NULL_DOC(st, out, "payload_json");
    out = DUMMY;
    st = lcbot_call(NULL, NULL, NULL, NULL, &out);
    CHECK_NULL_DOC(st, out, "client");
    CHECK_INT(lcbot_call(client, "get_bot_agents", "{}", NULL, NULL), LCBOT_ERR_NULL_ARGUMENT);
    CHECK_INT(lcbot_call(NULL, NULL, NULL, NULL, NULL), LCBOT_ERR_NULL_ARGUMENT);
}

static void test_null_emulator(const lcbot_emulator *emulator) {
    lcbot_emulator *e;
    char *out;
    int32_t st;

    e = (lcbot_emulator *)DUMMY;
    out = DUMMY;
    st = lcbot_emulator_start("{}", NULL, &out);
    CHECK_NULL_DOC(st, out, "emulator_out");

    /* error_out NULL: refused, and no emulator is left running. */
    e = (lcbot_emulator *)DUMMY;
    CHECK_INT(lcbot_emulator_start(NULL, &e, NULL), LCBOT_ERR_NULL_ARGUMENT);
    CHECK(e == NULL);
    e = (lcbot_emulator *)DUMMY;
    CHECK_INT(lcbot_emulator_start("{}", &e, NULL), LCBOT_ERR_NULL_ARGUMENT);
    CHECK(e == NULL);
    CHECK_INT(lcbot_emulator_start(NULL, NULL, NULL), LCBOT_ERR_NULL_ARGUMENT);

    out = DUMMY;
    st = lcbot_emulator_inject(NULL, "{\"status\":503}", &out);
    CHECK_NULL_DOC(st, out, "emulator");
    out = DUMMY;
    st = lcbot_emulator_inject(emulator, NULL, &out);
    CHECK_NULL_DOC(st, out, "fault_json");
    CHECK_INT(lcbot_emulator_inject(emulator, "{\"status\":503}", NULL), LCBOT_ERR_NULL_ARGUMENT);
    CHECK_INT(lcbot_emulator_inject(NULL, NULL, NULL), LCBOT_ERR_NULL_ARGUMENT);

    out = DUMMY;
    st = lcbot_emulator_requests(NULL, &out);
    CHECK_NULL_DOC(st, out, "emulator");
    CHECK_INT(lcbot_emulator_requests(emulator, NULL), LCBOT_ERR_NULL_ARGUMENT);
    CHECK_INT(lcbot_emulator_requests(NULL, NULL), LCBOT_ERR_NULL_ARGUMENT);

    out = DUMMY;
    st = lcbot_emulator_ca_pem(NULL, &out);
    CHECK_NULL_DOC(st, out, "emulator");
    CHECK_INT(lcbot_emulator_ca_pem(emulator, NULL), LCBOT_ERR_NULL_ARGUMENT);
    /* A plain emulator has no CA: LCBOT_OK and NULL. */
    out = DUMMY;
    CHECK_INT(lcbot_emulator_ca_pem(emulator, &out), LCBOT_OK);
    CHECK(out == NULL);

    /* The refused injections above queued nothing: the next one is the first. */
    out = DUMMY;
    st = lcbot_emulator_inject(emulator, "{\"action\":\"never_called\",\"status\":503}", &out);
    CHECK_INT(st, LCBOT_OK);
    CHECK_HAS(out, "{\"pending_faults\":1}");
    lcbot_string_free(out);

    CHECK(lcbot_emulator_url(NULL) == NULL);
    lcbot_string_free(NULL);
    lcbot_client_free(NULL);
    lcbot_emulator_stop(NULL);
    CHECK(1); /* the three frees of NULL above returned */
}

/* ---- invalid UTF-8 ---------------------------------------------------- */

static const char *const BAD_UTF8[] = {
    "\xff\xfe",                                  /* never valid bytes */
    "{\"name\":\"\xc3\x28\",\"status\":\"offline\"}", /* bad continuation byte */
    "\xc0\xaf",                                  /* overlong encoding of '/' */
    "{\"a\":\"\xed\xa0\x80\"}",                  /* UTF-16 surrogate half */
    "{\"a\":\"\xe2\x82\"}",                      /* truncated sequence */
    "{\"a\":\"\xf4\x90\x80\x80\"}",              /* above U+10FFFF */
};
#define N_BAD_UTF8 ((int)(sizeof BAD_UTF8 / sizeof BAD_UTF8[0]))

static void check_utf8_doc(int32_t st, char *doc, const char *arg, int line) {
    char needle[128];
    snprintf(needle, sizeof needle, "%s: invalid UTF-8", arg);
    check_error(st, doc, LCBOT_ERR_INVALID_UTF8, "invalid_utf8", needle, 0, __FILE__, line);
    lcbot_string_free(doc);
}
#define CHECK_UTF8_DOC(st, doc, arg) check_utf8_doc((st), (doc), (arg), __LINE__)

static void test_invalid_utf8(const lcbot_client *client, const lcbot_emulator *emulator) {
    for (int k = 0; k < N_BAD_UTF8; k++) {
        const char *bad = BAD_UTF8[k];
        char *out;
        int32_t st;
        lcbot_client *c = (lcbot_client *)DUMMY;
        lcbot_emulator *e = (lcbot_emulator *)DUMMY;

        out = DUMMY;
        st = lcbot_client_new(bad, &c, &out);
        CHECK(c == NULL);
        CHECK_UTF8_DOC(st, out, "config_json");

        for (int i = 0; i < 5; i++) {
            out = DUMMY;
            st = ACTIONS[i].fn(client, bad, NULL, &out);
            CHECK_UTF8_DOC(st, out, "request_json");
        }

        out = DUMMY;
        st = lcbot_call(client, bad, "{}", NULL, &out);
        CHECK_UTF8_DOC(st, out, "action");
        out = DUMMY;
        st = lcbot_call(client, "get_bot_agents", bad, NULL, &out);
        CHECK_UTF8_DOC(st, out, "payload_json");

        out = DUMMY;
        st = lcbot_emulator_start(bad, &e, &out);
        CHECK(e == NULL);
        CHECK_UTF8_DOC(st, out, "config_json");

        out = DUMMY;
        st = lcbot_emulator_inject(emulator, bad, &out);
        CHECK_UTF8_DOC(st, out, "fault_json");
    }
    /* The byte offset of the first bad byte is reported. */
    {
        char *out = DUMMY;
        int32_t st = lcbot_get_bot_agents(client, "{\"all\":\xff}", NULL, &out);
        CHECK_ERROR(st, out, LCBOT_ERR_INVALID_UTF8, "invalid_utf8", "request_json: invalid UTF-8 at byte 7", 0);
        lcbot_string_free(out);
    }
}

/* ---- invalid JSON ----------------------------------------------------- */

static const char *const BAD_JSON[] = {
    "",                           /* empty */
    "{",                          /* truncated */
    "{\"name\":",                 /* truncated after a key */
    "{\"name\":\"Bot\",\"status\":\"offl", /* truncated inside a string */
    "{\"a\":1,}",                 /* trailing comma */
    "{'a':1}",                    /* single quotes */
    "{} {}",                      /* trailing data */
    "{\"a\":1} x",                /* trailing garbage */
    "nul",                        /* bad literal */
    "{\"a\":NaN}",                /* not JSON numbers */
    "{\"a\":01}",                 /* leading zero */
    "{\"a\":\"x\" \"b\":1}",      /* missing comma */
    "{\"a\":\"tab\there\"}",      /* raw control character in a string */
    "{\"a\":1,\"a\":2}",          /* duplicate key */
    "{\"a\":{\"b\":1,\"b\":1}}",  /* duplicate key, nested */
    "/* c */ {}",                 /* comments are not JSON */
};
#define N_BAD_JSON ((int)(sizeof BAD_JSON / sizeof BAD_JSON[0]))

static void check_json_doc(int32_t st, char *doc, const char *arg, int line) {
    char needle[128];
    snprintf(needle, sizeof needle, "%s: invalid JSON", arg);
    check_error(st, doc, LCBOT_ERR_INVALID_JSON, "invalid_json", needle, 0, __FILE__, line);
    lcbot_string_free(doc);
}
#define CHECK_JSON_DOC(st, doc, arg) check_json_doc((st), (doc), (arg), __LINE__)

static void test_invalid_json(const lcbot_client *client, const lcbot_emulator *emulator) {
    char deep[400];
    /* 150 levels of nesting: over the parser's limit (127 levels parse). */
    memset(deep, '[', 150);
    memset(deep + 150, ']', 150);
    deep[300] = '\0';

    for (int k = 0; k <= N_BAD_JSON; k++) {
        const char *bad = k < N_BAD_JSON ? BAD_JSON[k] : deep;
        char *out;
        int32_t st;
        lcbot_client *c = (lcbot_client *)DUMMY;
        lcbot_emulator *e = (lcbot_emulator *)DUMMY;

        out = DUMMY;
        st = lcbot_client_new(bad, &c, &out);
        CHECK(c == NULL);
        CHECK_JSON_DOC(st, out, "config_json");

        for (int i = 0; i < 5; i++) {
            out = DUMMY;
            st = ACTIONS[i].fn(client, bad, NULL, &out);
            CHECK_JSON_DOC(st, out, "request_json");
        }
        out = DUMMY;
        st = lcbot_call(client, "get_bot_agents", bad, NULL, &out);
        CHECK_JSON_DOC(st, out, "payload_json");

        /* Every bad document, the empty one included, is refused (only NULL
           and "{}" give the default config). */
        {
            out = DUMMY;
            st = lcbot_emulator_start(bad, &e, &out);
            CHECK(e == NULL);
            CHECK_JSON_DOC(st, out, "config_json");
        }

        out = DUMMY;
        st = lcbot_emulator_inject(emulator, bad, &out);
        CHECK_JSON_DOC(st, out, "fault_json");
    }
    {
        char *out = DUMMY;
        int32_t st = lcbot_get_bot_agents(client, "{\"all\":true,\"all\":false}", NULL, &out);
        CHECK_ERROR(st, out, LCBOT_ERR_INVALID_JSON, "invalid_json", "duplicate key \"all\"", 0);
        lcbot_string_free(out);
    }
}

/* ---- config validation ----------------------------------------------- */

struct config_case {
    const char *config;
    int status;          /* LCBOT_OK or LCBOT_ERR_VALIDATION */
    const char *needle;  /* in the message, for errors */
    const char *secret;  /* must not appear in the error document */
};

static const struct config_case CONFIGS[] = {
    /* token */
    {"{}", LCBOT_ERR_VALIDATION, "token: required field is missing", NULL},
    {"{\"token\":\"\"}", LCBOT_ERR_VALIDATION, "token: must not be empty", NULL},
    {"{\"token\":5}", LCBOT_ERR_VALIDATION, "token: expected a string", NULL},
    {"{\"token\":null}", LCBOT_ERR_VALIDATION, "token: expected a string", NULL},
    {"{\"token\":[\"hunter2secret\"]}", LCBOT_ERR_VALIDATION, "token: expected a string", "hunter2secret"},
    {"{\"token\":\"sec\\nret-value\"}", LCBOT_ERR_VALIDATION, "token: contains a character not allowed", "ret-value"},
    {"{\"token\":\"t\"}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"fra:abc\"}", LCBOT_OK, NULL, NULL},
    /* the document itself */
    {"[]", LCBOT_ERR_VALIDATION, "config_json: expected an object", NULL},
    {"\"dev-token\"", LCBOT_ERR_VALIDATION, "config_json: expected an object", NULL},
    {"null", LCBOT_ERR_VALIDATION, "config_json: expected an object", NULL},
    /* unknown keys */
    {"{\"token\":\"t\",\"tiemout_ms\":5}", LCBOT_ERR_VALIDATION, "config_json.tiemout_ms: unknown field", NULL},
    {"{\"token\":\"t\",\"Token\":\"u\"}", LCBOT_ERR_VALIDATION, "config_json.Token: unknown field", NULL},
    /* token_type */
    {"{\"token\":\"t\",\"token_type\":\"Bearer\"}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"t\",\"token_type\":\"Basic\"}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"t\",\"token_type\":\"Digest\"}", LCBOT_ERR_VALIDATION, "token_type: expected one of Bearer, Basic", NULL},
    {"{\"token\":\"t\",\"token_type\":\"bearer\"}", LCBOT_ERR_VALIDATION, "token_type: expected one of Bearer, Basic", NULL},
    {"{\"token\":\"t\",\"token_type\":null}", LCBOT_ERR_VALIDATION, "token_type", NULL},
    {"{\"token\":{\"account_id\":\"acc\",\"pat\":\"p4ss\"},\"token_type\":\"Basic\"}", LCBOT_OK, NULL, NULL},
    {"{\"token\":{\"account_id\":\"acc\",\"pat\":\"p4ss\"}}", LCBOT_ERR_VALIDATION, "needs token_type \"Basic\"", "p4ss"},
    {"{\"token\":{\"account_id\":\"acc\"},\"token_type\":\"Basic\"}", LCBOT_ERR_VALIDATION, "token.pat: required field is missing", NULL},
    {"{\"token\":{\"account_id\":\"\",\"pat\":\"p4ss\"},\"token_type\":\"Basic\"}", LCBOT_ERR_VALIDATION, "token.account_id: expected a non-empty string", "p4ss"},
    {"{\"token\":{\"account_id\":\"acc\",\"pat\":\"p4ss\",\"x\":1},\"token_type\":\"Basic\"}", LCBOT_ERR_VALIDATION, "token.x: unknown field", "p4ss"},
    /* api_version */
    {"{\"token\":\"t\",\"api_version\":\"3.0\"}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"t\",\"api_version\":\"3.1\"}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"t\",\"api_version\":\"2.0\"}", LCBOT_ERR_VALIDATION, "api_version: expected one of 3.0", NULL},
    {"{\"token\":\"t\",\"api_version\":\"v3.0\"}", LCBOT_ERR_VALIDATION, "api_version: expected one of 3.0", NULL},
    {"{\"token\":\"t\",\"api_version\":\"\"}", LCBOT_ERR_VALIDATION, "api_version", NULL},
    {"{\"token\":\"t\",\"api_version\":3.0}", LCBOT_ERR_VALIDATION, "api_version: expected a string", NULL},
    {"{\"token\":\"t\",\"api_version\":null}", LCBOT_ERR_VALIDATION, "api_version: expected a string", NULL},
    /* base_url: https anywhere, http only to loopback unless allowed */
    {"{\"token\":\"t\",\"base_url\":\"https://api.livechatinc.com\"}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"t\",\"base_url\":\"https://example.com/\"}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"t\",\"base_url\":\"http://127.0.0.1:8080\"}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"t\",\"base_url\":\"http://127.1.2.3:8080\"}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"t\",\"base_url\":\"http://localhost:1/\"}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"t\",\"base_url\":\"http://[::1]:1\"}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"t\",\"base_url\":\"http://example.com\"}", LCBOT_ERR_VALIDATION, "base_url: plain http:// is refused", NULL},
    {"{\"token\":\"t\",\"base_url\":\"http://10.0.0.1\"}", LCBOT_ERR_VALIDATION, "base_url: plain http:// is refused", NULL},
    {"{\"token\":\"t\",\"base_url\":\"http://localhost.example.com\"}", LCBOT_ERR_VALIDATION, "base_url: plain http:// is refused", NULL},
    {"{\"token\":\"t\",\"base_url\":\"http://127.0.0.1.example.com\"}", LCBOT_ERR_VALIDATION, "base_url: plain http:// is refused", NULL},
    {"{\"token\":\"t\",\"base_url\":\"http://example.com\",\"allow_insecure_http\":true}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"t\",\"base_url\":\"http://example.com\",\"allow_insecure_http\":false}", LCBOT_ERR_VALIDATION, "base_url: plain http:// is refused", NULL},
    {"{\"token\":\"t\",\"base_url\":\"ftp://example.com\"}", LCBOT_ERR_VALIDATION, "base_url: expected an http(s) URL", NULL},
    {"{\"token\":\"t\",\"base_url\":\"ftp://example.com\",\"allow_insecure_http\":true}", LCBOT_ERR_VALIDATION, "base_url: expected an http(s) URL", NULL},
    /* ca_pem: PEM certificates or a clear error */
    {"{\"token\":\"t\",\"ca_pem\":\"not a certificate\"}", LCBOT_ERR_VALIDATION, "config_json.ca_pem: no certificate found", NULL},
    {"{\"token\":\"t\",\"ca_pem\":\"-----BEGIN CERTIFICATE-----\\nAAAA\\n-----END CERTIFICATE-----\\n\"}", LCBOT_ERR_VALIDATION, "config_json.ca_pem: certificate 1 cannot be a root", NULL},
    {"{\"token\":\"t\",\"ca_pem\":7}", LCBOT_ERR_VALIDATION, "config_json.ca_pem: expected a string", NULL},
    {"{\"token\":\"t\",\"base_url\":\"https://user:pw0rd@example.com\"}", LCBOT_ERR_VALIDATION, "base_url: must not carry credentials", "pw0rd"},
    {"{\"token\":\"t\",\"base_url\":\"https://example.com/?license_id=1\"}", LCBOT_ERR_VALIDATION, "base_url: must not carry credentials, a query or a fragment", NULL},
    {"{\"token\":\"t\",\"base_url\":\"https://example.com/#x\"}", LCBOT_ERR_VALIDATION, "base_url: must not carry credentials, a query or a fragment", NULL},
    {"{\"token\":\"t\",\"base_url\":\"not a url\"}", LCBOT_ERR_VALIDATION, "base_url: not a valid URL", NULL},
    {"{\"token\":\"t\",\"base_url\":\"\"}", LCBOT_ERR_VALIDATION, "base_url: not a valid URL", NULL},
    {"{\"token\":\"t\",\"base_url\":5}", LCBOT_ERR_VALIDATION, "base_url: expected a string", NULL},
    {"{\"token\":\"t\",\"allow_insecure_http\":\"yes\"}", LCBOT_ERR_VALIDATION, "allow_insecure_http: expected true or false", NULL},
    {"{\"token\":\"t\",\"allow_insecure_http\":null}", LCBOT_ERR_VALIDATION, "allow_insecure_http: expected true or false", NULL},
    /* region */
    {"{\"token\":\"t\",\"region\":\"dal\"}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"t\",\"region\":\"fra\"}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"t\",\"region\":\"ams\"}", LCBOT_ERR_VALIDATION, "region: expected one of dal, fra", NULL},
    {"{\"token\":\"t\",\"region\":\"FRA\"}", LCBOT_ERR_VALIDATION, "region: expected one of dal, fra", NULL},
    {"{\"token\":\"t\",\"region\":null}", LCBOT_ERR_VALIDATION, "region: expected one of dal, fra", NULL},
    /* timeouts */
    {"{\"token\":\"t\",\"timeout_ms\":1}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"t\",\"timeout_ms\":3600000}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"t\",\"timeout_ms\":0}", LCBOT_ERR_VALIDATION, "timeout_ms: expected an integer from 1", NULL},
    {"{\"token\":\"t\",\"timeout_ms\":-5}", LCBOT_ERR_VALIDATION, "timeout_ms: expected an integer from 1", NULL},
    {"{\"token\":\"t\",\"timeout_ms\":3600001}", LCBOT_ERR_VALIDATION, "timeout_ms: expected an integer from 1", NULL},
    {"{\"token\":\"t\",\"timeout_ms\":1.5}", LCBOT_ERR_VALIDATION, "timeout_ms: expected an integer from 1", NULL},
    {"{\"token\":\"t\",\"timeout_ms\":\"300\"}", LCBOT_ERR_VALIDATION, "timeout_ms: expected an integer from 1", NULL},
    {"{\"token\":\"t\",\"timeout_ms\":null}", LCBOT_ERR_VALIDATION, "timeout_ms: expected an integer from 1", NULL},
    {"{\"token\":\"t\",\"connect_timeout_ms\":250}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"t\",\"attempt_timeout_ms\":300}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"t\",\"attempt_timeout_ms\":0}", LCBOT_ERR_VALIDATION, "attempt_timeout_ms: expected an integer from 1", NULL},
    {"{\"token\":\"t\",\"attempt_timeout_ms\":\"300\"}", LCBOT_ERR_VALIDATION, "attempt_timeout_ms: expected an integer from 1", NULL},
    {"{\"token\":\"t\",\"connect_timeout_ms\":0}", LCBOT_ERR_VALIDATION, "connect_timeout_ms: expected an integer from 1", NULL},
    /* user_agent */
    {"{\"token\":\"t\",\"user_agent\":\"my-app/1.0\"}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"t\",\"user_agent\":\"\"}", LCBOT_ERR_VALIDATION, "user_agent: must be non-empty", NULL},
    {"{\"token\":\"t\",\"user_agent\":\"a\\nb\"}", LCBOT_ERR_VALIDATION, "user_agent: must be non-empty", NULL},
    {"{\"token\":\"t\",\"user_agent\":7}", LCBOT_ERR_VALIDATION, "user_agent: expected a string", NULL},
    /* retry */
    {"{\"token\":\"t\",\"retry\":{}}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"t\",\"retry\":{\"max_attempts\":1,\"base_delay_ms\":0,\"max_delay_ms\":0}}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"t\",\"retry\":{\"max_attempts\":10}}", LCBOT_OK, NULL, NULL},
    {"{\"token\":\"t\",\"retry\":{\"max_attempts\":0}}", LCBOT_ERR_VALIDATION, "retry.max_attempts: expected an integer from 1 to 10", NULL},
    {"{\"token\":\"t\",\"retry\":{\"max_attempts\":11}}", LCBOT_ERR_VALIDATION, "retry.max_attempts: expected an integer from 1 to 10", NULL},
    {"{\"token\":\"t\",\"retry\":{\"base_delay_ms\":1000,\"max_delay_ms\":10}}", LCBOT_ERR_VALIDATION, "retry.base_delay_ms: must not exceed retry.max_delay_ms", NULL},
    {"{\"token\":\"t\",\"retry\":{\"base_delay_ms\":-1}}", LCBOT_ERR_VALIDATION, "retry.base_delay_ms: expected an integer", NULL},
    {"{\"token\":\"t\",\"retry\":{\"jitter\":true}}", LCBOT_ERR_VALIDATION, "retry.jitter: unknown field", NULL},
    {"{\"token\":\"t\",\"retry\":3}", LCBOT_ERR_VALIDATION, "retry: expected an object", NULL},
    {"{\"token\":\"t\",\"retry\":null}", LCBOT_ERR_VALIDATION, "retry: expected an object", NULL},
};
#define N_CONFIGS ((int)(sizeof CONFIGS / sizeof CONFIGS[0]))

static void test_client_config(void) {
    for (int i = 0; i < N_CONFIGS; i++) {
        const struct config_case *c = &CONFIGS[i];
        lcbot_client *client = (lcbot_client *)DUMMY;
        char *err = DUMMY;
        int32_t st = lcbot_client_new(c->config, &client, &err);
        char label[600];
        snprintf(label, sizeof label, "config %s", c->config);
        if (c->status == LCBOT_OK) {
            check_record(st == LCBOT_OK && client != NULL && client != (lcbot_client *)DUMMY && err == NULL, __FILE__,
                         __LINE__, label, err == DUMMY ? NULL : err);
            if (st == LCBOT_OK && client != (lcbot_client *)DUMMY) lcbot_client_free(client);
            if (err != DUMMY) lcbot_string_free(err);
        } else {
            if (!check_error(st, err == DUMMY ? NULL : err, c->status, "validation", c->needle, 0, __FILE__, __LINE__))
                fprintf(stderr, "    (%s)\n", label);
            check_record(client == NULL, __FILE__, __LINE__, label, NULL);
            if (c->secret) check_contains(err == DUMMY ? NULL : err, c->secret, 0, __FILE__, __LINE__);
            if (st == LCBOT_OK && client != (lcbot_client *)DUMMY) lcbot_client_free(client);
            if (err != DUMMY) lcbot_string_free(err);
        }
    }
}

/* ---- emulator config and faults ------------------------------------- */

static const struct config_case EMULATOR_CONFIGS[] = {
    {"{}", LCBOT_OK, NULL, NULL},
    {"{\"port\":0,\"log_limit\":5}", LCBOT_OK, NULL, NULL},
    {"{\"tokens\":[{\"token\":\"a\",\"client_id\":\"ca\",\"scopes\":[],\"region\":\"fra\"}]}", LCBOT_OK, NULL, NULL},
    {"{\"bots\":[{\"id\":\"seed\",\"name\":\"S\",\"status\":\"offline\",\"default_group_priority\":\"supervisor\"}]}", LCBOT_OK, NULL, NULL},
    {"{\"faults\":[{\"status\":503,\"times\":2}]}", LCBOT_OK, NULL, NULL},
    {"[]", LCBOT_ERR_VALIDATION, "config_json: expected an object", NULL},
    {"{\"bogus\":1}", LCBOT_ERR_VALIDATION, "config_json.bogus: unknown field", NULL},
    {"{\"tls\":\"yes\"}", LCBOT_ERR_VALIDATION, "config_json.tls: expected true, false or an object", NULL},
    {"{\"tls\":{\"names\":[]}}", LCBOT_ERR_VALIDATION, "config_json.tls.names: must name at least one host", NULL},
    {"{\"port\":70000}", LCBOT_ERR_VALIDATION, "config_json.port: expected an integer from 0 to 65535", NULL},
    {"{\"port\":null}", LCBOT_ERR_VALIDATION, "config_json.port", NULL},
    {"{\"tokens\":{}}", LCBOT_ERR_VALIDATION, "config_json.tokens: expected an array", NULL},
    {"{\"tokens\":[{\"token\":\"t\"}]}", LCBOT_ERR_VALIDATION, "tokens[0].client_id: required field is missing", NULL},
    {"{\"tokens\":[{\"token\":\"\",\"client_id\":\"c\",\"scopes\":[]}]}", LCBOT_ERR_VALIDATION, "tokens[0].token: must not be empty", NULL},
    {"{\"tokens\":[{\"token\":\"t\",\"client_id\":\"c\",\"scopes\":\"all\"}]}", LCBOT_ERR_VALIDATION, "tokens[0].scopes: expected an array", NULL},
    {"{\"tokens\":[{\"token\":\"t\",\"client_id\":\"c\",\"scopes\":[1]}]}", LCBOT_ERR_VALIDATION, "tokens[0].scopes[0]: expected a string", NULL},
    {"{\"tokens\":[{\"token\":\"t\",\"client_id\":\"c\",\"scopes\":[],\"region\":\"ams\"}]}", LCBOT_ERR_VALIDATION, "tokens[0].region: expected one of dal, fra", NULL},
    {"{\"bots\":[{\"status\":\"offline\"}]}", LCBOT_ERR_VALIDATION, "bots[0].name: required field is missing", NULL},
    {"{\"bots\":[{\"name\":\"x\",\"status\":\"offline\",\"groups\":[{\"id\":1,\"priority\":\"supervisor\"}]}]}", LCBOT_ERR_VALIDATION, "groups[0].priority: expected one of first, normal, last", NULL},
    {"{\"faults\":[{\"times\":1}]}", LCBOT_ERR_VALIDATION, "a fault needs at least one of status, delay_ms, drop_connection", NULL},
};
#define N_EMULATOR_CONFIGS ((int)(sizeof EMULATOR_CONFIGS / sizeof EMULATOR_CONFIGS[0]))

static const struct config_case FAULTS[] = {
    {"{\"status\":503}", LCBOT_OK, NULL, NULL},
    {"{\"action\":\"get_bot_agents\",\"times\":2,\"status\":503,\"error_type\":\"internal\",\"message\":\"m\"}", LCBOT_OK, NULL, NULL},
    {"{\"status\":429,\"retry_after_s\":1}", LCBOT_OK, NULL, NULL},
    {"{\"delay_ms\":3000}", LCBOT_OK, NULL, NULL},
    {"{\"drop_connection\":true}", LCBOT_OK, NULL, NULL},
    {"{}", LCBOT_ERR_VALIDATION, "fault_json: a fault needs at least one of status, delay_ms, drop_connection", NULL},
    {"{\"times\":3}", LCBOT_ERR_VALIDATION, "fault_json: a fault needs at least one of", NULL},
    {"{\"drop_connection\":false}", LCBOT_ERR_VALIDATION, "fault_json: a fault needs at least one of", NULL},
    {"[]", LCBOT_ERR_VALIDATION, "fault_json: expected an object", NULL},
    {"{\"status\":200}", LCBOT_ERR_VALIDATION, "fault_json.status: expected an integer from 400 to 599", NULL},
    {"{\"status\":600}", LCBOT_ERR_VALIDATION, "fault_json.status: expected an integer from 400 to 599", NULL},
    {"{\"status\":503,\"times\":0}", LCBOT_ERR_VALIDATION, "fault_json.times: expected an integer from 1", NULL},
    {"{\"status\":503,\"bogus\":1}", LCBOT_ERR_VALIDATION, "fault_json.bogus: unknown field", NULL},
    {"{\"status\":503,\"action\":null}", LCBOT_ERR_VALIDATION, "fault_json.action: expected a string", NULL},
    {"{\"delay_ms\":-1}", LCBOT_ERR_VALIDATION, "fault_json.delay_ms: expected an integer from 0", NULL},
};
#define N_FAULTS ((int)(sizeof FAULTS / sizeof FAULTS[0]))

static void test_emulator_config(void) {
    for (int i = 0; i < N_EMULATOR_CONFIGS; i++) {
        const struct config_case *c = &EMULATOR_CONFIGS[i];
        lcbot_emulator *e = (lcbot_emulator *)DUMMY;
        char *err = DUMMY;
        int32_t st = lcbot_emulator_start(c->config, &e, &err);
        char label[600];
        snprintf(label, sizeof label, "emulator config %s", c->config);
        if (c->status == LCBOT_OK) {
            int ok = st == LCBOT_OK && e != NULL && e != (lcbot_emulator *)DUMMY && err == NULL;
            check_record(ok, __FILE__, __LINE__, label, err == DUMMY ? NULL : err);
            if (ok) {
                const char *url = lcbot_emulator_url(e);
                check_record(url != NULL && strncmp(url, "http://127.0.0.1:", 17) == 0, __FILE__, __LINE__,
                             "emulator url is http://127.0.0.1:<port>", url);
                lcbot_emulator_stop(e);
            }
        } else {
            if (!check_error(st, err == DUMMY ? NULL : err, c->status, "validation", c->needle, 0, __FILE__, __LINE__))
                fprintf(stderr, "    (%s)\n", label);
            check_record(e == NULL, __FILE__, __LINE__, label, NULL);
            if (st == LCBOT_OK && e != (lcbot_emulator *)DUMMY) lcbot_emulator_stop(e);
        }
        if (err != DUMMY) lcbot_string_free(err);
    }
    /* NULL config: the default emulator. */
    {
        lcbot_emulator *e = (lcbot_emulator *)DUMMY;
        char *err = DUMMY;
        CHECK_INT(lcbot_emulator_start(NULL, &e, &err), LCBOT_OK);
        CHECK(e != NULL && e != (lcbot_emulator *)DUMMY);
        CHECK(err == NULL);
        if (e && e != (lcbot_emulator *)DUMMY) lcbot_emulator_stop(e);
        if (err != DUMMY) lcbot_string_free(err);
    }
}

static void test_faults(void) {
    lcbot_emulator *e = NULL;
    char *err = NULL;
    int pending = 0;
    CHECK_INT(lcbot_emulator_start(NULL, &e, &err), LCBOT_OK);
    lcbot_string_free(err);
    if (!e) return;
    for (int i = 0; i < N_FAULTS; i++) {
        const struct config_case *c = &FAULTS[i];
        char *out = DUMMY;
        int32_t st = lcbot_emulator_inject(e, c->config, &out);
        if (c->status == LCBOT_OK) {
            char expected[64];
            snprintf(expected, sizeof expected, "{\"pending_faults\":%d}", ++pending);
            CHECK_INT(st, LCBOT_OK);
            check_record(out != DUMMY && out && strcmp(out, expected) == 0, __FILE__, __LINE__, c->config,
                         out == DUMMY ? NULL : out);
        } else {
            if (!CHECK_ERROR(st, out == DUMMY ? NULL : out, c->status, "validation", c->needle, 0))
                fprintf(stderr, "    (fault %s)\n", c->config);
        }
        if (out != DUMMY) lcbot_string_free(out);
    }
    CHECK_INT(logged_requests(e), 0);
    lcbot_emulator_stop(e);
}

/* ---- document shapes and out-parameters on success ----------------- */

static void test_documents(const lcbot_client *client, const lcbot_emulator *emulator) {
    char *out;
    int32_t st;

    /* A validation error document: every field, in the documented shape. */
    out = DUMMY;
    st = lcbot_create_bot_agent(client, "{\"name\":\"A\"}", NULL, &out);
    CHECK_INT(st, LCBOT_ERR_VALIDATION);
    CHECK(out != DUMMY && out != NULL);
    if (out && out != DUMMY) {
        CHECK_DOC(strcmp(out, "{\"code\":\"validation\",\"status\":4,\"message\":\"status: required field is missing\","
                              "\"http_status\":null,\"api_error\":null,\"attempts\":0}") == 0,
                  out);
        lcbot_string_free(out);
    }

    /* Success: *out replaced by the result document. */
    out = DUMMY;
    st = lcbot_get_bot_agents(client, "{}", NULL, &out);
    CHECK_INT(st, LCBOT_OK);
    CHECK(out != DUMMY && out != NULL);
    if (out && out != DUMMY) {
        CHECK_DOC(strcmp(out, "{\"bot_agents\":[]}") == 0, out);
        lcbot_string_free(out);
    }

    out = DUMMY;
    st = lcbot_emulator_requests(emulator, &out);
    CHECK_INT(st, LCBOT_OK);
    CHECK(out != DUMMY && out != NULL);
    CHECK_HAS(out == DUMMY ? NULL : out, "{\"requests\":[{");
    CHECK_INT(count_of(out == DUMMY ? NULL : out, "\"seq\":"), 1);
    if (out != DUMMY) lcbot_string_free(out);
}

/* ---- a panic inside a call ------------------------------------------ */

static void test_panic(const lcbot_client *client) {
    char *out = DUMMY;
    int32_t st;
    fprintf(stderr, "(test_abi: a Rust panic message from lcbot_test_panic is expected next)\n");
    st = lcbot_call(client, "lcbot_test_panic", "{}", NULL, &out);
    CHECK_ERROR(st, out == DUMMY ? NULL : out, LCBOT_ERR_PANIC, "panic", "requested by a test", 0);
    if (out != DUMMY) lcbot_string_free(out);
    /* the client, and the process, go on */
    for (int i = 0; i < 3; i++) {
        out = DUMMY;
        st = lcbot_get_bot_agents(client, "{\"all\":\"no\"}", NULL, &out);
        CHECK_ERROR(st, out == DUMMY ? NULL : out, LCBOT_ERR_VALIDATION, "validation", "all: expected true or false", 0);
        if (out != DUMMY) lcbot_string_free(out);
    }
    out = DUMMY;
    st = lcbot_call(NULL, "lcbot_test_panic", "{}", NULL, &out);
    CHECK_NULL_DOC(st, out == DUMMY ? NULL : out, "client");
}

/* ---- the refused calls above never reached the emulator ------------- */

int main(void) {
    lcbot_emulator *emulator = NULL;
    lcbot_client *client = NULL;
    char *err = NULL;
    char config[256];

    /* Read once, before the first call: enables the library's panic hook. */
    setenv("LIVECHAT_BOTS_TEST_HOOKS", "1", 1);
    setenv("RUST_BACKTRACE", "0", 1); /* the expected panic: its message, not a backtrace */

    test_versions();
    test_null_client_new();
    test_client_config();
    test_emulator_config();
    test_faults();

    CHECK_INT(lcbot_emulator_start(NULL, &emulator, &err), LCBOT_OK);
    lcbot_string_free(err);
    err = NULL;
    if (!emulator) return check_finish();
    snprintf(config, sizeof config, "{\"token\":\"dev-token\",\"base_url\":\"%s\"}", lcbot_emulator_url(emulator));
    CHECK_INT(lcbot_client_new(config, &client, &err), LCBOT_OK);
    lcbot_string_free(err);
    if (!client) {
        lcbot_emulator_stop(emulator);
        return check_finish();
    }

    test_null_actions(client);
    test_null_emulator(emulator);
    test_invalid_utf8(client, emulator);
    test_invalid_json(client, emulator);
    test_panic(client);
    /* Nothing above was sent: every call was refused at the boundary. */
    CHECK_INT(logged_requests(emulator), 0);

    test_documents(client, emulator);

    lcbot_client_free(client);
    lcbot_emulator_stop(emulator);
    return check_finish();
}
