// livechat_bots.hpp: a header-only C++17 wrapper of the C API in
// livechat_bots.h. Written by hand (livechat_bots.h is generated).
//
//   livechat_bots::Emulator emulator;                       // the offline API, on 127.0.0.1
//   livechat_bots::Client client(livechat_bots::client_config("dev-token", emulator.url()));
//   std::string created = client.create_bot_agent(R"({"name":"Helper","status":"accepting chats"})");
//
// - Every handle owns its C object through std::unique_ptr with the
//   library's own free function; handles move, never copy.
// - Requests and answers are the JSON documents of the C API, as
//   std::string; use any JSON library to build and read them.
// - A failure throws livechat_bots::Error, which carries the error
//   document's fields (status, code, message, http_status, api_error,
//   attempts, outcome). No token or secret is ever part of it.
// - Adding a C function of the usual shape (handle, request JSON, options,
//   char **out) is one line: `return detail::invoke(lcbot_new_fn, ...)`.
#ifndef LIVECHAT_BOTS_HPP
#define LIVECHAT_BOTS_HPP

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>

#include "livechat_bots.h"

namespace livechat_bots {

namespace detail {

struct StringFree {
    void operator()(char *s) const noexcept { lcbot_string_free(s); }
};
using OwnedString = std::unique_ptr<char, StringFree>;

// Takes ownership of a string the library handed out.
inline std::string take(char *s) {
    OwnedString owned(s);
    return owned ? std::string(owned.get()) : std::string();
}

// A JSON string literal of `s` (quotes included).
inline std::string quote(std::string_view s) {
    static const char hex[] = "0123456789abcdef";
    std::string out = "\"";
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (u < 0x20) {
            out += "\\u00";
            out += hex[u >> 4];
            out += hex[u & 15];
        } else {
            out += c;
        }
    }
    return out + "\"";
}

// Just enough of a JSON reader for the library's error documents: one
// object's members, with strings unescaped, numbers read, and any other
// value kept as its raw text.
class Reader {
  public:
    explicit Reader(std::string_view text) : s_(text) {}

    // Calls `member(key, raw_value)` for each member of the top-level object;
    // false when the text is not an object.
    template <typename Fn>
    bool members(Fn member) {
        space();
        if (!eat('{')) return false;
        space();
        if (eat('}')) return true;
        for (;;) {
            space();
            std::optional<std::string> key = string();
            space();
            if (!key || !eat(':')) return false;
            space();
            const std::size_t start = i_;
            if (!skip_value()) return false;
            member(*key, s_.substr(start, i_ - start));
            space();
            if (eat('}')) return true;
            if (!eat(',')) return false;
        }
    }

    // The string a raw JSON value holds, if it is one.
    static std::optional<std::string> as_string(std::string_view raw) {
        Reader r(raw);
        return r.string();
    }

    // The integer a raw JSON value holds, if it is one.
    static std::optional<long long> as_integer(std::string_view raw) {
        if (raw.empty()) return std::nullopt;
        long long value = 0;
        std::size_t i = raw[0] == '-' ? 1 : 0;
        if (i == raw.size()) return std::nullopt;
        for (; i < raw.size(); ++i) {
            if (raw[i] < '0' || raw[i] > '9' || value > 100000000000LL) return std::nullopt;
            value = value * 10 + (raw[i] - '0');
        }
        return raw[0] == '-' ? -value : value;
    }

  private:
    std::string_view s_;
    std::size_t i_ = 0;

