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

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from ferpaguard.evidence.determinism import canonical_json, write_text
from ferpaguard.evidence.view import prepare
from ferpaguard.run import RunResult

MANIFEST = "manifest.json"
ENVELOPE = "manifest.dsse.json"
PUBLIC_KEY = "manifest.pub.pem"
BUNDLE_FILES = frozenset({MANIFEST, ENVELOPE, PUBLIC_KEY})
PAYLOAD_TYPE = "application/vnd.in-toto+json"
STATEMENT_TYPE = "https://in-toto.io/Statement/v1"
PREDICATE_TYPE = "urn:ferpaguard:evidence-bundle:v1"
MANIFEST_FORMAT = "ferpaguard-evidence-manifest"


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


def symlinks(directory: Path) -> list[str]:
    """Relative paths of symbolic links under `directory`: a bundle holds regular files only."""
    found = []
    for root, dirs, files in os.walk(directory):
        found += [Path(root, name).relative_to(directory).as_posix() for name in (*dirs, *files)
                  if Path(root, name).is_symlink()]
    return sorted(found)


def evidence_files(directory: Path) -> list[str]:
    """Relative POSIX paths of the files to cover, sorted; the bundle's own files excluded."""
    found = []
    for root, dirs, files in os.walk(directory):
        dirs.sort()
        for name in files:
            relative = PurePosixPath(Path(root, name).relative_to(directory).as_posix())
            if str(relative) not in BUNDLE_FILES:
                found.append(str(relative))
    return sorted(found)


