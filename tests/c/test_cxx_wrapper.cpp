// test_cxx_wrapper.cpp: include/livechat_bots.hpp, the C++17 wrapper, on
// the embedded emulator: RAII handles, std::string documents, the Error
// exception's fields, call options, cancel tokens, callbacks and webhooks.
// Built with -std=c++17 -Wall -Wextra -Werror -pedantic, run natively and
// under valgrind (every handle and string the wrapper takes must be freed).

#include <cstdlib>
#include <memory>
#include <string>
#include <vector>
#include <utility>

#include "livechat_bots.hpp"
#include "check.h"

namespace lb = livechat_bots;

namespace {

const char *const TOKEN = "wrapper-token-5e1b";

// The document's value of "key" when it is a string (the compact JSON of the library).
std::string str_field(const std::string &doc, const char *key) {
    char value[256] = "";
    return json_str(doc.c_str(), key, value, sizeof value) ? std::string(value) : std::string();
}

// Runs `fn`, which must throw lb::Error; returns the error (status LCBOT_OK if it did not throw).
template <typename Fn>
lb::Error thrown(Fn fn) {
    try {
        fn();
    } catch (const lb::Error &e) {
        return e;
    }
    return lb::Error(LCBOT_OK, "{}");
}

void lifecycle(const lb::Emulator &emulator) {
    const lb::Client client(lb::client_config(TOKEN, emulator.url(), "3.6"));
    const std::string created = client.create_bot_agent(R"({"name":"Wrapped","max_chats_count":3})");
    const std::string id = str_field(created, "bot_agent_id");
    CHECK_DOC(id.size() == 32, created.c_str());
    CHECK_DOC(str_field(created, "bot_secret").size() == 32, created.c_str());

    CHECK_HAS(client.get_bot_agents().c_str(), id.c_str());
    const std::string by_id = R"({"bot_agent_id":")" + id + "\"}";
    CHECK_HAS(client.get_bot_agent_details(by_id).c_str(), "\"max_chats_count\":3");
    CHECK(client.update_bot_agent(R"({"id":")" + id + R"(","name":"Renamed"})") == "{}");
    CHECK_HAS(client.get_bot_agent_details(by_id).c_str(), "\"name\":\"Renamed\"");
    CHECK_HAS(client.call("list_bots").c_str(), id.c_str());
    CHECK(client.remove_bot_agent(by_id) == "{}");
    CHECK(client.get_bot_agents() == R"({"bot_agents":[]})");
}

void errors(const lb::Emulator &emulator) {
    const lb::Client client(lb::client_config(TOKEN, emulator.url()));

    // Validation: nothing sent, the message names the field (with its quotes unescaped).
    lb::Error invalid = thrown([&] {
        client.create_bot_agent(R"({"name":"X","status":"offline","groups":[{"id":1,"priority":"supervisor"}]})");
    });
    CHECK_INT(invalid.status(), LCBOT_ERR_VALIDATION);
    CHECK(invalid.code() == "validation");
    CHECK_DOC(invalid.message().find("groups[0].priority") == 0, invalid.what());
    CHECK_DOC(invalid.message().find("got \"supervisor\"") != std::string::npos, invalid.what());
    CHECK(!invalid.http_status().has_value());
    CHECK_INT(invalid.attempts(), 0);
    CHECK(invalid.api_type().empty());

    // An API error: HTTP status, LiveChat's type and message.
    lb::Error missing = thrown([&] { client.get_bot_agent_details(R"({"bot_agent_id":"0123456789abcdef0123456789abcdef"})"); });
    CHECK_INT(missing.status(), LCBOT_ERR_API);
    CHECK(missing.code() == "api");
    CHECK(missing.http_status() == 404);
    CHECK(missing.api_type() == "not_found");
    CHECK(!missing.api_message().empty());
    CHECK_INT(missing.attempts(), 1);
    CHECK(!missing.outcome_unknown());
    CHECK_HAS(missing.document().c_str(), "\"status\":7");

    // A bad config fails the constructor; a refused token never shows in the error.
    lb::Error config = thrown([&] { lb::Client bad(R"({"token":"t","api_version":"9.9"})"); });
    CHECK_INT(config.status(), LCBOT_ERR_VALIDATION);
    lb::Error refused = thrown([&] { lb::Client(lb::client_config("nobody-knows-this-token", emulator.url())).get_bot_agents(); });
    CHECK_INT(refused.status(), LCBOT_ERR_API);
    CHECK(refused.http_status() == 401 && refused.api_type() == "authentication");
    CHECK_LACKS(refused.document().c_str(), "nobody-knows-this-token");

    // Invalid JSON in, and an error from a non-client function.
    CHECK_INT(thrown([&] { client.get_bot_agents("{nope"); }).status(), LCBOT_ERR_INVALID_JSON);
    CHECK_INT(thrown([&] { emulator.inject(R"({"status":"x"})"); }).status(), LCBOT_ERR_VALIDATION);
}

