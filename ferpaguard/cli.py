"""The `ferpaguard` command line.

Exit codes: 0 no mandatory violation, 1 mandatory violations, 2 usage, input or
program error (one line on stderr, never a traceback).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import click

from ferpaguard import __version__, collector
from ferpaguard.console import error_line
from ferpaguard.errors import EXIT_ERROR, EXIT_OK, EXIT_VIOLATIONS, UserError


def _formats() -> tuple[str, ...]:
    from ferpaguard.evidence import FORMATS

    return tuple(FORMATS)


def run_options(func: Callable[..., Any]) -> Callable[..., Any]:
    """Options shared by `gate` and `audit`."""
    options = [
        click.option(
            "--policy-config",
            "policy_config",
            type=click.Path(dir_okay=False, path_type=Path),
            help="Policy configuration in the `pulumi --policy-pack-config` JSON format (waivers included).",
        ),
        click.option(
            "--format",
            "formats",
            multiple=True,
            metavar="FORMAT",
            help="Output format, repeatable: json, sarif, junit, markdown, html, csv, oscal. "
            "Without --output-dir, `json` prints JSON on stdout.",
        ),
        click.option(
            "--output-dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Write the chosen formats (default: json) into this directory.",
        ),
        click.option(
            "--bundle",
            is_flag=True,
            help="Sign the output directory as an evidence bundle (needs --output-dir).",
        ),
        click.option(
            "--signing-key",
            type=click.Path(dir_okay=False, exists=True, path_type=Path),
            help="Ed25519 private key (PEM) for --bundle; a fresh key is generated when absent.",
        ),
        click.option("--with-checkov", is_flag=True, help="Also run checkov's AWS checks on the same resources."),
        click.option(
            "--checkov-python",
            type=click.Path(path_type=Path),
            help="Python interpreter (or virtualenv) that has checkov, for --with-checkov "
            "(default: $FERPAGUARD_CHECKOV_PYTHON, a checkov on PATH, else an environment ferpaguard creates once).",
        ),
        click.option(
            "--via-pack",
            is_flag=True,
            help="Evaluate by launching the policy pack exactly as the Pulumi CLI does and driving it over gRPC "
            "(slower; the default in-process evaluator gives the same failures and unknowns).",
        ),
        click.option("--soft-fail", is_flag=True, help="Exit 0 even with mandatory violations."),
        click.option("--show-passed", is_flag=True, help="List passing checks in the table too."),
        click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors (and JSON when asked)."),
        click.option("--no-color", is_flag=True, help="No colour (NO_COLOR is honoured too)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="ferpaguard")
def cli() -> None:
    """FERPA technical safeguards for Pulumi AWS stacks."""


@cli.command()
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True)
def rules(fmt: str) -> None:
    """Print the rule catalogue."""
    from ferpaguard import catalogue_docs

    if fmt == "json":
        click.echo(catalogue_docs.as_json())
    elif fmt == "markdown":
        click.echo(catalogue_docs.as_markdown(), nl=False)
    else:
        catalogue_docs.print_table()


@cli.command()
@click.argument("program_dir", required=False, default=".", type=click.Path(file_okay=False, path_type=Path))
@click.option("--stack", "-s", help="Stack whose Pulumi.<stack>.yaml config is used (default: dev, or the only one).")
@click.option(
    "--config",
    "-c",
    "config_pairs",
    multiple=True,
    metavar="KEY=VALUE",
    help="Stack configuration, repeatable; wins over Pulumi.<stack>.yaml.",
)
@click.option(
    "--python",
    "python",
    type=click.Path(path_type=Path),
    help="Python interpreter (or virtualenv directory) to run the program with "
    "(default: the project's own, from Pulumi.yaml's runtime options, else ferpaguard's).",
)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0, min_open=True),
    default=300.0,
    show_default=True,
    help="Seconds the program may run before it and everything it started are stopped.",
)
@run_options
def gate(
    program_dir: Path,
    stack: str | None,
    config_pairs: Sequence[str],
    python: Path | None,
    timeout: float,
    **options: Any,
) -> None:
    """Run a Pulumi Python program offline under Pulumi's mocks and evaluate the pack (preview semantics)."""
    from ferpaguard import pipeline

    overrides = {}
    for pair in config_pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key:
            raise click.UsageError(f"--config expects KEY=VALUE, got {pair!r}")
        overrides[key] = value
    _exit(
        pipeline.gate(
            program_dir,
            stack=stack,
            config=overrides,
            options=pipeline.RunOptions(**options),
            python=python,
            timeout=timeout,
        )
    )


