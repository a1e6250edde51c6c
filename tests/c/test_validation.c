/*
 * test_validation.c: every request rule of the spec (seed/bot-agents-api-v3.0.md)
 * and of API-NOTES.md, checked through the C ABI.
 *
 * Each invalid request must give LCBOT_ERR_VALIDATION, an error document with
 * code "validation", attempts 0, no HTTP status, and a message that names
 * the path of the offending field ("groups[1].priority: ..."). The emulator's
 * request log is read after every call: an invalid request must not have
 * sent anything, a valid one exactly one request.
 *
 * The valid edge cases (max_chats_count 0 and 500, priority last, webhooks
 * with filters and additional_data, default_group_priority supervisor, ...)
 * must pass validation and be sent.
 *
 * The rules run against a v3.0 and a v3.1 client: validation never depends
 * on the version.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "livechat_bots.h"
#include "check.h"

enum action { CREATE, UPDATE, REMOVE, LIST, DETAILS, CALL, N_ACTION_KINDS };
static const char *const ACTION_NAMES[N_ACTION_KINDS] = {
    "create_bot_agent", "update_bot_agent", "remove_bot_agent", "get_bot_agents", "get_bot_agent_details", "lcbot_call",
};

struct rule {
    enum action action;
    const char *request; /* for CALL: the action name */
    const char *payload; /* for CALL only */
    const char *needle;  /* the message must contain this (path first) */
    const char *what;    /* the rule, in words */
};

/* A group / webhook that is valid, to build invalid neighbours around. */
#define OK_GROUP "{\"id\":1,\"priority\":\"first\"}"
#define OK_ACTION "{\"name\":\"incoming_chat_thread\"}"
#define WH(body) "\"webhooks\":" body
#define CREATE_WITH(rest) "{\"name\":\"B\",\"status\":\"offline\"," rest "}"
#define UPDATE_WITH(rest) "{\"id\":\"0123456789abcdef0123456789abcdef\"," rest "}"
#define STATUSES "expected one of accepting chats, not accepting chats, offline"
#define GROUP_PRIOS "expected one of first, normal, last;"
#define DEFAULT_PRIOS "expected one of first, normal, last, supervisor;"
#define MCC "expected an integer from 0 to 500"
#define NAME_RULE "lowercase letters, digits and _"

