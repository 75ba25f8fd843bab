import base64
import hashlib
import json
import stat
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ec import SECP256R1, generate_private_key
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ferpaguard.evidence import BundleError, verify_bundle, write_bundle
from ferpaguard.evidence.bundle import ENVELOPE, MANIFEST, PUBLIC_KEY, pae
from tests.evidence import factory


def write_private_key(path: Path, key=None) -> Path:
    key = key or Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    path.write_bytes(pem)
    return path


def write_public_key(path: Path, key: Ed25519PrivateKey) -> Path:
    pem = key.public_key().public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)
    path.write_bytes(pem)
    return path


@pytest.fixture
def bundle(broken_dir: Path) -> Path:
    write_bundle(broken_dir, factory.broken_run(), None)
    return broken_dir


def test_intact_bundle_verifies_and_says_the_key_came_from_the_bundle(bundle: Path) -> None:
    result = verify_bundle(bundle, None)
    assert result.ok and result.problems == [] and not result.not_a_bundle
    assert result.key_from_bundle
    assert "integrity, not who produced" in result.notes[0]


def test_manifest_lists_every_file_sorted_with_its_digest(bundle: Path) -> None:
    manifest = json.loads((bundle / MANIFEST).read_text())
    paths = [entry["path"] for entry in manifest["files"]]
    assert paths == sorted(paths)
    assert "oscal/assessment-results.json" in paths and "report.html" in paths
    assert not {MANIFEST, ENVELOPE, PUBLIC_KEY} & set(paths)
    for entry in manifest["files"]:
        assert entry["sha256"] == hashlib.sha256((bundle / entry["path"]).read_bytes()).hexdigest()
    assert manifest["run"]["pack"]["sha256"] == factory.PACK_HASH


def test_envelope_is_a_dsse_signed_in_toto_statement_over_the_manifest(bundle: Path) -> None:
    envelope = json.loads((bundle / ENVELOPE).read_text())
    assert envelope["payloadType"] == "application/vnd.in-toto+json"
    payload = base64.b64decode(envelope["payload"])
    statement = json.loads(payload)
    assert statement["_type"] == "https://in-toto.io/Statement/v1"
    assert statement["subject"] == [
        {"name": "manifest.json", "digest": {"sha256": hashlib.sha256((bundle / MANIFEST).read_bytes()).hexdigest()}}
    ]
    assert statement["predicateType"].startswith("urn:ferpaguard:")
    assert statement["predicate"]["summary"]["mandatory_failures"] == 2
    public = serialization.load_pem_public_key((bundle / PUBLIC_KEY).read_bytes())
    assert isinstance(public, Ed25519PublicKey)
    signed = b"DSSEv1 28 application/vnd.in-toto+json %d " % len(payload) + payload
    assert pae("application/vnd.in-toto+json", payload) == signed
    public.verify(base64.b64decode(envelope["signatures"][0]["sig"]), signed)


def test_no_private_key_is_written_into_the_bundle(bundle: Path) -> None:
    for path in bundle.rglob("*"):
        if path.is_file():
            assert b"PRIVATE KEY" not in path.read_bytes(), path


def test_one_byte_change_is_named(bundle: Path) -> None:
    target = bundle / "findings.csv"
    data = bytearray(target.read_bytes())
    data[10] ^= 0x01
    target.write_bytes(bytes(data))
    result = verify_bundle(bundle, None)
    assert not result.ok and not result.not_a_bundle
    assert result.problems == ["modified: findings.csv"]


def test_missing_and_extra_files_are_named(bundle: Path) -> None:
    (bundle / "oscal" / "component-definition.json").unlink()
    (bundle / "oscal" / "injected.json").write_text("{}")
    problems = verify_bundle(bundle, None).problems
    assert "missing: oscal/component-definition.json" in problems
    assert "extra: oscal/injected.json" in problems


def test_edited_manifest_breaks_the_signature_binding(bundle: Path) -> None:
    manifest = json.loads((bundle / MANIFEST).read_text())
    manifest["files"] = [e for e in manifest["files"] if e["path"] != "report.md"]
    (bundle / MANIFEST).write_text(json.dumps(manifest))
    problems = verify_bundle(bundle, None).problems
    assert any(p.startswith("modified: manifest.json") for p in problems)
    assert "extra: report.md" in problems


def test_signing_key_and_matching_public_key_prove_origin(broken_dir: Path, tmp_path: Path) -> None:
    key = Ed25519PrivateKey.generate()
    private = write_private_key(tmp_path / "signing.pem", key)
    write_bundle(broken_dir, factory.broken_run(), private)
    result = verify_bundle(broken_dir, write_public_key(tmp_path / "trusted.pub.pem", key))
    assert result.ok and not result.key_from_bundle and result.notes == []


def test_wrong_public_key_fails(bundle: Path, tmp_path: Path) -> None:
    other = write_public_key(tmp_path / "other.pub.pem", Ed25519PrivateKey.generate())
    result = verify_bundle(bundle, other)
    assert not result.ok
    assert result.problems == [
        f"{ENVELOPE}: signature does not verify with the given public key (wrong key or altered envelope)"
    ]


def test_swapped_bundled_public_key_fails(bundle: Path) -> None:
    write_public_key(bundle / PUBLIC_KEY, Ed25519PrivateKey.generate())
    assert not verify_bundle(bundle, None).ok


def test_directory_without_manifest_is_not_a_bundle(tmp_path: Path) -> None:
    result = verify_bundle(tmp_path, None)
    assert result.not_a_bundle and not result.ok


def test_generated_key_is_saved_only_where_asked(broken_dir: Path, tmp_path: Path) -> None:
    saved = tmp_path / "keys" / "generated.pem"
    write_bundle(broken_dir, factory.broken_run(), None, save_generated_key=saved)
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    key = serialization.load_pem_private_key(saved.read_bytes(), password=None)
    bundled = (broken_dir / PUBLIC_KEY).read_bytes()
    assert write_public_key(tmp_path / "derived.pem", key).read_bytes() == bundled


def test_non_ed25519_signing_key_is_refused(broken_dir: Path, tmp_path: Path) -> None:
    ec_key = write_private_key(tmp_path / "ec.pem", generate_private_key(SECP256R1()))
    with pytest.raises(BundleError, match="must be Ed25519"):
        write_bundle(broken_dir, factory.broken_run(), ec_key)