@cli.command()
@click.argument("exports", nargs=-1, type=str)
@click.option(
    "--stack",
    "stacks",
    multiple=True,
    metavar="ORG/PROJECT/STACK",
    help="Export this stack with the Pulumi CLI and audit it; repeatable.",
)
@click.option(
    "--judge-inputs",
    is_flag=True,
    help="Judge resource rules on the export's inputs only, exactly as `pulumi policy analyze` does; by default "
    "a resource whose deployed outputs disagree with its inputs is judged on what is deployed.",
)
@run_options
def audit(exports: Sequence[str], stacks: Sequence[str], judge_inputs: bool, **options: Any) -> None:
    """Audit existing stacks from `pulumi stack export` files (`-` reads stdin)."""
    from ferpaguard import pipeline

    if not exports and not stacks:
        raise click.UsageError("give at least one EXPORT.json (or -) or --stack ORG/PROJECT/STACK")
    run = pipeline.RunOptions(**options, judge_deployed=not judge_inputs)
    _exit(pipeline.audit(list(exports), list(stacks), options=run))


@cli.group()
def evidence() -> None:
    """Work with evidence bundles."""


@evidence.command("verify")
@click.argument("directory", type=click.Path(path_type=Path))
@click.option(
    "--public-key",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="Ed25519 public key (PEM) the bundle must be signed with.",
)
def verify(directory: Path, public_key: Path | None) -> None:
    """Check every file of an evidence bundle against its signed manifest."""
    from ferpaguard.evidence import verify_bundle

    result = verify_bundle(directory, public_key)
    if result.not_a_bundle:
        raise UserError(result.problems[0] if result.problems else f"{directory}: not an evidence bundle")
    if result.ok:
        if result.key_from_bundle:
            click.echo(f"ok: {directory} unchanged since it was signed, by whoever holds the bundle's own key "
                       "(integrity only; pass --public-key to check who signed it)")
        else:
            click.echo(f"ok: {directory} intact and signed by the given public key")
        _exit(EXIT_OK)
    for problem in result.problems:
        click.echo(f"FAILED: {problem}")
    _exit(EXIT_VIOLATIONS)


def _exit(code: int) -> None:
    raise SystemExit(code)


def main(argv: Sequence[str] | None = None) -> None:
    """The console entry point: the command's exit code, with one line and no traceback on any error.
    Called without `argv` it is the process itself, which then ends without freeing what it loaded."""
    if argv is None:
        collector.end_process_at_exit()
    try:
        _run(argv)
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            collector.exit_process(done.code or EXIT_OK)
        error_line(str(done.code))
        collector.exit_process(EXIT_ERROR)
    collector.exit_process(EXIT_OK)


def _run(argv: Sequence[str] | None) -> None:
    try:
        cli.main(args=list(argv) if argv is not None else None, prog_name="ferpaguard", standalone_mode=False)
    except click.exceptions.Abort:
        error_line("aborted")
        sys.exit(EXIT_ERROR)
    except click.ClickException as error:
        error_line(error.format_message())
        sys.exit(EXIT_ERROR)
    except UserError as error:
        error_line(str(error))
        sys.exit(EXIT_ERROR)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        error_line("interrupted")
        sys.exit(EXIT_ERROR)
    except RecursionError:
        error_line("input nested too deeply")
        sys.exit(EXIT_ERROR)
    except Exception as error:  # noqa: BLE001 - the promise is one line, never a traceback
        error_line(f"internal error: {type(error).__name__}: {error}")
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_OK)