static const struct rule RULES[] = {
    /* ---- create_bot_agent: the request ---- */
    {CREATE, "[]", NULL, "request: expected an object; got an array", "request must be an object (array)"},
    {CREATE, "null", NULL, "request: expected an object; got null", "request must be an object (null)"},
    {CREATE, "\"Bot\"", NULL, "request: expected an object", "request must be an object (string)"},
    /* name: string, required */
    {CREATE, "{\"status\":\"offline\"}", NULL, "name: required field is missing", "name is required"},
    {CREATE, "{\"name\":\"\",\"status\":\"offline\"}", NULL, "name: must not be empty", "name must not be empty"},
    {CREATE, "{\"name\":5,\"status\":\"offline\"}", NULL, "name: expected a string; got 5", "name is a string (number)"},
    {CREATE, "{\"name\":null,\"status\":\"offline\"}", NULL, "name: expected a string; got null", "name must not be null"},
    {CREATE, "{\"name\":[\"B\"],\"status\":\"offline\"}", NULL, "name: expected a string; got an array", "name is a string (array)"},
    /* status: required, one of three values */
    {CREATE, "{\"name\":\"B\"}", NULL, "status: required field is missing", "status is required"},
    {CREATE, "{\"name\":\"B\",\"status\":\"busy\"}", NULL, "status: " STATUSES "; got \"busy\"", "status: unknown value"},
    {CREATE, "{\"name\":\"B\",\"status\":\"Offline\"}", NULL, "status: " STATUSES, "status values are case-sensitive"},
    {CREATE, "{\"name\":\"B\",\"status\":\"accepting_chats\"}", NULL, "status: " STATUSES, "status: 'accepting chats' has a space"},
    {CREATE, "{\"name\":\"B\",\"status\":\"\"}", NULL, "status: " STATUSES, "status must not be empty"},
    {CREATE, "{\"name\":\"B\",\"status\":null}", NULL, "status: " STATUSES "; got null", "status must not be null"},
    {CREATE, "{\"name\":\"B\",\"status\":true}", NULL, "status: " STATUSES "; got true", "status is a string (bool)"},
    /* avatar: optional string */
    {CREATE, CREATE_WITH("\"avatar\":1"), NULL, "avatar: expected a string; got 1", "avatar is a string (number)"},
    {CREATE, CREATE_WITH("\"avatar\":null"), NULL, "avatar: expected a string; got null", "avatar must not be null"},
    {CREATE, CREATE_WITH("\"avatar\":{}"), NULL, "avatar: expected a string; got an object", "avatar is a string (object)"},
    /* max_chats_count: optional int, 0..500 */
    {CREATE, CREATE_WITH("\"max_chats_count\":-1"), NULL, "max_chats_count: " MCC "; got -1", "max_chats_count not negative"},
    {CREATE, CREATE_WITH("\"max_chats_count\":501"), NULL, "max_chats_count: " MCC "; got 501", "max_chats_count at most 500"},
    {CREATE, CREATE_WITH("\"max_chats_count\":100000000000000000000"), NULL, "max_chats_count: " MCC, "max_chats_count beyond 64 bits"},
    {CREATE, CREATE_WITH("\"max_chats_count\":1.5"), NULL, "max_chats_count: " MCC "; got 1.5", "max_chats_count is an int (fraction)"},
    {CREATE, CREATE_WITH("\"max_chats_count\":6.0"), NULL, "max_chats_count: " MCC, "max_chats_count is an int (6.0)"},
    {CREATE, CREATE_WITH("\"max_chats_count\":\"6\""), NULL, "max_chats_count: " MCC "; got \"6\"", "max_chats_count is an int (string)"},
    {CREATE, CREATE_WITH("\"max_chats_count\":null"), NULL, "max_chats_count: " MCC "; got null", "max_chats_count must not be null"},
    {CREATE, CREATE_WITH("\"max_chats_count\":true"), NULL, "max_chats_count: " MCC "; got true", "max_chats_count is an int (bool)"},
    /* groups: optional object[] */
    {CREATE, CREATE_WITH("\"groups\":{}"), NULL, "groups: expected an array; got an object", "groups is an array (object)"},
    {CREATE, CREATE_WITH("\"groups\":null"), NULL, "groups: expected an array; got null", "groups must not be null"},
    {CREATE, CREATE_WITH("\"groups\":\"1\""), NULL, "groups: expected an array", "groups is an array (string)"},
    {CREATE, CREATE_WITH("\"groups\":[1]"), NULL, "groups[0]: expected an object; got 1", "groups[] items are objects (number)"},
    {CREATE, CREATE_WITH("\"groups\":[" OK_GROUP ",null]"), NULL, "groups[1]: expected an object; got null", "groups[] items are objects (null)"},
    /* groups[].id: uint, required when groups is included */
    {CREATE, CREATE_WITH("\"groups\":[{\"priority\":\"first\"}]"), NULL, "groups[0].id: required field is missing", "groups[].id is required"},
    {CREATE, CREATE_WITH("\"groups\":[{\"id\":-1,\"priority\":\"first\"}]"), NULL, "groups[0].id: expected an unsigned integer; got -1", "groups[].id is unsigned"},
    {CREATE, CREATE_WITH("\"groups\":[{\"id\":\"1\",\"priority\":\"first\"}]"), NULL, "groups[0].id: expected an unsigned integer; got \"1\"", "groups[].id is an integer (string)"},
    {CREATE, CREATE_WITH("\"groups\":[{\"id\":1.5,\"priority\":\"first\"}]"), NULL, "groups[0].id: expected an unsigned integer; got 1.5", "groups[].id is an integer (fraction)"},
    {CREATE, CREATE_WITH("\"groups\":[{\"id\":18446744073709551616,\"priority\":\"first\"}]"), NULL, "groups[0].id: expected an unsigned integer", "groups[].id fits 64 bits"},
    {CREATE, CREATE_WITH("\"groups\":[{\"id\":null,\"priority\":\"first\"}]"), NULL, "groups[0].id: expected an unsigned integer; got null", "groups[].id must not be null"},
    /* groups[].priority: required when groups is included; first, normal, last */
    {CREATE, CREATE_WITH("\"groups\":[" OK_GROUP ",{\"id\":2}]"), NULL, "groups[1].priority: required field is missing", "groups[].priority is required"},
    {CREATE, CREATE_WITH("\"groups\":[" OK_GROUP ",{\"id\":2,\"priority\":\"supervisor\"}]"), NULL, "groups[1].priority: " GROUP_PRIOS " got \"supervisor\"", "groups[].priority: supervisor is not allowed"},
    {CREATE, CREATE_WITH("\"groups\":[{\"id\":1,\"priority\":\"high\"}]"), NULL, "groups[0].priority: " GROUP_PRIOS " got \"high\"", "groups[].priority: unknown value"},
    {CREATE, CREATE_WITH("\"groups\":[{\"id\":1,\"priority\":\"First\"}]"), NULL, "groups[0].priority: " GROUP_PRIOS, "groups[].priority is case-sensitive"},
    {CREATE, CREATE_WITH("\"groups\":[{\"id\":1,\"priority\":1}]"), NULL, "groups[0].priority: " GROUP_PRIOS " got 1", "groups[].priority is a string"},
    {CREATE, CREATE_WITH("\"groups\":[{\"id\":1,\"priority\":null}]"), NULL, "groups[0].priority: " GROUP_PRIOS " got null", "groups[].priority must not be null"},
    {CREATE, CREATE_WITH("\"groups\":[" OK_GROUP "," OK_GROUP ",{\"id\":3,\"priority\":\"x\"}]"), NULL, "groups[2].priority", "the index of the bad group is named"},
    {CREATE, CREATE_WITH("\"groups\":[{\"id\":1,\"priority\":\"first\",\"name\":\"g\"}]"), NULL, "groups[0].name: unknown field; expected one of id, priority", "groups[] items have no other fields"},
    /* webhooks: optional object; url, secret_key, actions required when included */
    {CREATE, CREATE_WITH(WH("[]")), NULL, "webhooks: expected an object; got an array", "webhooks is an object (array)"},
    {CREATE, CREATE_WITH(WH("null")), NULL, "webhooks: expected an object; got null", "webhooks must not be null"},
    {CREATE, CREATE_WITH(WH("\"http://x\"")), NULL, "webhooks: expected an object", "webhooks is an object (string)"},
    {CREATE, CREATE_WITH(WH("{\"secret_key\":\"s\",\"actions\":[" OK_ACTION "]}")), NULL, "webhooks.url: required field is missing", "webhooks.url is required"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"\",\"secret_key\":\"s\",\"actions\":[" OK_ACTION "]}")), NULL, "webhooks.url: must not be empty", "webhooks.url must not be empty"},
    {CREATE, CREATE_WITH(WH("{\"url\":7,\"secret_key\":\"s\",\"actions\":[" OK_ACTION "]}")), NULL, "webhooks.url: expected a string; got 7", "webhooks.url is a string"},
    {CREATE, CREATE_WITH(WH("{\"url\":null,\"secret_key\":\"s\",\"actions\":[" OK_ACTION "]}")), NULL, "webhooks.url: expected a string; got null", "webhooks.url must not be null"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"http://x\",\"actions\":[" OK_ACTION "]}")), NULL, "webhooks.secret_key: required field is missing", "webhooks.secret_key is required"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"\",\"actions\":[" OK_ACTION "]}")), NULL, "webhooks.secret_key: must not be empty", "webhooks.secret_key must not be empty"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":1,\"actions\":[" OK_ACTION "]}")), NULL, "webhooks.secret_key: expected a string", "webhooks.secret_key is a string"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":null,\"actions\":[" OK_ACTION "]}")), NULL, "webhooks.secret_key: expected a string; got null", "webhooks.secret_key must not be null"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"s\"}")), NULL, "webhooks.actions: required field is missing", "webhooks.actions is required"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"s\",\"actions\":{}}")), NULL, "webhooks.actions: expected an array; got an object", "webhooks.actions is an array"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"s\",\"actions\":null}")), NULL, "webhooks.actions: expected an array; got null", "webhooks.actions must not be null"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"s\",\"actions\":[\"incoming_event\"]}")), NULL, "webhooks.actions[0]: expected an object", "webhooks.actions[] items are objects"},
    /* webhooks.actions[].name: required; filters: object; additional_data: string[] */
    {CREATE, CREATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"s\",\"actions\":[" OK_ACTION ",{\"filters\":{}}]}")), NULL, "webhooks.actions[1].name: required field is missing", "webhooks.actions[].name is required"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"s\",\"actions\":[{\"name\":\"\"}]}")), NULL, "webhooks.actions[0].name: must not be empty", "webhooks.actions[].name must not be empty"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"s\",\"actions\":[{\"name\":3}]}")), NULL, "webhooks.actions[0].name: expected a string; got 3", "webhooks.actions[].name is a string"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"s\",\"actions\":[{\"name\":null}]}")), NULL, "webhooks.actions[0].name: expected a string; got null", "webhooks.actions[].name must not be null"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"s\",\"actions\":[{\"name\":\"a\",\"filters\":[]}]}")), NULL, "webhooks.actions[0].filters: expected an object; got an array", "webhooks.actions[].filters is an object (array)"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"s\",\"actions\":[{\"name\":\"a\",\"filters\":\"f\"}]}")), NULL, "webhooks.actions[0].filters: expected an object", "webhooks.actions[].filters is an object (string)"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"s\",\"actions\":[{\"name\":\"a\",\"filters\":null}]}")), NULL, "webhooks.actions[0].filters: expected an object; got null", "webhooks.actions[].filters must not be null"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"s\",\"actions\":[{\"name\":\"a\",\"additional_data\":\"chat_properties\"}]}")), NULL, "webhooks.actions[0].additional_data: expected an array", "webhooks.actions[].additional_data is an array"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"s\",\"actions\":[{\"name\":\"a\",\"additional_data\":[\"chat_properties\",1]}]}")), NULL, "webhooks.actions[0].additional_data[1]: expected a string; got 1", "webhooks.actions[].additional_data[] are strings"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"s\",\"actions\":[{\"name\":\"a\",\"additional_data\":[null]}]}")), NULL, "webhooks.actions[0].additional_data[0]: expected a string; got null", "webhooks.actions[].additional_data[] not null"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"s\",\"actions\":[{\"name\":\"a\",\"additional_data\":null}]}")), NULL, "webhooks.actions[0].additional_data: expected an array; got null", "webhooks.actions[].additional_data must not be null"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"s\",\"actions\":[],\"events\":[]}")), NULL, "webhooks.events: unknown field; expected one of url, secret_key, actions", "webhooks has no other fields"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"s\",\"actions\":[{\"name\":\"a\",\"type\":\"t\"}]}")), NULL, "webhooks.actions[0].type: unknown field; expected one of name, filters, additional_data", "webhooks.actions[] have no other fields"},
    /* no other top-level fields */
    {CREATE, CREATE_WITH("\"nmae\":\"B\""), NULL, "nmae: unknown field; expected one of name, status, avatar, max_chats_count, groups, webhooks", "create: unknown field refused"},
    {CREATE, CREATE_WITH("\"default_group_priority\":\"first\""), NULL, "default_group_priority: unknown field", "create: default_group_priority is update-only"},
    {CREATE, CREATE_WITH("\"id\":\"0123456789abcdef0123456789abcdef\""), NULL, "id: unknown field", "create: id is not sent"},
    {CREATE, CREATE_WITH("\"application\":{\"client_id\":\"x\"}"), NULL, "application: unknown field", "create: application is read-only"},
    {CREATE, CREATE_WITH("\"payload\":{}"), NULL, "payload: unknown field", "create: the v3.0 wrapper is added by the library"},

    /* ---- update_bot_agent ---- */
    {UPDATE, "[]", NULL, "request: expected an object; got an array", "request must be an object"},
    {UPDATE, "{\"name\":\"B\"}", NULL, "id: required field is missing", "id is required"},
    {UPDATE, "{\"id\":\"\"}", NULL, "id: must not be empty", "id must not be empty"},
    {UPDATE, "{\"id\":42}", NULL, "id: expected a string; got 42", "id is a string"},
    {UPDATE, "{\"id\":null}", NULL, "id: expected a string; got null", "id must not be null"},
    {UPDATE, "{\"bot_agent_id\":\"0123456789abcdef0123456789abcdef\"}", NULL, "bot_agent_id: unknown field", "update takes id, not bot_agent_id"},
    {UPDATE, UPDATE_WITH("\"name\":\"\""), NULL, "name: must not be empty", "name must not be empty"},
    {UPDATE, UPDATE_WITH("\"name\":null"), NULL, "name: expected a string; got null", "name must not be null"},
    {UPDATE, UPDATE_WITH("\"name\":1"), NULL, "name: expected a string; got 1", "name is a string"},
    {UPDATE, UPDATE_WITH("\"status\":\"away\""), NULL, "status: " STATUSES "; got \"away\"", "status: unknown value"},
    {UPDATE, UPDATE_WITH("\"status\":null"), NULL, "status: " STATUSES "; got null", "status must not be null"},
    {UPDATE, UPDATE_WITH("\"avatar\":false"), NULL, "avatar: expected a string; got false", "avatar is a string"},
    {UPDATE, UPDATE_WITH("\"avatar\":null"), NULL, "avatar: expected a string; got null", "avatar must not be null"},
    {UPDATE, UPDATE_WITH("\"max_chats_count\":501"), NULL, "max_chats_count: " MCC "; got 501", "max_chats_count at most 500"},
    {UPDATE, UPDATE_WITH("\"max_chats_count\":-1"), NULL, "max_chats_count: " MCC "; got -1", "max_chats_count not negative"},
    {UPDATE, UPDATE_WITH("\"max_chats_count\":2.5"), NULL, "max_chats_count: " MCC, "max_chats_count is an int"},
    {UPDATE, UPDATE_WITH("\"max_chats_count\":null"), NULL, "max_chats_count: " MCC "; got null", "max_chats_count must not be null"},
    {UPDATE, UPDATE_WITH("\"default_group_priority\":\"highest\""), NULL, "default_group_priority: " DEFAULT_PRIOS " got \"highest\"", "default_group_priority: unknown value"},
    {UPDATE, UPDATE_WITH("\"default_group_priority\":\"Supervisor\""), NULL, "default_group_priority: " DEFAULT_PRIOS, "default_group_priority is case-sensitive"},
    {UPDATE, UPDATE_WITH("\"default_group_priority\":0"), NULL, "default_group_priority: " DEFAULT_PRIOS " got 0", "default_group_priority is a string"},
    {UPDATE, UPDATE_WITH("\"default_group_priority\":null"), NULL, "default_group_priority: " DEFAULT_PRIOS " got null", "default_group_priority must not be null"},
    {UPDATE, UPDATE_WITH("\"groups\":{}"), NULL, "groups: expected an array", "groups is an array"},
    {UPDATE, UPDATE_WITH("\"groups\":null"), NULL, "groups: expected an array; got null", "groups must not be null"},
    {UPDATE, UPDATE_WITH("\"groups\":[{\"priority\":\"last\"}]"), NULL, "groups[0].id: required field is missing", "groups[].id is required"},
    {UPDATE, UPDATE_WITH("\"groups\":[{\"id\":-3,\"priority\":\"last\"}]"), NULL, "groups[0].id: expected an unsigned integer", "groups[].id is unsigned"},
    {UPDATE, UPDATE_WITH("\"groups\":[" OK_GROUP ",{\"id\":2}]"), NULL, "groups[1].priority: required field is missing", "groups[].priority is required"},
    {UPDATE, UPDATE_WITH("\"groups\":[" OK_GROUP ",{\"id\":2,\"priority\":\"supervisor\"}]"), NULL, "groups[1].priority: " GROUP_PRIOS " got \"supervisor\"", "groups[].priority: supervisor is only a default"},
    {UPDATE, UPDATE_WITH("\"groups\":[{\"id\":1,\"priority\":\"first\",\"default\":true}]"), NULL, "groups[0].default: unknown field", "groups[] items have no other fields"},
    {UPDATE, UPDATE_WITH(WH("null")), NULL, "webhooks: expected an object; got null", "webhooks must not be null"},
    {UPDATE, UPDATE_WITH(WH("{\"secret_key\":\"s\",\"actions\":[]}")), NULL, "webhooks.url: required field is missing", "webhooks.url is required"},
    {UPDATE, UPDATE_WITH(WH("{\"url\":\"http://x\",\"actions\":[]}")), NULL, "webhooks.secret_key: required field is missing", "webhooks.secret_key is required"},
    {UPDATE, UPDATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"s\"}")), NULL, "webhooks.actions: required field is missing", "webhooks.actions is required"},
    {UPDATE, UPDATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"s\",\"actions\":[{}]}")), NULL, "webhooks.actions[0].name: required field is missing", "webhooks.actions[].name is required"},
    {UPDATE, UPDATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"s\",\"actions\":[{\"name\":\"a\",\"filters\":[1]}]}")), NULL, "webhooks.actions[0].filters: expected an object", "webhooks.actions[].filters is an object"},
    {UPDATE, UPDATE_WITH(WH("{\"url\":\"http://x\",\"secret_key\":\"s\",\"actions\":[{\"name\":\"a\",\"additional_data\":[{}]}]}")), NULL, "webhooks.actions[0].additional_data[0]: expected a string", "webhooks.actions[].additional_data[] are strings"},
    {UPDATE, UPDATE_WITH("\"application\":{\"client_id\":\"c\"}"), NULL, "application: unknown field", "update: application is read-only"},
    {UPDATE, UPDATE_WITH("\"all\":true"), NULL, "all: unknown field; expected one of id, name, avatar, status, max_chats_count, groups, default_group_priority, webhooks", "update: unknown field refused"},

    /* ---- remove_bot_agent ---- */
    {REMOVE, "[]", NULL, "request: expected an object; got an array", "request must be an object"},
    {REMOVE, "{}", NULL, "bot_agent_id: required field is missing", "bot_agent_id is required"},
    {REMOVE, "{\"bot_agent_id\":\"\"}", NULL, "bot_agent_id: must not be empty", "bot_agent_id must not be empty"},
    {REMOVE, "{\"bot_agent_id\":5}", NULL, "bot_agent_id: expected a string; got 5", "bot_agent_id is a string"},
    {REMOVE, "{\"bot_agent_id\":null}", NULL, "bot_agent_id: expected a string; got null", "bot_agent_id must not be null"},
    {REMOVE, "{\"bot_agent_id\":[\"a\"]}", NULL, "bot_agent_id: expected a string; got an array", "bot_agent_id is a string (array)"},
    {REMOVE, "{\"id\":\"0123456789abcdef0123456789abcdef\"}", NULL, "id: unknown field; expected one of bot_agent_id", "remove takes bot_agent_id, not id"},
    {REMOVE, "{\"bot_agent_id\":\"0123456789abcdef0123456789abcdef\",\"force\":true}", NULL, "force: unknown field", "remove: unknown field refused"},

    /* ---- get_bot_agent_details ---- */
    {DETAILS, "[]", NULL, "request: expected an object; got an array", "request must be an object"},
    {DETAILS, "{}", NULL, "bot_agent_id: required field is missing", "bot_agent_id is required"},
    {DETAILS, "{\"bot_agent_id\":\"\"}", NULL, "bot_agent_id: must not be empty", "bot_agent_id must not be empty"},
    {DETAILS, "{\"bot_agent_id\":5}", NULL, "bot_agent_id: expected a string; got 5", "bot_agent_id is a string"},
    {DETAILS, "{\"bot_agent_id\":null}", NULL, "bot_agent_id: expected a string; got null", "bot_agent_id must not be null"},
    {DETAILS, "{\"bot_agent_id\":{}}", NULL, "bot_agent_id: expected a string; got an object", "bot_agent_id is a string (object)"},
    {DETAILS, "{\"id\":\"0123456789abcdef0123456789abcdef\"}", NULL, "id: unknown field; expected one of bot_agent_id", "details takes bot_agent_id, not id"},
    {DETAILS, "{\"bot_agent_id\":\"0123456789abcdef0123456789abcdef\",\"all\":true}", NULL, "all: unknown field", "details: unknown field refused"},

    /* ---- get_bot_agents ---- */
    {LIST, "[]", NULL, "request: expected an object; got an array", "request must be an object"},
    {LIST, "null", NULL, "request: expected an object; got null", "request must not be null"},
    {LIST, "{\"all\":\"true\"}", NULL, "all: expected true or false; got \"true\"", "all is a bool (string)"},
    {LIST, "{\"all\":1}", NULL, "all: expected true or false; got 1", "all is a bool (number)"},
    {LIST, "{\"all\":null}", NULL, "all: expected true or false; got null", "all must not be null"},
    {LIST, "{\"limit\":10}", NULL, "limit: unknown field; expected one of all", "list: unknown field refused"},
    {LIST, "{\"all\":true,\"client_id\":\"x\"}", NULL, "client_id: unknown field", "list: no filter by client"},

    /* ---- lcbot_call: the action name and the payload ---- */
    {CALL, "", "{}", NAME_RULE "; got \"\"", "action name must not be empty"},
    {CALL, "Get_Bot_Agents", "{}", NAME_RULE "; got \"Get_Bot_Agents\"", "action name is lowercase"},
    {CALL, "../get_bot_agents", "{}", NAME_RULE, "action name cannot climb the path"},
    {CALL, "configuration/action/get_bot_agents", "{}", NAME_RULE, "action name has no slash"},
    {CALL, "get_bot_agents?all=true", "{}", NAME_RULE, "action name has no query"},
    {CALL, "get_bot_agents#x", "{}", NAME_RULE, "action name has no fragment"},
    {CALL, "get%2Fbot", "{}", NAME_RULE, "action name has no percent-escape"},
    {CALL, "get-bot-agents", "{}", NAME_RULE, "action name has no dash"},
    {CALL, "get bot agents", "{}", NAME_RULE, "action name has no space"},
    {CALL, "get.bot", "{}", NAME_RULE, "action name has no dot"},
    {CALL, "get\nbot", "{}", NAME_RULE, "action name has no control character"},
    {CALL, "b\xc3\xb3t", "{}", NAME_RULE, "action name is ASCII"},
    {CALL, "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "{}", NAME_RULE, "action name at most 100 characters"},
    {CALL, "Bad", "[]", NAME_RULE, "action name is checked before the payload"},
    {CALL, "get_bot_agents", "[]", "payload_json: expected an object; got an array", "payload is an object (array)"},
    {CALL, "get_bot_agents", "null", "payload_json: expected an object; got null", "payload is an object (null)"},
    {CALL, "get_bot_agents", "1", "payload_json: expected an object; got 1", "payload is an object (number)"},
    {CALL, "get_bot_agents", "\"x\"", "payload_json: expected an object; got \"x\"", "payload is an object (string)"},
    {CALL, "get_bot_agents", "true", "payload_json: expected an object; got true", "payload is an object (bool)"},
};
#define N_RULES ((int)(sizeof RULES / sizeof RULES[0]))