    bool eat(char c) {
        if (i_ < s_.size() && s_[i_] == c) {
            ++i_;
            return true;
        }
        return false;
    }
    void space() {
        while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\n' || s_[i_] == '\r' || s_[i_] == '\t')) ++i_;
    }
    static void utf8(std::string &out, unsigned long cp) {
        if (cp < 0x80) {
            out += static_cast<char>(cp);
        } else if (cp < 0x800) {
            out += static_cast<char>(0xC0 | (cp >> 6));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xE0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        } else {
            out += static_cast<char>(0xF0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (cp & 0x3F));
        }
    }
    std::optional<unsigned long> hex4() {
        if (s_.size() - i_ < 4) return std::nullopt;
        unsigned long v = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = s_[i_++];
            v <<= 4;
            if (c >= '0' && c <= '9') v |= static_cast<unsigned long>(c - '0');
            else if (c >= 'a' && c <= 'f') v |= static_cast<unsigned long>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F') v |= static_cast<unsigned long>(c - 'A' + 10);
            else return std::nullopt;
        }
        return v;
    }
    std::optional<std::string> string() {
        if (!eat('"')) return std::nullopt;
        std::string out;
        while (i_ < s_.size()) {
            const char c = s_[i_++];
            if (c == '"') return out;
            if (c != '\\') {
                out += c;
                continue;
            }
            if (i_ == s_.size()) return std::nullopt;
            switch (s_[i_++]) {
                case '"': out += '"'; break;
                case '\\': out += '\\'; break;
                case '/': out += '/'; break;
                case 'b': out += '\b'; break;
                case 'f': out += '\f'; break;
                case 'n': out += '\n'; break;
                case 'r': out += '\r'; break;
                case 't': out += '\t'; break;
                case 'u': {
                    std::optional<unsigned long> cp = hex4();
                    if (!cp) return std::nullopt;
                    // A surrogate pair is one code point.
                    if (*cp >= 0xD800 && *cp < 0xDC00 && eat('\\') && eat('u')) {
                        std::optional<unsigned long> low = hex4();
                        if (!low || *low < 0xDC00 || *low > 0xDFFF) return std::nullopt;
                        cp = 0x10000 + ((*cp - 0xD800) << 10) + (*low - 0xDC00);
                    }
                    utf8(out, *cp);
                    break;
                }
                default: return std::nullopt;
            }
        }
        return std::nullopt;
    }
    bool skip_value() {
        if (i_ >= s_.size()) return false;
        const char c = s_[i_];
        if (c == '"') return string().has_value();
        if (c == '{' || c == '[') {
            // Brackets balanced, strings skipped whole.
            int depth = 0;
            while (i_ < s_.size()) {
                const char d = s_[i_];
                if (d == '"') {
                    if (!string()) return false;
                    continue;
                }
                ++i_;
                if (d == '{' || d == '[') ++depth;
                if ((d == '}' || d == ']') && --depth == 0) return true;
            }
            return false;
        }
        const std::size_t start = i_;
        while (i_ < s_.size() && s_[i_] != ',' && s_[i_] != '}' && s_[i_] != ']' && s_[i_] != ' ') ++i_;
        return i_ > start;
    }
};

}  // namespace detail

// A failed call: the fields of the library's error document.
class Error : public std::runtime_error {
  public:
    // Reads an error document; `status` is the C function's return value.
    Error(lcbot_status status, std::string document)
        : std::runtime_error(message_of(document)), status_(status), document_(std::move(document)) {
        detail::Reader(document_).members([this](const std::string &key, std::string_view raw) {
            if (key == "code") code_ = detail::Reader::as_string(raw).value_or("");
            else if (key == "http_status") http_status_ = to_int(detail::Reader::as_integer(raw));
            else if (key == "attempts") attempts_ = static_cast<unsigned>(detail::Reader::as_integer(raw).value_or(0));
            else if (key == "outcome") outcome_unknown_ = detail::Reader::as_string(raw) == std::optional<std::string>("unknown");
            else if (key == "api_error" && raw != "null") read_api_error(raw);
        });
    }

