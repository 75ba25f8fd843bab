"""The evidence bundle accepts exactly one form: every bit of every bundle file matters, and the
envelope and key file are refused when they differ in any way from what ferpaguard writes."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from ferpaguard.evidence import verify_bundle, write_bundle
from ferpaguard.evidence.bundle import ENVELOPE, MANIFEST, PUBLIC_KEY
from ferpaguard.run import RunResult
from tests.evidence import factory
from tests.hardening import tally
from tests.hardening.cli_runner import assert_kept_promise, run_in_process


def small_bundle(directory: Path, signing_key: Path | None = None) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    (directory / "note.txt").write_bytes(b"ok\n")
    # The smallest run there is: every bit of the bundle is flipped once, so its size is the test's time.
    write_bundle(directory, RunResult("audit", "0", "p", "0", "0", [], factory.START, factory.START), signing_key)
    assert verify_bundle(directory).ok
    return directory


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    return small_bundle(tmp_path / "bundle")


def envelope_of(bundle: Path) -> dict:
    return json.loads((bundle / ENVELOPE).read_bytes())


def write_envelope(bundle: Path, envelope: dict) -> None:
    (bundle / ENVELOPE).write_text(json.dumps(envelope, sort_keys=True, indent=2) + "\n")


def assert_fails(bundle: Path, expected: str) -> None:
    result = verify_bundle(bundle)
    assert not result.ok, expected
    assert any(expected in problem for problem in result.problems), result.problems
    done = run_in_process("evidence", "verify", str(bundle))
    assert done.code == 1, done
    assert "FAILED: " in done.stdout and expected in done.stdout, done
    assert_kept_promise(done)


@pytest.mark.parametrize("file_name", ["note.txt", MANIFEST, ENVELOPE, PUBLIC_KEY])
def test_every_bit_flip_of_every_bundle_file_fails_verification(bundle: Path, file_name: str) -> None:
    path = bundle / file_name
    original = path.read_bytes()
    accepted = []
    descriptor = os.open(path, os.O_RDWR)
    try:
        with tally.timed(f"bundle bit flips ({file_name})"):
            for index, byte in enumerate(original):
                for bit in range(8):
                    os.pwrite(descriptor, bytes([byte ^ (1 << bit)]), index)
                    if verify_bundle(bundle).ok:
                        accepted.append((index, bit))
                os.pwrite(descriptor, bytes([byte]), index)
            tally.count(f"bundle bit flips ({file_name})", len(original) * 8)
    finally:
        os.close(descriptor)
    assert path.read_bytes() == original
    assert verify_bundle(bundle).ok
    assert accepted == []


def test_an_altered_keyid_fails(bundle: Path) -> None:
    envelope = envelope_of(bundle)
    envelope["signatures"][0]["keyid"] = "0" * 64
    write_envelope(bundle, envelope)
    assert_fails(bundle, "keyid is not the SHA-256 of the verifying key")


@pytest.mark.parametrize("where", ["envelope", "signature"])
def test_an_extra_field_fails(bundle: Path, where: str) -> None:
    envelope = envelope_of(bundle)
    (envelope if where == "envelope" else envelope["signatures"][0])["comment"] = "harmless?"
    write_envelope(bundle, envelope)
    assert_fails(bundle, "exactly")


def test_an_extra_bogus_signature_fails(bundle: Path) -> None:
    envelope = envelope_of(bundle)
    envelope["signatures"].append({"keyid": "", "sig": base64.b64encode(b"\0" * 64).decode()})
    write_envelope(bundle, envelope)
    assert_fails(bundle, "exactly one signature")


def test_a_reordered_or_respaced_envelope_fails(bundle: Path) -> None:
    envelope = envelope_of(bundle)
    (bundle / ENVELOPE).write_text(json.dumps(envelope))
    assert_fails(bundle, "not in canonical form")


@pytest.mark.parametrize("field_name", ["payload", "sig"])
def test_non_canonical_base64_fails(bundle: Path, field_name: str) -> None:
    envelope = envelope_of(bundle)
    holder = envelope if field_name == "payload" else envelope["signatures"][0]
    text = holder[field_name]
    # The same bytes spelled differently: base64 with line breaks, or with the unused low bits set.
    holder[field_name] = text[:20] + "\n" + text[20:]
    write_envelope(bundle, envelope)
    assert_fails(bundle, "not canonical base64")
    if text.endswith("="):
        stripped = text.rstrip("=")
        alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
        last = alphabet.index(stripped[-1])
        spare_bits = 2 if text.endswith("==") is False else 4
        holder[field_name] = stripped[:-1] + alphabet[last | ((1 << spare_bits) - 1)] + text[len(stripped):]
        assert base64.b64decode(holder[field_name]) == base64.b64decode(text)
        write_envelope(bundle, envelope)
        assert_fails(bundle, "not canonical base64")


@pytest.mark.parametrize(
    "change",
    [
        lambda pem: b"comment before the key\n" + pem,
        lambda pem: pem + b"trailing text\n",
        lambda pem: pem.replace(b"\n", b"\r\n"),
        lambda pem: pem + pem,
    ],
    ids=["text-before", "text-after", "crlf", "twice"],
)
def test_a_public_key_file_with_anything_but_its_pem_fails(bundle: Path, change) -> None:
    path = bundle / PUBLIC_KEY
    path.write_bytes(change(path.read_bytes()))
    assert_fails(bundle, PUBLIC_KEY)


def test_a_corrupted_public_key_is_a_failed_verification_not_an_internal_error(bundle: Path) -> None:
    path = bundle / PUBLIC_KEY
    lines = path.read_bytes().split(b"\n")
    body = bytearray(base64.b64decode(lines[1]))
    body[5] ^= 0x40  # the algorithm OID: no longer Ed25519
    lines[1] = base64.b64encode(bytes(body))
    path.write_bytes(b"\n".join(lines))
    assert_fails(bundle, PUBLIC_KEY)


def signed_bundle(tmp_path: Path) -> tuple[Path, Ed25519PrivateKey]:
    key = Ed25519PrivateKey.generate()
    private = tmp_path / "signing.pem"
    private.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return small_bundle(tmp_path / "bundle", private), key


def test_a_given_public_key_file_must_be_canonical_too(tmp_path: Path) -> None:
    bundle, key = signed_bundle(tmp_path)
    public = tmp_path / "given.pub.pem"
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    public.write_bytes(pem)
    assert verify_bundle(bundle, public).ok
    public.write_bytes(b"# my key\n" + pem)
    result = verify_bundle(bundle, public)
    assert not result.ok and any("canonical PEM" in p for p in result.problems), result.problems
    done = run_in_process("evidence", "verify", str(bundle), "--public-key", str(public))
    assert done.code == 1 and "FAILED: " in done.stdout, done


def test_a_bundle_key_other_than_the_signer_fails_even_with_the_right_public_key(tmp_path: Path) -> None:
    bundle, _ = signed_bundle(tmp_path)
    public = tmp_path / "given.pub.pem"
    public.write_bytes((bundle / PUBLIC_KEY).read_bytes())
    other = Ed25519PrivateKey.generate().public_key()
    (bundle / PUBLIC_KEY).write_bytes(
        other.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    )
    result = verify_bundle(bundle, public)
    assert not result.ok and any("not the public key the bundle was signed with" in p for p in result.problems)