/* Valid requests: they pass validation and are sent once each. */
struct valid_case {
    enum action action;
    const char *request; /* "@ID@" stands for a live bot's id, "@ID2@" for another */
    const char *payload;
    int status;          /* LCBOT_OK, or LCBOT_ERR_API for what only the server refuses */
    const char *expect;  /* in the result document */
    const char *what;
};

#define LONG_OK_NAME "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define FULL_WEBHOOKS                                                                                        \
    WH("{\"url\":\"https://example.com/hook\",\"secret_key\":\"JSauw0Aks8l-asAa\",\"actions\":["          \
       "{\"name\":\"incoming_chat_thread\",\"filters\":{\"chat_properties\":{\"source\":{\"type\":{\"values\":[\"facebook\",\"twitter\"]}}}}}," \
       "{\"name\":\"incoming_event\",\"additional_data\":[\"chat_properties\"]}]}")

static const struct valid_case VALID[] = {
    {CREATE, "{\"name\":\"B\",\"status\":\"accepting chats\"}", NULL, LCBOT_OK, "{\"bot_agent_id\":\"", "create: name and status only (accepting chats)"},
    {CREATE, "{\"name\":\"B\",\"status\":\"not accepting chats\"}", NULL, LCBOT_OK, "{\"bot_agent_id\":\"", "create: status not accepting chats"},
    {CREATE, "{\"name\":\"B\",\"status\":\"offline\"}", NULL, LCBOT_OK, "{\"bot_agent_id\":\"", "create: status offline"},
    {CREATE, CREATE_WITH("\"max_chats_count\":0"), NULL, LCBOT_OK, "{\"bot_agent_id\":\"", "create: max_chats_count 0"},
    {CREATE, CREATE_WITH("\"max_chats_count\":500"), NULL, LCBOT_OK, "{\"bot_agent_id\":\"", "create: max_chats_count 500"},
    {CREATE, CREATE_WITH("\"groups\":[]"), NULL, LCBOT_OK, "{\"bot_agent_id\":\"", "create: groups empty"},
    {CREATE, CREATE_WITH("\"groups\":[{\"id\":0,\"priority\":\"last\"}]"), NULL, LCBOT_OK, "{\"bot_agent_id\":\"", "create: group priority last, id 0"},
    {CREATE, CREATE_WITH("\"groups\":[{\"id\":0,\"priority\":\"first\"},{\"id\":1,\"priority\":\"normal\"},{\"id\":18446744073709551615,\"priority\":\"last\"}]"), NULL, LCBOT_OK, "{\"bot_agent_id\":\"", "create: every priority, id 2^64-1"},
    {CREATE, CREATE_WITH(FULL_WEBHOOKS), NULL, LCBOT_OK, "{\"bot_agent_id\":\"", "create: webhooks with filters and additional_data"},
    {CREATE, CREATE_WITH(WH("{\"url\":\"https://e.com\",\"secret_key\":\"k\",\"actions\":[{\"name\":\"a\",\"filters\":{},\"additional_data\":[]}]}")), NULL, LCBOT_OK, "{\"bot_agent_id\":\"", "create: empty filters and additional_data"},
    {CREATE, "{\"name\":\"B\\u00f3t \xf0\x9f\xa4\x96 \xc3\xa9\",\"status\":\"offline\",\"avatar\":\"https://cdn.example.com/a.png\"}", NULL, LCBOT_OK, "{\"bot_agent_id\":\"", "create: non-ASCII name and avatar"},
    {UPDATE, "{\"id\":\"@ID@\"}", NULL, LCBOT_OK, "{}", "update: id only"},
    {UPDATE, "{\"id\":\"@ID@\",\"default_group_priority\":\"supervisor\"}", NULL, LCBOT_OK, "{}", "update: default_group_priority supervisor"},
    {UPDATE, "{\"id\":\"@ID@\",\"default_group_priority\":\"first\"}", NULL, LCBOT_OK, "{}", "update: default_group_priority first"},
    {UPDATE, "{\"id\":\"@ID@\",\"default_group_priority\":\"normal\"}", NULL, LCBOT_OK, "{}", "update: default_group_priority normal"},
    {UPDATE, "{\"id\":\"@ID@\",\"default_group_priority\":\"last\"}", NULL, LCBOT_OK, "{}", "update: default_group_priority last"},
    {UPDATE, "{\"id\":\"@ID@\",\"max_chats_count\":0}", NULL, LCBOT_OK, "{}", "update: max_chats_count 0"},
    {UPDATE, "{\"id\":\"@ID@\",\"max_chats_count\":500}", NULL, LCBOT_OK, "{}", "update: max_chats_count 500"},
    {UPDATE, "{\"id\":\"@ID@\",\"groups\":[{\"id\":4,\"priority\":\"last\"}]}", NULL, LCBOT_OK, "{}", "update: group priority last"},
    {UPDATE, "{\"id\":\"@ID@\",\"status\":\"accepting chats\",\"name\":\"N\",\"avatar\":\"https://cdn.example.com/n.png\"}", NULL, LCBOT_OK, "{}", "update: status, name, avatar"},
    {UPDATE, "{\"id\":\"@ID@\"," FULL_WEBHOOKS "}", NULL, LCBOT_OK, "{}", "update: webhooks with filters and additional_data"},
    {LIST, "{}", NULL, LCBOT_OK, "{\"bot_agents\":[{", "list: {} (all defaults to false)"},
    {LIST, "{\"all\":true}", NULL, LCBOT_OK, "{\"bot_agents\":[{", "list: all true"},
    {LIST, "{\"all\":false}", NULL, LCBOT_OK, "{\"bot_agents\":[{", "list: all false"},
    {DETAILS, "{\"bot_agent_id\":\"@ID@\"}", NULL, LCBOT_OK, "\"default_group_priority\":\"last\"", "details: a live id"},
    {DETAILS, "{\"bot_agent_id\":\"not-a-hex-id\"}", NULL, LCBOT_ERR_API, "\"http_status\":404", "details: ids of any format are sent (server says 404)"},
    {REMOVE, "{\"bot_agent_id\":\"@ID2@\"}", NULL, LCBOT_OK, "{}", "remove: a live id"},
    {REMOVE, "{\"bot_agent_id\":\"X\"}", NULL, LCBOT_ERR_API, "\"type\":\"not_found\"", "remove: a one-letter id is sent (server says 404)"},
    {CALL, "get_bot_agents", "{}", LCBOT_OK, "{\"bot_agents\":[", "lcbot_call: a known action"},
    {CALL, "get_bot_agents2", "{\"anything\":[1,2]}", LCBOT_ERR_API, "Unknown action: get_bot_agents2", "lcbot_call: digits allowed, payload not checked"},
    {CALL, LONG_OK_NAME, "{}", LCBOT_ERR_API, "\"http_status\":404", "lcbot_call: a 100-character name"},
    {CALL, "create_bot_agent", "{\"name\":\"B\",\"status\":\"busy\"}", LCBOT_ERR_API, "\"type\":\"validation\"", "lcbot_call: no spec validation (server answers 400)"},
};
#define N_VALID ((int)(sizeof VALID / sizeof VALID[0]))