    // LCBOT_ERR_*: e.g. LCBOT_ERR_VALIDATION, LCBOT_ERR_API.
    lcbot_status status() const noexcept { return status_; }
    // The code's name: "validation", "api", "timeout", ...
    const std::string &code() const noexcept { return code_; }
    std::string message() const { return what(); }
    // The HTTP status LiveChat answered with, for LCBOT_ERR_API.
    std::optional<int> http_status() const noexcept { return http_status_; }
    // LiveChat's error `type` ("authentication", "not_found", ...), empty when none.
    const std::string &api_type() const noexcept { return api_type_; }
    const std::string &api_message() const noexcept { return api_message_; }
    // LiveChat's `data`, as JSON text (empty when none), e.g. {"region":"fra"}.
    const std::string &api_data() const noexcept { return api_data_; }
    // HTTP attempts made (0: nothing was sent).
    unsigned attempts() const noexcept { return attempts_; }
    // A write may have been applied although the call failed: read before repeating it.
    bool outcome_unknown() const noexcept { return outcome_unknown_; }
    // The whole error document.
    const std::string &document() const noexcept { return document_; }

  private:
    lcbot_status status_;
    std::string document_;
    std::string code_;
    std::optional<int> http_status_;
    std::string api_type_;
    std::string api_message_;
    std::string api_data_;
    unsigned attempts_ = 0;
    bool outcome_unknown_ = false;

    static std::string message_of(const std::string &document) {
        std::string message = "livechat-bots: no error document";
        detail::Reader(document).members([&message](const std::string &key, std::string_view raw) {
            if (key == "message") message = detail::Reader::as_string(raw).value_or(message);
        });
        return message;
    }
    static std::optional<int> to_int(std::optional<long long> v) {
        return v ? std::optional<int>(static_cast<int>(*v)) : std::nullopt;
    }
    void read_api_error(std::string_view raw) {
        detail::Reader(raw).members([this](const std::string &key, std::string_view value) {
            if (key == "type") api_type_ = detail::Reader::as_string(value).value_or("");
            else if (key == "message") api_message_ = detail::Reader::as_string(value).value_or("");
            else if (key == "data") api_data_ = std::string(value);
        });
    }
};

namespace detail {

// Throws the error `out` holds (taking it) unless `status` is LCBOT_OK.
inline void check(lcbot_status status, char *out) {
    if (status != LCBOT_OK) throw Error(status, take(out));
    lcbot_string_free(out);
}

// Runs a C function that answers a document through `char **out`.
template <typename Fn, typename... Args>
std::string answer(Fn fn, Args... args) {
    char *out = nullptr;
    const lcbot_status status = fn(args..., &out);
    if (status != LCBOT_OK) throw Error(status, take(out));
    return take(out);
}

}  // namespace detail

// lcbot_version(): the library's version, e.g. "0.1.0".
inline std::string version() { return lcbot_version(); }

// The library's field lists (lcbot_schema).
inline std::string schema() { return detail::answer(lcbot_schema); }

// A client config document for the common case; "" leaves a key out
// (the library's defaults: https://api.livechatinc.com, API version 3.0,
// the system's CA roots only). An empty argument is left out of the
// document: the library then takes it from LIVECHAT_TOKEN, LIVECHAT_BASE_URL
// or LIVECHAT_API_VERSION when set (client_config() alone is a client aimed
// wherever the environment says). `ca_pem`: more CAs to trust, as PEM text.
inline std::string client_config(std::string_view token = {}, std::string_view base_url = {}, std::string_view api_version = {},
                                 std::string_view ca_pem = {}) {
    std::string config;
    if (!token.empty()) config += ",\"token\":" + detail::quote(token);
    if (!base_url.empty()) config += ",\"base_url\":" + detail::quote(base_url);
    if (!api_version.empty()) config += ",\"api_version\":" + detail::quote(api_version);
    if (!ca_pem.empty()) config += ",\"ca_pem\":" + detail::quote(ca_pem);
    if (config.empty()) return "{}";
    config[0] = '{';
    return config + "}";
}