void options_and_cancel(const lb::Emulator &emulator) {
    const lb::Client client(lb::client_config(TOKEN, emulator.url()));

    // A stalled answer outlasts a 200 ms per-call budget: a timeout.
    emulator.inject(R"({"action":"get_bot_agents","times":1,"delay_ms":3000})");
    lb::CallOptions quick;
    quick.timeout_ms = 200;
    lb::Error late = thrown([&] { client.get_bot_agents("{}", quick); });
    CHECK_INT(late.status(), LCBOT_ERR_TIMEOUT);
    CHECK(late.code() == "timeout");

    // A cancelled token ends the call; an uncancelled one changes nothing.
    const lb::CancelToken token;
    lb::CallOptions with_token;
    with_token.cancel = &token;
    CHECK_HAS(client.get_bot_agents("{}", with_token).c_str(), "bot_agents");
    token.cancel();
    lb::Error cancelled = thrown([&] { client.get_bot_agents("{}", with_token); });
    CHECK_INT(cancelled.status(), LCBOT_ERR_CANCELLED);
    CHECK(cancelled.code() == "cancelled");

    lb::CallOptions over;
    over.timeout_ms = 4000000;  // above the 1 h cap
    CHECK_INT(thrown([&] { client.get_bot_agents("{}", over); }).status(), LCBOT_ERR_VALIDATION);
}

void callbacks_survive_a_move(const lb::Emulator &emulator) {
    // The client starts with a token LiveChat refuses; the provider gives a good one.
    lb::Client first(lb::client_config("stale-token", emulator.url(), "3.3"));
    int asked = 0;
    first.set_token_provider([&asked]() -> std::optional<std::string> {
        ++asked;
        return std::string(TOKEN);
    });
    std::string notices_seen;
    first.set_notice_handler([&notices_seen](const std::string &notice) { notices_seen += notice; });

    lb::Client client = std::move(first);
    CHECK_HAS(client.get_bot_agents().c_str(), "bot_agents");
    CHECK_INT(asked, 1);
    CHECK_HAS(notices_seen.c_str(), "\"kind\":\"deprecated\"");
    CHECK_HAS(client.notices().c_str(), "\"api_version\":\"3.3\"");

    // A provider with nothing to give: the authentication error stands.
    client.set_credentials(R"({"token":"stale-again"})");
    client.set_token_provider([]() -> std::optional<std::string> { return std::nullopt; });
    CHECK(thrown([&] { client.get_bot_agents(); }).api_type() == "authentication");
    // A throwing provider is caught inside the wrapper, never unwound into the library.
    client.set_token_provider([]() -> std::optional<std::string> { throw std::runtime_error("no"); });
    CHECK(thrown([&] { client.get_bot_agents(); }).api_type() == "authentication");
    client.set_token_provider(nullptr);
    client.set_notice_handler(nullptr);
}

void webhooks() {
    const std::string body = R"({"webhook_id":"w1","secret_key":"new-secret","action":"incoming_chat_thread",)"
                             R"("license_id":1,"payload":{"chat":{"id":"C1"}}})";
    const std::string event = lb::webhook_verify(R"(["new-secret","old-secret"])", body);
    CHECK_HAS(event.c_str(), "\"action\":\"incoming_chat\"");
    CHECK_HAS(event.c_str(), "\"dedupe_key\":");

    lb::Error mismatch = thrown([&] { lb::webhook_verify(R"(["other"])", body); });
    CHECK_INT(mismatch.status(), LCBOT_ERR_SECRET_MISMATCH);
    CHECK_LACKS(mismatch.document().c_str(), "new-secret");
    CHECK_INT(thrown([&] { lb::webhook_verify(R"(["new-secret"])", body, 16); }).status(), LCBOT_ERR_TOO_LARGE);
}

