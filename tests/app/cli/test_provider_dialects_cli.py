"""`relaydesk provider add/edit/list/show` with --anthropic-url, --responses-native and
wildcard --map aliases; `relaydesk price set` with a pattern."""


def test_add_takes_the_kind_preset_and_list_shows_it(cli):
    added = cli.json("provider", "add", "ds", "--kind", "deepseek", "--models", "deepseek-chat")
    assert (added["anthropic_base_url"], added["responses_native"]) == (
        "https://api.deepseek.com/anthropic", False)
    lines = cli.ok("provider", "list").out.splitlines()
    assert "ANTHROPIC URL" in lines[0] and "RESPONSES" in lines[0]
    assert "https://api.deepseek.com/anthropic" in lines[1]


def test_add_with_both_flags_then_edit_round_trip(cli):
    added = cli.json("provider", "add", "gw", "--kind", "openai", "--models", "gpt-5",
                     "--anthropic-url", "https://gw.example/anthropic/", "--responses-native")
    assert (added["anthropic_base_url"], added["responses_native"]) == (
        "https://gw.example/anthropic", True)
    shown = cli.json("provider", "show", "gw")
    assert (shown["anthropic_base_url"], shown["responses_native"]) == (
        "https://gw.example/anthropic", True)
    edited = cli.json("provider", "edit", "gw", "--priority", "2")  # flags absent: kept
    assert (edited["anthropic_base_url"], edited["responses_native"]) == (
        "https://gw.example/anthropic", True)
    edited = cli.json("provider", "update", "gw", "--anthropic-url", "none",
                      "--no-responses-native")
    assert (edited["anthropic_base_url"], edited["responses_native"]) == (None, False)
    edited = cli.json("provider", "edit", "gw", "--anthropic-url", "http://10.1.1.1/a")
    assert (edited["anthropic_base_url"], edited["responses_native"]) == (
        "http://10.1.1.1/a", False)


def test_add_with_anthropic_url_none_skips_the_preset(cli):
    added = cli.json("provider", "add", "z", "--kind", "zhipu", "--models", "glm-4",
                     "--anthropic-url", "none")
    assert added["anthropic_base_url"] is None


def test_bad_anthropic_url_is_one_error_line(cli):
    cli.ok("provider", "add", "p", "--kind", "openai", "--models", "m")
    message = cli.fails("provider", "edit", "p", "--anthropic-url", "ftp://x.example")
    assert message.startswith("Anthropic API base URL must look like")


def test_wildcard_map_and_price(cli):
    added = cli.json("provider", "add", "ds", "--kind", "deepseek", "--models", "deepseek-chat",
                     "--map", "claude-haiku-*=deepseek-chat", "--map", "claude-*=deepseek-chat")
    assert added["model_map"] == {"claude-haiku-*": "deepseek-chat",
                                  "claude-*": "deepseek-chat"}
    assert "not a valid pattern" in cli.fails("provider", "edit", "ds", "--map",
                                              "claude-*-4=deepseek-chat")
    assert cli.json("price", "set", "claude-*", "--input", "3", "--output", "15")[
        "model"] == "claude-*"
    assert "may only end the name" in cli.fails("price", "set", "*", "--input", "1",
                                                "--output", "1")