// A cancel token: cancel() from any thread ends the calls that use it with
// LCBOT_ERR_CANCELLED (and every later call too).
class CancelToken {
  public:
    CancelToken() {
        lcbot_cancel_token *token = nullptr;
        const lcbot_status status = lcbot_cancel_token_new(&token);
        if (status != LCBOT_OK) throw Error(status, "");
        token_.reset(token);
    }
    void cancel() const noexcept { lcbot_cancel(token_.get()); }
    const lcbot_cancel_token *get() const noexcept { return token_.get(); }

  private:
    struct Free {
        void operator()(lcbot_cancel_token *t) const noexcept { lcbot_cancel_token_free(t); }
    };
    std::unique_ptr<lcbot_cancel_token, Free> token_;
};

// Per-call settings; 0 and nullptr keep the client's.
struct CallOptions {
    std::uint32_t timeout_ms = 0;
    std::uint32_t attempt_timeout_ms = 0;
    // Not owned: must outlive the call.
    const CancelToken *cancel = nullptr;

    lcbot_call_options c() const noexcept {
        lcbot_call_options o{};
        o.version = LCBOT_CALL_OPTIONS_VERSION;
        o.timeout_ms = timeout_ms;
        o.attempt_timeout_ms = attempt_timeout_ms;
        o.cancel = cancel ? cancel->get() : nullptr;
        return o;
    }
};

// A LiveChat Configuration API client (lcbot_client). One client may serve
// many threads at once; it must outlive the calls in flight.
class Client {
  public:
    // Asked for a new token when LiveChat answers `authentication`;
    // std::nullopt means "none", and the call fails as it did.
    using TokenProvider = std::function<std::optional<std::string>()>;
    // Told of a notice document ({"kind", "api_version", "until", "message"}).
    using NoticeHandler = std::function<void(const std::string &notice_json)>;

    // `config_json` as lcbot_client_new takes it, e.g. client_config(token, url).
    explicit Client(const std::string &config_json) : callbacks_(std::make_unique<Callbacks>()) {
        if (lcbot_abi_version() != LCBOT_ABI_VERSION) {
            throw std::runtime_error("livechat-bots: the library's ABI version differs from this header's");
        }
        lcbot_client *client = nullptr;
        char *error = nullptr;
        const lcbot_status status = lcbot_client_new(config_json.c_str(), &client, &error);
        detail::check(status, error);
        client_.reset(client);
    }

    // Documents in, documents out: see livechat_bots.h for each action's shapes.
    std::string create_bot_agent(const std::string &request, const CallOptions &options = {}) const {
        return run(lcbot_create_bot_agent, request, options);
    }
    std::string remove_bot_agent(const std::string &request, const CallOptions &options = {}) const {
        return run(lcbot_remove_bot_agent, request, options);
    }
    std::string update_bot_agent(const std::string &request, const CallOptions &options = {}) const {
        return run(lcbot_update_bot_agent, request, options);
    }
    std::string get_bot_agents(const std::string &request = "{}", const CallOptions &options = {}) const {
        return run(lcbot_get_bot_agents, request, options);
    }
    std::string get_bot_agent_details(const std::string &request, const CallOptions &options = {}) const {
        return run(lcbot_get_bot_agent_details, request, options);
    }
    // Any other action, sent as it is (lcbot_call).
    std::string call(const std::string &action, const std::string &payload = "{}", const CallOptions &options = {}) const {
        const lcbot_call_options o = options.c();
        return detail::answer(lcbot_call, client_.get(), action.c_str(), payload.c_str(), &o);
    }

    // {"token": ..., "token_type": "Bearer"|"Basic"}, for the calls that start afterwards.
    void set_credentials(const std::string &credentials_json) const {
        char *error = nullptr;
        detail::check(lcbot_client_set_credentials(client_.get(), credentials_json.c_str(), &error), error);
    }

    // An empty function removes the provider. It runs on the calling thread
    // and must not call this client.
    void set_token_provider(TokenProvider provider) {
        char *error = nullptr;
        const bool on = static_cast<bool>(provider);
        callbacks_->token = std::move(provider);
        detail::check(lcbot_client_set_token_provider(client_.get(), on ? &Client::provide : nullptr,
                                                      on ? callbacks_.get() : nullptr, &error),
                      error);
    }

