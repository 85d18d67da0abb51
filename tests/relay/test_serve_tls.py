"""`relaydesk serve --tls …` as a real process: it announces an https URL and the certificate's
SHA-256 pin, serves the openai SDK over it, and refuses a bad certificate in one line."""

import asyncio
import datetime
import os
import ssl
import sys
from pathlib import Path

import httpx2
import openai
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app import accounts, apikeys, tls
from tests.relay.serve_process import ServeProcess

PIN_PREFIX = "TLS certificate SHA-256 fingerprint: "


async def _announced_pin(server: ServeProcess) -> str:
    """The fingerprint line follows the URL lines; wait for it (bounded), not for a time."""
    async with asyncio.timeout(30):
        while not any(line.startswith(PIN_PREFIX) for line in server.output):
            assert server.proc is not None and server.proc.returncode is None, server.output
            await asyncio.sleep(0.02)
    (line,) = [line for line in server.output if line.startswith(PIN_PREFIX)]
    return line[len(PIN_PREFIX):].strip()


def _operator_pair(folder: Path) -> tuple[Path, Path]:
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name)
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(days=1))
            .not_valid_after(now + datetime.timedelta(days=30))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost")]),
                           critical=False)
            .sign(key, hashes.SHA256()))
    cert_path, key_path = folder / "op-cert.pem", folder / "op-key.pem"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    return cert_path, key_path


async def test_serve_tls_on_announces_https_and_the_pin_of_the_cert_on_disk(sqlite_db) -> None:
    accounts.add_user("alice", "alice@example.com")
    _, key = apikeys.create_key("alice")
    server = await ServeProcess(sqlite_db.data_dir, args=("--tls", "on")).start()
    try:
        assert server.base_url.startswith("https://127.0.0.1:")
        pin = await _announced_pin(server)
        cert = Path(sqlite_db.data_dir) / "tls" / tls.CERT_NAME
        assert pin == tls.fingerprint_sha256(cert)
        assert any(f"(self-signed): {cert}" in line for line in server.output)
        trusting = httpx2.AsyncClient(verify=ssl.create_default_context(cafile=str(cert)))
        async with openai.AsyncOpenAI(base_url=server.base_url, api_key=key, max_retries=0,
                                      timeout=20.0, http_client=trusting) as client:
            page = await client.models.list()
        assert page.data == []  # no providers yet, but an authenticated answer over TLS
    finally:
        await server.stop()
    assert server.proc is not None and server.proc.returncode == 0, server.output


async def test_serve_with_operator_certificate(sqlite_db, tmp_path: Path) -> None:
    cert, key = _operator_pair(tmp_path)
    server = await ServeProcess(sqlite_db.data_dir, args=(
        "--tls", "on", "--cert", str(cert), "--key", str(key))).start()
    try:
        assert server.base_url.startswith("https://")
        assert await _announced_pin(server) == tls.fingerprint_sha256(cert)
        assert any("(operator-supplied)" in line for line in server.output)
    finally:
        await server.stop()
    assert not (Path(sqlite_db.data_dir) / "tls").exists()  # no self-signed pair was made


async def test_serve_tls_off_and_auto_on_loopback_stay_plain_http(sqlite_db) -> None:
    for args in (("--tls", "off"), ()):
        server = await ServeProcess(sqlite_db.data_dir, args=args).start()
        try:
            assert server.base_url.startswith("http://127.0.0.1:")
        finally:
            await server.stop()
        assert not any(line.startswith(PIN_PREFIX) for line in server.output)


async def test_serve_missing_certificate_is_a_one_line_error(sqlite_db, tmp_path: Path) -> None:
    missing = tmp_path / "missing.pem"
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "app", "--data-dir", str(sqlite_db.data_dir), "serve",
        "--host", "127.0.0.1", "--port", "0", "--tls", "on", "--cert", str(missing),
        "--key", str(missing),
        env={**os.environ, "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring"},
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)
    out, err = await asyncio.wait_for(proc.communicate(), timeout=60)
    assert proc.returncode == 1
    assert out == b""
    assert err.decode().splitlines() == [
        f"relaydesk: error: HTTPS certificate file: {missing} was not found"]