// A bot in a chat, through the wrapper: the customer writes, the bot answers,
// and the Bot outlives the Client object it was made from.
void a_bot_in_a_chat() {
    const lb::Emulator emulator;
    std::unique_ptr<lb::Client> client =
        std::make_unique<lb::Client>(lb::client_config("dev-token", emulator.url(), "3.6"));
    const std::string created = client->create_bot_agent(R"({"name":"Echo","groups":[{"id":0,"priority":"first"}]})");
    const std::string organization = lb::json_get(emulator.chats(), "/organization_id");
    const std::string identity = std::string(R"({"bot_agent_id":)") + lb::json_quote(lb::json_get(created, "/bot_agent_id")) +
                                 R"(,"bot_secret":)" + lb::json_quote(lb::json_get(created, "/bot_secret")) +
                                 R"(,"client_id":"dev-client","organization_id":)" + lb::json_quote(organization) + "}";
    const lb::Bot bot(*client, identity);
    client.reset();
    CHECK(bot.set_routing_status(R"({"status":"accepting_chats"})") == "{}");
    const std::string chat = emulator.start_chat(R"({"text":"ping"})");
    const std::string chat_id = lb::json_get(chat, "/chat_id");
    CHECK(lb::json_get(chat, "/state") == "assigned");
    const std::string sent = bot.send_event(std::string(R"({"chat_id":)") + lb::json_quote(chat_id) +
                                            R"(,"event":{"type":"message","text":"pong \"quoted\""}})");
    CHECK(!lb::json_get(sent, "/event_id").empty());
    CHECK(lb::json_get(emulator.chats(), "/chats/0/transcript/1/text") == "pong \"quoted\"");
    CHECK(lb::json_get(emulator.chats(), "/chats/0/transcript/1/author_type") == "bot");
    CHECK_INT(thrown([&] { bot.set_routing_status(R"({"status":"away"})"); }).status(), LCBOT_ERR_VALIDATION);
    CHECK_INT(thrown([&] { lb::json_get("{}", "/missing"); }).status(), LCBOT_ERR_VALIDATION);
    CHECK_HAS(emulator.deliveries().c_str(), "\"deliveries\":[");
}

// Over HTTPS: the emulator's CA trusted through client_config's ca_pem;
// without it the certificate is refused, saying why.
void over_tls() {
    const lb::Emulator emulator(R"({"tls":true})");
    CHECK(emulator.url().rfind("https://127.0.0.1:", 0) == 0);
    CHECK(emulator.ca_pem().rfind("-----BEGIN CERTIFICATE-----", 0) == 0);
    const lb::Client client(lb::client_config("dev-token", emulator.url(), "3.6", emulator.ca_pem()));
    CHECK_HAS(client.get_bot_agents().c_str(), "\"bot_agents\":[]");
    const lb::Client untrusting(lb::client_config("dev-token", emulator.url()));
    const lb::Error refused = thrown([&] { untrusting.get_bot_agents(); });
    CHECK_INT(refused.status(), LCBOT_ERR_TRANSPORT);
    CHECK_HAS(refused.message().c_str(), "unknown issuer");
    CHECK(lb::Emulator().ca_pem().empty());
}

// Templates and batches through the wrapper: an installation makes the
// template's bot; a batch half succeeds without throwing; a broken item throws.
void templates_and_batches() {
    const lb::Emulator emulator;
    const lb::Client client(lb::client_config("dev-token", emulator.url(), "3.6"));
    const std::string created = client.create_bot_template(R"({"name":"Greeter"})");
    const std::string id = lb::json_get(created, "/id");
    CHECK_HAS(client.list_bot_templates().c_str(), id.c_str());
    CHECK_HAS(emulator.install_application(R"({"client_id":"dev-client"})").c_str(), id.c_str());
    CHECK(lb::json_get(client.get_bot_agent_details(std::string(R"({"bot_agent_id":)") + lb::json_quote(id) + "}"), "/bot_agent/name") ==
          "Greeter");
    const std::string removed =
        client.batch_remove_bot_agents(std::string(R"({"requests":[{"bot_agent_id":)") + lb::json_quote(id) + R"(},{"bot_agent_id":"ghost"}]})");
    CHECK(lb::json_get(removed, "/responses/1/error/api_error/type") == "not_found");
    CHECK(lb::json_get(removed, "/succeeded") == "1");
    const lb::Error broken = thrown([&] { client.batch_create_bot_agents(R"({"requests":[{"name":"A"},{"name":""}]})"); });
    CHECK_INT(broken.status(), LCBOT_ERR_VALIDATION);
    CHECK(broken.message() == "requests[1].name: must not be empty");
    CHECK_LACKS(emulator.templates().c_str(), lb::json_get(created, "/secret").c_str());
}