    // An empty function removes the handler. It must not call this client.
    void set_notice_handler(NoticeHandler handler) {
        char *error = nullptr;
        const bool on = static_cast<bool>(handler);
        callbacks_->notice = std::move(handler);
        detail::check(lcbot_client_set_notice_handler(client_.get(), on ? &Client::notify : nullptr,
                                                      on ? callbacks_.get() : nullptr, &error),
                      error);
    }

    // The notices seen so far, a JSON array.
    std::string notices() const { return detail::answer(lcbot_client_notices, client_.get()); }

    // The settings in use, the environment's included (no secret):
    // {"api_version","base_url","region","token_type"}.
    std::string settings() const { return detail::answer(lcbot_client_settings, client_.get()); }

    // The Configuration API actions a bot needs: its token (v3.5+), its
    // webhooks (v3.3+). Request and answer shapes as in livechat_bots.h.
    std::string issue_bot_token(const std::string &request, const CallOptions &options = {}) const {
        return run(lcbot_issue_bot_token, request, options);
    }
    std::string reset_bot_secret(const std::string &request, const CallOptions &options = {}) const {
        return run(lcbot_reset_bot_secret, request, options);
    }
    std::string register_webhook(const std::string &request, const CallOptions &options = {}) const {
        return run(lcbot_register_webhook, request, options);
    }
    std::string list_webhooks(const std::string &request, const CallOptions &options = {}) const {
        return run(lcbot_list_webhooks, request, options);
    }
    std::string unregister_webhook(const std::string &request, const CallOptions &options = {}) const {
        return run(lcbot_unregister_webhook, request, options);
    }

    // Bot templates (v3.5+): shapes as in livechat_bots.h. The secrets in the
    // answers of create and reset are the templates' bots' secrets.
    std::string create_bot_template(const std::string &request, const CallOptions &options = {}) const {
        return run(lcbot_create_bot_template, request, options);
    }
    std::string update_bot_template(const std::string &request, const CallOptions &options = {}) const {
        return run(lcbot_update_bot_template, request, options);
    }
    std::string delete_bot_template(const std::string &request, const CallOptions &options = {}) const {
        return run(lcbot_delete_bot_template, request, options);
    }
    std::string list_bot_templates(const std::string &request = "{}", const CallOptions &options = {}) const {
        return run(lcbot_list_bot_templates, request, options);
    }
    std::string reset_bot_template_secret(const std::string &request, const CallOptions &options = {}) const {
        return run(lcbot_reset_bot_template_secret, request, options);
    }

    // Batches (v3.5+): {"requests": [...]} -> {"responses": [{"result"} or
    // {"error"}], "succeeded", "failed"}. Only a batch that was not sent
    // throws (a request broke a rule: the message names requests[i]); once
    // sent, each item says how it went.
    std::string batch_create_bot_agents(const std::string &request, const CallOptions &options = {}) const {
        return run(lcbot_batch_create_bot_agents, request, options);
    }
    std::string batch_update_bot_agents(const std::string &request, const CallOptions &options = {}) const {
        return run(lcbot_batch_update_bot_agents, request, options);
    }
    std::string batch_remove_bot_agents(const std::string &request, const CallOptions &options = {}) const {
        return run(lcbot_batch_remove_bot_agents, request, options);
    }

    const lcbot_client *get() const noexcept { return client_.get(); }

  private:
    struct Free {
        void operator()(lcbot_client *c) const noexcept { lcbot_client_free(c); }
    };
    // Heap-held so that their address, given to the library, survives a move.
    struct Callbacks {
        TokenProvider token;
        NoticeHandler notice;
    };
    // Declared first: destroyed last, after the client that points to it.
    std::unique_ptr<Callbacks> callbacks_;
    std::unique_ptr<lcbot_client, Free> client_;

