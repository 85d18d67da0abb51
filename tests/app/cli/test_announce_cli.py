"""`relaydesk announce post|list|delete`, on SQLite and PostgreSQL."""


def test_post_list_delete(cli):
    posted = cli.json("announce", "post", "Maintenance", "--body", "Sunday 02:00")
    assert (posted["title"], posted["body"], posted["created_by"]) == (
        "Maintenance", "Sunday 02:00", "admin")
    second = cli.ok("announce", "post", "New models", stdin="qwen-max\nglm-4\n").out
    assert second.startswith("announcement ") and second.endswith(" posted\n")
    listed = cli.json("announce", "list")
    assert [(a["title"], a["body"]) for a in listed] == [
        ("New models", "qwen-max\nglm-4"), ("Maintenance", "Sunday 02:00")]
    assert "Maintenance" in cli.ok("announce", "list").out
    assert cli.ok("announce", "delete", str(posted["id"])).out == (
        f"announcement {posted['id']} deleted\n")
    assert [a["title"] for a in cli.json("announce", "list")] == ["New models"]


def test_refusals_change_nothing(cli):
    assert "no announcement with ID 99" in cli.fails("announce", "delete", "99")
    assert "Body is required" in cli.fails("announce", "post", "Empty", "--body", "  ")
    assert "Title must be at most 200 characters" in cli.fails(
        "announce", "post", "x" * 201, "--body", "b")


def test_post_with_email_queues_it_for_users(cli):
    from app.models import MailMessage
    cli.ok("user", "add", "ann", "--email", "ann@example.com")
    assert cli.ok("announce", "post", "Quiet", "--body", "b").out.endswith(" posted\n")
    out = cli.ok("announce", "post", "Loud", "--body", "b", "--email").out
    assert out.endswith(" posted and queued for email\n")
    with cli.bound():
        assert [(m.to_addr, m.subject) for m in MailMessage.select().where(
            MailMessage.kind == "announcement")] == [("ann@example.com", "Loud")]