// The RAII queue: many calls in flight from one thread, drained by tag;
// errors as the blocking call's; destroyed with calls still in flight.
void a_queue_of_calls() {
    const lb::Emulator emulator;
    const lb::Client client(lb::client_config("dev-token", emulator.url()));
    {
        const lb::Queue queue;
        CHECK(queue.fd() >= 0);
        CHECK(!queue.next(0).has_value());
        emulator.inject(R"({"action":"get_bot_agents","delay_ms":50,"times":16})");
        for (std::uint64_t tag = 0; tag < 16; tag++) queue.submit(client, tag, "get_bot_agents");
        queue.submit(client, 100, "get_bot_agent_details", R"({"bot_agent_id":7})");
        CHECK_INT(thrown([&] { queue.submit(client, 101, "no_such_call"); }).status(), LCBOT_ERR_VALIDATION);
        CHECK_INT(thrown([&] { queue.submit(client, 102, "get_bot_agents", "{"); }).status(), LCBOT_ERR_INVALID_JSON);
        std::vector<int> seen(16, 0);
        int failed_as_blocking = 0;
        while (queue.in_flight() > 0) {
            const std::optional<lb::Completion> done = queue.next(20000);
            if (!CHECK(done.has_value())) break;
            if (done->tag == 100) {
                const lb::Error e = thrown([&] { done->value(); });
                const lb::Error blocking = thrown([&] { client.get_bot_agent_details(R"({"bot_agent_id":7})"); });
                failed_as_blocking += e.status() == LCBOT_ERR_VALIDATION && e.document() == blocking.document();
            } else if (CHECK(done->tag < 16)) {
                seen[done->tag]++;
                CHECK_HAS(done->value().c_str(), "\"bot_agents\"");
            }
        }
        CHECK_INT(failed_as_blocking, 1);
        for (int n : seen) CHECK_INT(n, 1);
        // destroyed with calls held in flight: cancelled and waited for
        emulator.inject(R"({"action":"get_bot_agents","delay_ms":10000,"times":4})");
        for (std::uint64_t tag = 0; tag < 4; tag++) queue.submit(client, tag, "get_bot_agents");
    }
    emulator.clear_faults();  // those the cancelled calls did not reach
    const lb::Queue after;
    after.submit(client, 1, "call:get_bot_agents");
    const std::optional<lb::Completion> done = after.next(20000);
    CHECK(done.has_value() && done->ok());
}

void the_reader() {
    // Escapes, \u sequences (a surrogate pair too) and nested values in an error document.
    const lb::Error e(LCBOT_ERR_API,
                      R"({"code":"api","status":7,"message":"a \"q\" \\ \u00e9 \ud83d\ude00 \n end","http_status":421,)"
                      R"("api_error":{"type":"misdirected_request","message":"Wrong region","data":{"region":"fra","x":[1,{"y":"}"}]}},)"
                      R"("attempts":2,"outcome":"unknown"})");
    CHECK(e.message() == "a \"q\" \\ \xc3\xa9 \xf0\x9f\x98\x80 \n end");
    CHECK(e.http_status() == 421);
    CHECK(e.api_type() == "misdirected_request");
    CHECK(e.api_data() == R"({"region":"fra","x":[1,{"y":"}"}]})");
    CHECK_INT(e.attempts(), 2);
    CHECK(e.outcome_unknown());
    // Not a document at all: still an Error, with a message.
    const lb::Error junk(LCBOT_ERR_PANIC, "not json");
    CHECK(!junk.message().empty() && junk.code().empty());
    CHECK(lb::client_config("a\"b\\c\n") == "{\"token\":\"a\\\"b\\\\c\\u000a\"}");
}

}  // namespace

// client_config() leaves out what it is not given: the environment fills it.
static void aimed_by_the_environment() {
    const lb::Emulator emulator;
    setenv("LIVECHAT_BASE_URL", emulator.url().c_str(), 1);
    setenv("LIVECHAT_TOKEN", "dev-token", 1);
    const lb::Client client(lb::client_config());
    unsetenv("LIVECHAT_BASE_URL");
    unsetenv("LIVECHAT_TOKEN");
    CHECK(lb::client_config() == "{}");
    CHECK_HAS(client.settings().c_str(), ("\"base_url\":\"" + emulator.url() + "\"").c_str());
    CHECK_HAS(client.get_bot_agents("{}").c_str(), "\"bot_agents\":[]");
}

int main() {
    CHECK(lb::version() == lcbot_version());
    CHECK_HAS(lb::schema().c_str(), "\"requests\"");
    {
        const std::string config = std::string(R"({"tokens":[{"token":")") + TOKEN +
                                   R"(","client_id":"wrapper-app","scopes":["agents-bot--my:rw","agents-bot--my:ro"]}],)"
                                   R"("versions":{"3.3":{"stage":"deprecated","until":"2027-01-31"}}})";
        const lb::Emulator emulator(config);
        CHECK(emulator.url().rfind("http://127.0.0.1:", 0) == 0);
        lifecycle(emulator);
        errors(emulator);
        options_and_cancel(emulator);
        callbacks_survive_a_move(emulator);
        CHECK_HAS(emulator.requests().c_str(), "\"requests\":[");
    }
    webhooks();
    a_bot_in_a_chat();
    over_tls();
    templates_and_batches();
    a_queue_of_calls();
    the_reader();
    aimed_by_the_environment();
    return check_finish();
}