    template <typename Fn>
    std::string run(Fn fn, const std::string &request, const CallOptions &options) const {
        const lcbot_call_options o = options.c();
        return detail::answer(fn, client_.get(), request.c_str(), &o);
    }

    // No exception may cross into the library: a throwing callback counts as "no token".
    static std::int32_t provide(void *user_data, char *buf, std::size_t len) noexcept {
        try {
            const std::optional<std::string> token = static_cast<Callbacks *>(user_data)->token();
            if (!token || token->size() >= len) return 1;
            token->copy(buf, token->size());
            buf[token->size()] = '\0';
            return 0;
        } catch (...) {
            return 1;
        }
    }
    static void notify(void *user_data, const char *notice_json) noexcept {
        try {
            static_cast<Callbacks *>(user_data)->notice(notice_json);
        } catch (...) {
        }
    }
};

// One bot acting on the Agent Chat Web API through a client (lcbot_bot):
// named by author_id (v3.0), X-Author-Id (v3.1-v3.5) or its own token (v3.5
// with a secret, v3.6). Safe from many threads; it keeps its client's
// library handle alive, so the Client object may go first.
class Bot {
  public:
    // `identity_json`: {"bot_agent_id", "bot_secret"?, "client_id"?, "organization_id"?}.
    Bot(const Client &client, const std::string &identity_json) {
        lcbot_bot *bot = nullptr;
        char *error = nullptr;
        const lcbot_status status = lcbot_bot_new(client.get(), identity_json.c_str(), &bot, &error);
        detail::check(status, error);
        bot_.reset(bot);
    }

    // Today's (v3.6) request shapes, translated for the client's version.
    std::string set_routing_status(const std::string &request, const CallOptions &options = {}) const {
        return run(lcbot_bot_set_routing_status, request, options);
    }
    std::string send_event(const std::string &request, const CallOptions &options = {}) const {
        return run(lcbot_bot_send_event, request, options);
    }
    std::string list_chats(const std::string &request = "{}", const CallOptions &options = {}) const {
        return run(lcbot_bot_list_chats, request, options);
    }
    std::string get_chat(const std::string &request, const CallOptions &options = {}) const {
        return run(lcbot_bot_get_chat, request, options);
    }
    std::string transfer_chat(const std::string &request, const CallOptions &options = {}) const {
        return run(lcbot_bot_transfer_chat, request, options);
    }
    std::string deactivate_chat(const std::string &request, const CallOptions &options = {}) const {
        return run(lcbot_bot_deactivate_chat, request, options);
    }
    std::string list_routing_statuses(const std::string &request = "{}", const CallOptions &options = {}) const {
        return run(lcbot_bot_list_routing_statuses, request, options);
    }
    // Any Agent Chat action as this bot, sent as it is (lcbot_bot_call).
    std::string call(const std::string &action, const std::string &payload = "{}", const CallOptions &options = {}) const {
        const lcbot_call_options o = options.c();
        return detail::answer(lcbot_bot_call, bot_.get(), action.c_str(), payload.c_str(), &o);
    }

    const lcbot_bot *get() const noexcept { return bot_.get(); }

  private:
    struct Free {
        void operator()(lcbot_bot *b) const noexcept { lcbot_bot_free(b); }
    };
    std::unique_ptr<lcbot_bot, Free> bot_;

    template <typename Fn>
    std::string run(Fn fn, const std::string &request, const CallOptions &options) const {
        const lcbot_call_options o = options.c();
        return detail::answer(fn, bot_.get(), request.c_str(), &o);
    }
};

// A call that ended, from Queue::next: its tag, and what the blocking call
// would have returned (status and document).
struct Completion {
    std::uint64_t tag = 0;
    lcbot_status status = LCBOT_OK;
    std::string document;