/* ------------------------------------------------------------------------ */

static int32_t run(const lcbot_client *client, enum action a, const char *request, const char *payload, char **out) {
    switch (a) {
    case CREATE: return lcbot_create_bot_agent(client, request, NULL, out);
    case UPDATE: return lcbot_update_bot_agent(client, request, NULL, out);
    case REMOVE: return lcbot_remove_bot_agent(client, request, NULL, out);
    case LIST: return lcbot_get_bot_agents(client, request, NULL, out);
    case DETAILS: return lcbot_get_bot_agent_details(client, request, NULL, out);
    case CALL: return lcbot_call(client, request, payload, NULL, out);
    default: return -1;
    }
}

/* Replaces every `from` in `text` by `to`, into `buf`. */
static void substitute(const char *text, const char *from, const char *to, char *buf, size_t size) {
    size_t n = 0, flen = strlen(from), tlen = strlen(to);
    while (*text && n + 1 < size) {
        if (strncmp(text, from, flen) == 0 && n + tlen + 1 < size) {
            memcpy(buf + n, to, tlen);
            n += tlen;
            text += flen;
        } else {
            buf[n++] = *text++;
        }
    }
    buf[n] = '\0';
}

static lcbot_client *new_client(const lcbot_emulator *emulator, const char *version) {
    char config[512];
    lcbot_client *client = NULL;
    char *err = NULL;
    snprintf(config, sizeof config,
             "{\"token\":\"dev-token\",\"base_url\":\"%s\",\"api_version\":\"%s\",\"retry\":{\"max_attempts\":1}}",
             lcbot_emulator_url(emulator), version);
    CHECK_INT(lcbot_client_new(config, &client, &err), LCBOT_OK);
    CHECK_DOC(err == NULL, err);
    lcbot_string_free(err);
    return client;
}

