"""The signed evidence bundle: a manifest of every file's SHA-256, signed as an
in-toto Statement v1 inside a DSSE envelope (Ed25519).

Files written beside the evidence:
  manifest.json       every file's path, size and SHA-256 (sorted), plus the run metadata
  manifest.dsse.json  DSSE envelope; its payload is an in-toto Statement whose subject is manifest.json
  manifest.pub.pem    the public half of the signing key (SubjectPublicKeyInfo PEM)

With no signing key a fresh Ed25519 key is generated; its private half is
discarded (or written only where the caller asks), so such a bundle proves
integrity, not origin.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ferpaguard.evidence.determinism import canonical_json, write_text
from ferpaguard.evidence.view import prepare
from ferpaguard.inputs import BUNDLE_FILE, InputError, InputKind, KiB, read_bounded
from ferpaguard.run import RunResult

MANIFEST = "manifest.json"
ENVELOPE = "manifest.dsse.json"
PUBLIC_KEY = "manifest.pub.pem"
BUNDLE_FILES = frozenset({MANIFEST, ENVELOPE, PUBLIC_KEY})
PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "urn:ferpaguard:evidence-bundle:v1"
MANIFEST_FORMAT = "ferpaguard-evidence-manifest"
KEY_FILE = InputKind("PEM key file", 64 * KiB, "FERPAGUARD_MAX_BUNDLE_BYTES")


class BundleError(ValueError):
    """A signing or verification key that cannot be used; the message says why."""


@dataclass(slots=True)
class VerifyResult:
    ok: bool
    problems: list[str] = field(default_factory=list)
    not_a_bundle: bool = False
    key_from_bundle: bool = False
    """True when the signature was checked with the bundle's own manifest.pub.pem: integrity, not origin."""
    notes: list[str] = field(default_factory=list)


def pae(payload_type: str, payload: bytes) -> bytes:
    """DSSE v1 pre-authentication encoding."""
    kind = payload_type.encode("utf-8")
    return b"DSSEv1 %d %s %d %s" % (len(kind), kind, len(payload), payload)


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 16), b""):
            digest.update(block)
    return digest.hexdigest()


def _walk(directory: Path) -> tuple[list[str], list[str]]:
    """(regular files other than the bundle's own, symbolic links) under `directory`, as sorted relative POSIX paths."""
    files: list[str] = []
    links: list[str] = []
    top = os.fspath(directory)
    for root, dirs, names in os.walk(top):
        prefix = os.path.relpath(root, top).replace(os.sep, "/")
        prefix = "" if prefix == "." else prefix + "/"
        for name in dirs:
            if os.path.islink(os.path.join(root, name)):
                links.append(prefix + name)
        for name in names:
            relative = prefix + name
            if os.path.islink(os.path.join(root, name)):
                links.append(relative)
            if relative not in BUNDLE_FILES:
                files.append(relative)
    return sorted(files), sorted(links)


def symlinks(directory: Path) -> list[str]:
    """Relative paths of symbolic links under `directory`: a bundle holds regular files only."""
    return _walk(directory)[1]


def evidence_files(directory: Path) -> list[str]:
    """Relative POSIX paths of the files to cover, sorted; the bundle's own files excluded."""
    return _walk(directory)[0]


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def _read_key_file(path: Path) -> bytes:
    try:
        return read_bounded(path, KEY_FILE)
    except InputError as error:
        raise BundleError(str(error)) from None