    bool ok() const noexcept { return status == LCBOT_OK; }
    // The answer document; throws Error when the call failed.
    const std::string &value() const {
        if (status != LCBOT_OK) throw Error(status, document);
        return document;
    }
};

// A completion queue (lcbot_queue): many calls in flight from one thread.
// submit() returns at once; next() (or polling fd()) gives each call's
// Completion with its tag. Destroying the queue cancels the calls still in
// flight and waits for them. One queue may serve many clients and bots.
class Queue {
  public:
    Queue() {
        lcbot_queue *queue = nullptr;
        char *error = nullptr;
        const lcbot_status status = lcbot_queue_new(&queue, &error);
        detail::check(status, error);
        queue_.reset(queue);
    }

    // Readable while completions wait: poll it, then next(0) until empty.
    int fd() const noexcept { return lcbot_queue_fd(queue_.get()); }
    // Calls submitted whose completions were not yet taken.
    std::size_t in_flight() const noexcept { return lcbot_queue_in_flight(queue_.get()); }

    // Submits `operation` ("get_bot_agents", "issue_bot_token",
    // "call:ACTION", ...) on `client`; throws Error for an unknown
    // operation or a request that is not JSON (nothing is queued then).
    void submit(const Client &client, std::uint64_t tag, const std::string &operation, const std::string &request = "{}",
                const CallOptions &options = {}) const {
        const lcbot_call_options o = options.c();
        char *error = nullptr;
        const lcbot_status status =
            lcbot_client_submit(client.get(), queue_.get(), tag, operation.c_str(), request.c_str(), &o, &error);
        detail::check(status, error);
    }
    // The same as `bot` ("send_event", "list_chats", "call:ACTION", ...).
    void submit(const Bot &bot, std::uint64_t tag, const std::string &operation, const std::string &request = "{}",
                const CallOptions &options = {}) const {
        const lcbot_call_options o = options.c();
        char *error = nullptr;
        const lcbot_status status =
            lcbot_bot_submit(bot.get(), queue_.get(), tag, operation.c_str(), request.c_str(), &o, &error);
        detail::check(status, error);
    }

    // The next completion, waiting up to `timeout_ms` (-1: until one comes,
    // 0: only looks); std::nullopt when none came in time or none is in flight.
    std::optional<Completion> next(std::int32_t timeout_ms = -1) const {
        lcbot_completion *done = nullptr;
        char *error = nullptr;
        const lcbot_status status = lcbot_queue_next(queue_.get(), timeout_ms, &done, &error);
        detail::check(status, error);
        if (!done) return std::nullopt;
        std::unique_ptr<lcbot_completion, FreeCompletion> owned(done);
        return Completion{done->tag, done->status, done->document ? done->document : ""};
    }

    const lcbot_queue *get() const noexcept { return queue_.get(); }

  private:
    struct Free {
        void operator()(lcbot_queue *q) const noexcept { lcbot_queue_free(q); }
    };
    struct FreeCompletion {
        void operator()(lcbot_completion *c) const noexcept { lcbot_completion_free(c); }
    };
    std::unique_ptr<lcbot_queue, Free> queue_;
};

// The value at an RFC 6901 pointer of a JSON document (a string unquoted,
// anything else as JSON text); throws Error when it names nothing.
inline std::string json_get(const std::string &json, const std::string &pointer) {
    return detail::answer(lcbot_json_get, json.c_str(), pointer.c_str());
}

// `text` as a JSON string literal, quotes included.
inline std::string json_quote(const std::string &text) { return detail::answer(lcbot_json_quote, text.c_str()); }

// Checks a webhook body LiveChat POSTed against the accepted secrets (a JSON
// array) and answers its normalized event document. Throws Error with
// LCBOT_ERR_SECRET_MISMATCH (answer 401), LCBOT_ERR_TOO_LARGE (413), or a
// malformed-body status (400).
inline std::string webhook_verify(const std::string &secrets_json, std::string_view body, std::uint32_t max_body_bytes = 0) {
    lcbot_webhook_options options{};
    options.version = LCBOT_WEBHOOK_OPTIONS_VERSION;
    options.max_body_bytes = max_body_bytes;
    return detail::answer(lcbot_webhook_verify, secrets_json.c_str(), reinterpret_cast<const std::uint8_t *>(body.data()),
                          body.size(), static_cast<const lcbot_webhook_options *>(&options));
}