/* Every rule against one client: refused, path named, nothing sent. */
static void run_rules(const lcbot_client *client, const lcbot_emulator *emulator, int print) {
    int per_action[N_ACTION_KINDS] = {0};
    int sent_before = logged_requests(emulator);
    for (int i = 0; i < N_RULES; i++) {
        const struct rule *r = &RULES[i];
        char *out = (char *)&out; /* not NULL: must be replaced */
        int32_t st = run(client, r->action, r->request, r->payload, &out);
        int ok = CHECK_ERROR(st, out, LCBOT_ERR_VALIDATION, "validation", r->needle, 0);
        ok &= CHECK_HAS(out, "\"http_status\":null,\"api_error\":null");
        ok &= CHECK_LACKS(out, "\"outcome\"");
        ok &= CHECK_INT(logged_requests(emulator), sent_before);
        if (!ok) fprintf(stderr, "    rule %d [%s] %s: %s\n", i + 1, ACTION_NAMES[r->action], r->what, r->request);
        if (print)
            printf("  rule %3d  %-22s %-52s -> %s\n", i + 1, ACTION_NAMES[r->action], r->what, ok ? "refused, nothing sent" : "FAILED");
        per_action[r->action]++;
        if (out != (char *)&out) lcbot_string_free(out);
    }
    if (print) {
        printf("validation rules covered: %d", N_RULES);
        for (int a = 0; a < N_ACTION_KINDS; a++) printf("%s%s %d", a ? ", " : " (", ACTION_NAMES[a], per_action[a]);
        printf(")\n");
    }
}