def load_private_key(path: Path) -> Ed25519PrivateKey:
    data = _read_key_file(path)
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise BundleError(f"{path}: cannot read an unencrypted PEM private key ({_reason(error)})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise BundleError(f"{path}: the signing key must be Ed25519, got {type(key).__name__}")
    return key


def load_public_key(path: Path, data: bytes | None = None) -> Ed25519PublicKey:
    """The Ed25519 public key in `path` (or `data` read from it), which must hold exactly its canonical PEM."""
    if data is None:
        data = _read_key_file(path)
    try:
        key = serialization.load_pem_public_key(data)
    except (ValueError, TypeError, UnsupportedAlgorithm) as error:
        raise BundleError(f"{path}: cannot read a PEM public key ({_reason(error)})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise BundleError(f"{path}: the public key must be Ed25519, got {type(key).__name__}")
    if data != public_pem(key):
        raise BundleError(
            f"{path}: not exactly one canonical PEM public key (text around it, other line breaks or encoding)"
        )
    return key


def _reason(error: Exception) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text if len(text) <= 120 else text[:117] + "..."


def _run_metadata(run: RunResult) -> dict[str, Any]:
    view = prepare(run)
    summary = view.summary
    return view.metadata() | {
        "summary": {
            "total": summary["total"],
            "by_status": summary["by_status"],
            "mandatory_failures": summary["mandatory_failures"],
        }
    }


def _envelope_text(payload: bytes, keyid: str, signature: bytes) -> str:
    """The one form of the DSSE envelope ferpaguard writes, and the only one `verify_bundle` accepts."""
    envelope = {
        "payloadType": PAYLOAD_TYPE,
        "payload": base64.b64encode(payload).decode("ascii"),
        "signatures": [{"keyid": keyid, "sig": base64.b64encode(signature).decode("ascii")}],
    }
    return canonical_json(envelope)


def _statement(manifest_bytes: bytes, predicate: dict[str, Any]) -> bytes:
    statement = {
        "_type": STATEMENT_TYPE,
        "subject": [{"name": MANIFEST, "digest": {"sha256": hashlib.sha256(manifest_bytes).hexdigest()}}],
        "predicateType": PREDICATE_TYPE,
        "predicate": predicate,
    }
    return json.dumps(statement, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def write_bundle(
    output_dir: Path, run: RunResult, signing_key: Path | None, *, save_generated_key: Path | None = None
) -> list[Path]:
    """Write manifest.json, manifest.dsse.json and manifest.pub.pem into output_dir; returns their paths.

    `save_generated_key`, when given and no signing key is, receives the generated private key (mode 0600).
    """
    linked = symlinks(output_dir)
    if linked:
        raise BundleError(f"{output_dir}/{linked[0]} is a symbolic link; a bundle holds regular files only")
    key = load_private_key(signing_key) if signing_key else Ed25519PrivateKey.generate()
    if signing_key is None and save_generated_key is not None:
        pem = key.private_bytes(
            serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        save_generated_key.parent.mkdir(parents=True, exist_ok=True)
        descriptor = os.open(save_generated_key, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(descriptor, "wb") as handle:
            handle.write(pem)
    metadata = _run_metadata(run)
    files = [
        {"path": path, "sha256": sha256_file(output_dir / path), "size": (output_dir / path).stat().st_size}
        for path in evidence_files(output_dir)
    ]
    manifest = {"format": MANIFEST_FORMAT, "format_version": 1, "run": metadata, "files": files}
    manifest_path = write_text(output_dir / MANIFEST, canonical_json(manifest))
    payload = _statement(manifest_path.read_bytes(), metadata)
    signature = key.sign(pae(PAYLOAD_TYPE, payload))
    envelope_path = write_text(output_dir / ENVELOPE, _envelope_text(payload, key_id(key.public_key()), signature))
    public_path = output_dir / PUBLIC_KEY
    public_path.write_bytes(public_pem(key.public_key()))
    return [manifest_path, envelope_path, public_path]


def _strict_base64(text: Any) -> bytes | None:
    """The bytes of `text` when it is standard padded base64 in its one canonical spelling, else None."""
    if type(text) is not str or not text.isascii():
        return None
    try:
        decoded = base64.b64decode(text, validate=True)
    except ValueError:
        return None
    return decoded if base64.b64encode(decoded).decode("ascii") == text else None


def _exact_keys(value: Any, keys: set[str]) -> bool:
    return type(value) is dict and set(value) == keys


def _signed_payload(envelope_bytes: bytes, key: Ed25519PublicKey) -> tuple[bytes | None, list[str]]:
    """The payload of the envelope if the envelope is exactly the canonical one ferpaguard writes and
    its one signature verifies with `key`; otherwise None and what is wrong."""
    try:
        envelope = json.loads(envelope_bytes)
    except ValueError:
        return None, [f"{ENVELOPE}: not valid JSON"]
    if not _exact_keys(envelope, {"payloadType", "payload", "signatures"}):
        return None, [f"{ENVELOPE}: not a DSSE envelope with exactly payloadType, payload and signatures"]
    if envelope["payloadType"] != PAYLOAD_TYPE:
        return None, [f"{ENVELOPE}: payloadType is {envelope['payloadType']!r}, expected {PAYLOAD_TYPE}"]
    signatures = envelope["signatures"]
    if type(signatures) is not list or len(signatures) != 1:
        return None, [f"{ENVELOPE}: expected exactly one signature"]
    entry = signatures[0]
    if not _exact_keys(entry, {"keyid", "sig"}):
        return None, [f"{ENVELOPE}: the signature entry must hold exactly keyid and sig"]
    payload, signature = _strict_base64(envelope["payload"]), _strict_base64(entry["sig"])
    if payload is None or signature is None:
        return None, [f"{ENVELOPE}: payload or sig is not canonical base64"]
    try:
        key.verify(signature, pae(PAYLOAD_TYPE, payload))
    except InvalidSignature:
        reason = "signature does not verify with the given public key (wrong key or altered envelope)"
        return None, [f"{ENVELOPE}: {reason}"]
    problems = []
    if entry["keyid"] != key_id(key):
        problems.append(f"{ENVELOPE}: keyid is not the SHA-256 of the verifying key")
    if _envelope_text(payload, str(entry["keyid"]), signature).encode("utf-8") != envelope_bytes:
        problems.append(f"{ENVELOPE}: not in canonical form (changed spacing, key order or escapes)")
    return payload, problems


def _check_statement(payload: bytes, manifest_bytes: bytes, manifest: dict[str, Any]) -> list[str]:
    try:
        statement = json.loads(payload)
    except ValueError:
        return [f"{ENVELOPE}: payload is not an in-toto Statement"]
    if not _exact_keys(statement, {"_type", "subject", "predicateType", "predicate"}):
        return [f"{ENVELOPE}: payload is not an in-toto Statement"]
    problems = []
    if statement["_type"] != STATEMENT_TYPE:
        problems.append(f"{ENVELOPE}: statement _type is {statement['_type']!r}")
    if statement["predicateType"] != PREDICATE_TYPE:
        problems.append(f"{ENVELOPE}: predicateType is {statement['predicateType']!r}")
    if statement["predicate"] != manifest.get("run"):
        problems.append(f"{ENVELOPE}: the signed run metadata differs from {MANIFEST}'s")
    if _statement(manifest_bytes, statement["predicate"]) != payload:
        problems.append(f"modified: {MANIFEST} (its SHA-256 is not the one the signed statement names)")
    return problems


def _unsafe(path: str) -> bool:
    pure = PurePosixPath(path)
    return pure.is_absolute() or ".." in pure.parts or path in BUNDLE_FILES or not path


def _check_files(directory: Path, manifest: dict[str, Any]) -> list[str]:
    present, links = _walk(directory)
    problems = [f"symlink: {path} (a bundle holds regular files only)" for path in links]
    listed: set[str] = set()
    entries = manifest["files"]
    if not isinstance(entries, list):
        return [*problems, f"{MANIFEST}: `files` is not a list"]
    for entry in entries:
        if not _exact_keys(entry, {"path", "sha256", "size"}) or type(entry["path"]) is not str:
            problems.append(f"{MANIFEST}: a file entry is not exactly path, sha256 and size")
            continue
        path = entry["path"]
        if _unsafe(path) or path in listed:
            problems.append(f"{MANIFEST}: unsafe or repeated path {path!r}")
            continue
        listed.add(path)
        target = directory / path
        try:
            changed = target.stat().st_size != entry["size"] or sha256_file(target) != entry["sha256"]
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            problems.append(f"missing: {path}")
            continue
        if changed:
            problems.append(f"modified: {path}")
    problems += [f"extra: {path}" for path in present if path not in listed]
    return problems


def _read_bundle_file(directory: Path, name: str, problems: list[str]) -> bytes | None:
    path = directory / name
    try:
        return read_bounded(path, BUNDLE_FILE)
    except InputError as error:
        problems.append(f"missing: {name}" if not path.exists() else str(error))
        return None


def _parse_manifest(manifest_bytes: bytes) -> tuple[dict[str, Any] | None, str | None]:
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError:
        return None, f"{MANIFEST}: not valid JSON"
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        return None, f"{MANIFEST}: not a ferpaguard evidence manifest"
    if set(manifest) != {"format", "format_version", "run", "files"} or manifest["format_version"] != 1:
        return None, f"{MANIFEST}: unexpected fields or format_version"
    return manifest, None


def _bundle_key(directory: Path, problems: list[str]) -> Ed25519PublicKey | None:
    """The bundle's own manifest.pub.pem, which must be exactly one canonical Ed25519 public key PEM."""
    data = _read_bundle_file(directory, PUBLIC_KEY, problems)
    if data is None:
        return None
    try:
        return load_public_key(directory / PUBLIC_KEY, data)
    except BundleError as error:
        problems.append(str(error).replace(str(directory / PUBLIC_KEY), PUBLIC_KEY, 1))
        return None


def verify_bundle(directory: Path, public_key: Path | None = None) -> VerifyResult:
    """Check a bundle: every evidence file against the manifest, the manifest against the signed
    statement, and the envelope and key file against the one canonical form ferpaguard writes."""
    if not (directory / MANIFEST).is_file():
        return VerifyResult(False, [f"{directory}: no {MANIFEST}, not an evidence bundle"], not_a_bundle=True)
    result = VerifyResult(True)
    problems = result.problems
    manifest_bytes = _read_bundle_file(directory, MANIFEST, problems)
    manifest, problem = _parse_manifest(manifest_bytes) if manifest_bytes is not None else (None, None)
    if problem:
        problems.append(problem)
    bundle_key = _bundle_key(directory, problems)
    key = bundle_key
    if public_key is None:
        result.key_from_bundle = True
        result.notes.append(
            f"verified with the bundle's own {PUBLIC_KEY}: this proves integrity, not who produced the bundle; "
            "pass --public-key to check origin"
        )
    else:
        try:
            key = load_public_key(public_key)
        except BundleError as error:
            problems.append(str(error))
            key = None
    envelope_bytes = _read_bundle_file(directory, ENVELOPE, problems)
    if envelope_bytes is not None and key is not None:
        payload, envelope_problems = _signed_payload(envelope_bytes, key)
        problems += envelope_problems
        if payload is not None and bundle_key is not None and public_pem(key) != public_pem(bundle_key):
            problems.append(f"{PUBLIC_KEY}: not the public key the bundle was signed with")
        if payload is not None and manifest is not None and manifest_bytes is not None:
            problems += _check_statement(payload, manifest_bytes, manifest)
    if manifest is not None:
        problems += _check_files(directory, manifest)
    result.ok = not problems
    return result
