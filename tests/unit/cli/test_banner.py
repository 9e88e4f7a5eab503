"""``wa up``'s banner: a generated admin token is printed once; one from the environment is
never echoed, the banner says where it came from."""

from cli.up import banner

URL, NATS = "http://127.0.0.1:8080", "nats://127.0.0.1:14222"


def test_a_generated_admin_token_is_printed() -> None:
    text = banner(URL, NATS, "adm_generated123", token_generated=True)
    assert "admin token: adm_generated123" in text
    assert URL in text and NATS in text


def test_an_admin_token_from_the_environment_is_not_echoed() -> None:
    text = banner(URL, NATS, "adm_from_env_secret", token_generated=False)
    assert "adm_from_env_secret" not in text
    assert "admin token: from WA_ADMIN_TOKEN" in text