/* Reads "bot_agent_id" out of a create answer. */
static int read_id(const char *doc, char *id, size_t size) {
    return doc && json_str(doc, "bot_agent_id", id, size) && id[0] != '\0';
}

static void run_valid(const lcbot_client *client, const lcbot_emulator *emulator, int print) {
    char id[128] = "", id2[128] = "";
    char *out = NULL;
    int sent = logged_requests(emulator);

    /* Two bots to update, read and remove. */
    CHECK_INT(lcbot_create_bot_agent(client, "{\"name\":\"Target\",\"status\":\"offline\"}", NULL, &out), LCBOT_OK);
    CHECK(read_id(out, id, sizeof id));
    lcbot_string_free(out);
    CHECK_INT(lcbot_create_bot_agent(client, "{\"name\":\"Doomed\",\"status\":\"offline\"}", NULL, &out), LCBOT_OK);
    CHECK(read_id(out, id2, sizeof id2));
    lcbot_string_free(out);
    sent += 2;
    CHECK_INT(logged_requests(emulator), sent);

    for (int i = 0; i < N_VALID; i++) {
        const struct valid_case *v = &VALID[i];
        char step[2048], request[2048];
        int32_t st;
        int ok;
        substitute(v->request, "@ID@", id, step, sizeof step);
        substitute(step, "@ID2@", id2, request, sizeof request);
        out = NULL;
        st = run(client, v->action, request, v->payload, &out);
        sent++;
        ok = check_record(st == v->status, __FILE__, __LINE__, v->what, out);
        ok &= CHECK_HAS(out, v->expect);
        ok &= CHECK_INT(logged_requests(emulator), sent);
        if (print)
            printf("  valid %3d  %-22s %-55s -> %s\n", i + 1, ACTION_NAMES[v->action], v->what, ok ? "sent, answered as expected" : "FAILED");
        lcbot_string_free(out);
    }
    if (print) printf("valid edge cases covered: %d\n", N_VALID);
}

int main(void) {
    lcbot_emulator *emulator = NULL;
    char *err = NULL;
    const char *versions[2] = {"3.0", "3.1"};

    CHECK_INT(lcbot_emulator_start(NULL, &emulator, &err), LCBOT_OK);
    lcbot_string_free(err);
    if (!emulator) return check_finish();

    for (int v = 0; v < 2; v++) {
        lcbot_client *client = new_client(emulator, versions[v]);
        if (!client) continue;
        if (v == 0) printf("invalid requests (api_version %s, and again with %s):\n", versions[0], versions[1]);
        run_rules(client, emulator, v == 0);
        if (v == 0) printf("valid requests (api_version %s, and again with %s):\n", versions[0], versions[1]);
        run_valid(client, emulator, v == 0);
        lcbot_client_free(client);
    }

    lcbot_emulator_stop(emulator);
    return check_finish();
}