#if defined(LCBOT_HAS_EMULATOR)
// The offline emulator (lcbot_emulator): an HTTP server on 127.0.0.1 that
// answers like LiveChat. Stopped when destroyed; stop its clients first.
class Emulator {
  public:
    // `config_json` as lcbot_emulator_start takes it; "" is the default
    // (token "dev-token", a free port).
    explicit Emulator(const std::string &config_json = "") {
        lcbot_emulator *emulator = nullptr;
        char *error = nullptr;
        const lcbot_status status =
            lcbot_emulator_start(config_json.empty() ? nullptr : config_json.c_str(), &emulator, &error);
        detail::check(status, error);
        emulator_.reset(emulator);
    }

    // E.g. "http://127.0.0.1:41234" ("https://..." with {"tls": true}).
    std::string url() const { return lcbot_emulator_url(emulator_.get()); }
    // The PEM of the CA that signed its certificate ({"tls": true}), for
    // client_config's `ca_pem`; "" over plain HTTP.
    std::string ca_pem() const { return detail::answer(lcbot_emulator_ca_pem, emulator_.get()); }
    // Queues a fault, e.g. {"status": 503}; answers {"pending_faults": N}.
    std::string inject(const std::string &fault_json) const {
        return detail::answer(lcbot_emulator_inject, emulator_.get(), fault_json.c_str());
    }
    // The request log document.
    std::string requests() const { return detail::answer(lcbot_emulator_requests, emulator_.get()); }
    // The customer's side: {group_id?, text?, customer?} -> {chat_id, bot_id, state, ...}.
    std::string start_chat(const std::string &request) const {
        return detail::answer(lcbot_emulator_start_chat, emulator_.get(), request.c_str());
    }
    // {chat_id, text} -> {event_id}.
    std::string send_message(const std::string &request) const {
        return detail::answer(lcbot_emulator_send_message, emulator_.get(), request.c_str());
    }
    // {chat_id} -> {}.
    std::string close_chat(const std::string &request) const {
        return detail::answer(lcbot_emulator_close_chat, emulator_.get(), request.c_str());
    }
    // {"organization_id", "chats": [{chat_id, state, bot_id, routing, transcript}]}.
    std::string chats() const { return detail::answer(lcbot_emulator_chats, emulator_.get()); }
    // The webhook delivery log document.
    std::string deliveries() const { return detail::answer(lcbot_emulator_deliveries, emulator_.get()); }
    // {"pending_faults": N, "faults": [...]}: the faults still waiting for a request.
    std::string faults() const { return detail::answer(lcbot_emulator_faults, emulator_.get()); }
    // Drops every pending fault: {"cleared": N, "pending_faults": 0}.
    std::string clear_faults() const { return detail::answer(lcbot_emulator_clear_faults, emulator_.get()); }
    // Installs application {"client_id"} on the license: a bot per template.
    std::string install_application(const std::string &request) const {
        return detail::answer(lcbot_emulator_install_application, emulator_.get(), request.c_str());
    }
    // {"templates": [...], "installed": [client ids]}.
    std::string templates() const { return detail::answer(lcbot_emulator_templates, emulator_.get()); }

    const lcbot_emulator *get() const noexcept { return emulator_.get(); }

  private:
    struct Stop {
        void operator()(lcbot_emulator *e) const noexcept { lcbot_emulator_stop(e); }
    };
    std::unique_ptr<lcbot_emulator, Stop> emulator_;
};
#endif

}  // namespace livechat_bots

#endif  // LIVECHAT_BOTS_HPP