def key_id(public_key: Ed25519PublicKey) -> str:
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (OSError, ValueError, TypeError) as error:
        raise BundleError(f"{path}: cannot read an unencrypted PEM private key ({error})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise BundleError(f"{path}: the signing key must be Ed25519, got {type(key).__name__}")
    return key


def load_public_key(path: Path) -> Ed25519PublicKey:
    try:
        key = serialization.load_pem_public_key(path.read_bytes())
    except (OSError, ValueError, TypeError) as error:
        raise BundleError(f"{path}: cannot read a PEM public key ({error})") from None
    if not isinstance(key, Ed25519PublicKey):
        raise BundleError(f"{path}: the public key must be Ed25519, got {type(key).__name__}")
    return key


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
    envelope = {
        "payloadType": PAYLOAD_TYPE,
        "payload": base64.b64encode(payload).decode("ascii"),
        "signatures": [{"keyid": key_id(key.public_key()), "sig": base64.b64encode(signature).decode("ascii")}],
    }
    envelope_path = write_text(output_dir / ENVELOPE, canonical_json(envelope))
    public_path = output_dir / PUBLIC_KEY
    public_path.write_bytes(public_pem(key.public_key()))
    return [manifest_path, envelope_path, public_path]


def _check_signature(envelope: dict[str, Any], key: Ed25519PublicKey) -> tuple[bytes | None, str | None]:
    """The verified payload, or None and the reason."""
    if envelope.get("payloadType") != PAYLOAD_TYPE:
        return None, f"{ENVELOPE}: payloadType is {envelope.get('payloadType')!r}, expected {PAYLOAD_TYPE}"
    try:
        payload = base64.b64decode(envelope["payload"], validate=True)
        signatures = [base64.b64decode(s["sig"], validate=True) for s in envelope["signatures"]]
    except (KeyError, TypeError, ValueError):
        return None, f"{ENVELOPE}: malformed DSSE envelope"
    message = pae(PAYLOAD_TYPE, payload)
    for signature in signatures:
        try:
            key.verify(signature, message)
            return payload, None
        except InvalidSignature:
            continue
    return None, f"{ENVELOPE}: signature does not verify with the given public key (wrong key or altered envelope)"


def _check_statement(payload: bytes, manifest_bytes: bytes) -> list[str]:
    try:
        statement = json.loads(payload)
        subjects = statement["subject"]
    except (ValueError, KeyError, TypeError):
        return [f"{ENVELOPE}: payload is not an in-toto Statement"]
    problems = []
    if statement.get("_type") != STATEMENT_TYPE:
        problems.append(f"{ENVELOPE}: statement _type is {statement.get('_type')!r}")
    if statement.get("predicateType") != PREDICATE_TYPE:
        problems.append(f"{ENVELOPE}: predicateType is {statement.get('predicateType')!r}")
    digest = hashlib.sha256(manifest_bytes).hexdigest()
    signed = [s.get("digest", {}).get("sha256") for s in subjects if isinstance(s, dict) and s.get("name") == MANIFEST]
    if digest not in signed:
        problems.append(f"modified: {MANIFEST} (its SHA-256 is not the one the signed statement names)")
    return problems


def _unsafe(path: str) -> bool:
    pure = PurePosixPath(path)
    return pure.is_absolute() or ".." in pure.parts or path in BUNDLE_FILES or not path


def _check_files(directory: Path, manifest: dict[str, Any]) -> list[str]:
    problems = [f"symlink: {path} (a bundle holds regular files only)" for path in symlinks(directory)]
    listed: set[str] = set()
    entries = manifest.get("files", [])
    if not isinstance(entries, list):
        return [*problems, f"{MANIFEST}: `files` is not a list"]
    for entry in entries:
        path = str(entry.get("path", "")) if isinstance(entry, dict) else ""
        if _unsafe(path):
            problems.append(f"{MANIFEST}: unsafe path {path!r}")
            continue
        listed.add(path)
        target = directory / path
        if not target.is_file():
            problems.append(f"missing: {path}")
        elif sha256_file(target) != entry.get("sha256"):
            problems.append(f"modified: {path}")
    problems += [f"extra: {path}" for path in evidence_files(directory) if path not in listed]
    return problems


def verify_bundle(directory: Path, public_key: Path | None = None) -> VerifyResult:
    manifest_path = directory / MANIFEST
    if not manifest_path.is_file():
        return VerifyResult(False, [f"{directory}: no {MANIFEST}, not an evidence bundle"], not_a_bundle=True)
    manifest_bytes = manifest_path.read_bytes()
    try:
        manifest = json.loads(manifest_bytes)
    except ValueError:
        return VerifyResult(False, [f"{MANIFEST}: not valid JSON"])
    if not isinstance(manifest, dict) or manifest.get("format") != MANIFEST_FORMAT:
        return VerifyResult(False, [f"{MANIFEST}: not a ferpaguard evidence manifest"])
    result = VerifyResult(True)
    key_path = public_key
    if key_path is None:
        key_path = directory / PUBLIC_KEY
        result.key_from_bundle = True
        result.notes.append(
            f"verified with the bundle's own {PUBLIC_KEY}: this proves integrity, not who produced the bundle; "
            "pass --public-key to check origin"
        )
    envelope_path = directory / ENVELOPE
    if not envelope_path.is_file():
        result.problems.append(f"missing: {ENVELOPE} (the manifest is not signed)")
    elif not key_path.is_file():
        result.problems.append(f"missing: {key_path.name} (no public key to verify the signature)")
    else:
        try:
            key = load_public_key(key_path)
            envelope = json.loads(envelope_path.read_bytes())
        except BundleError as error:
            result.problems.append(str(error))
        except ValueError:
            result.problems.append(f"{ENVELOPE}: not valid JSON")
        else:
            payload, reason = _check_signature(envelope, key) if isinstance(envelope, dict) else (None, "malformed")
            if payload is None:
                result.problems.append(reason or f"{ENVELOPE}: invalid")
            else:
                try:
                    result.problems += _check_statement(payload, manifest_bytes)
                except (TypeError, AttributeError, KeyError, ValueError) as error:
                    result.problems.append(f"{ENVELOPE}: malformed statement ({type(error).__name__})")
    try:
        result.problems += _check_files(directory, manifest)
    except (TypeError, AttributeError, KeyError, ValueError) as error:
        result.problems.append(f"{MANIFEST}: malformed ({type(error).__name__})")
    result.ok = not result.problems
    return result
