"""The program source: a Pulumi Python program run offline under Pulumi's mocks."""

from __future__ import annotations

from importlib.metadata import version
from pathlib import Path

import pytest

from ferpaguard.sources import ProgramError, ProgramRun, run_program
from ferpaguard.sources.program import default_stack, start_program
from policies.model import Resource
from policies.values import SECRET_SIG, SIG_KEY, UNKNOWN_STRING, is_secret

PROGRAMS = Path(__file__).parent / "programs"
REPO_ROOT = Path(__file__).resolve().parents[2]


def by_name(run: ProgramRun, type_: str, name: str) -> Resource:
    (found,) = [r for r in run.resources if r.type == type_ and r.name == name]
    return found


@pytest.fixture(scope="module")
def vpclink() -> ProgramRun:
    return run_program(PROGRAMS / "vpclink")


@pytest.fixture(scope="module")
def components() -> ProgramRun:
    return run_program(PROGRAMS / "components")


def test_dependent_input_is_unknown_with_property_dependencies(vpclink: ProgramRun) -> None:
    nlb = by_name(vpclink, "aws:lb/loadBalancer:LoadBalancer", "nlb")
    link = by_name(vpclink, "aws:apigateway/vpcLink:VpcLink", "link")
    assert nlb.urn == "urn:pulumi:dev::vpclink::aws:lb/loadBalancer:LoadBalancer::nlb"
    assert link.props["targetArn"] == UNKNOWN_STRING
    assert link.property_dependencies["targetArn"] == (nlb.urn,)
    assert nlb.urn in link.dependencies
    assert link.id is None and nlb.id is None


def test_inputs_arrive_in_engine_wire_form(vpclink: ProgramRun) -> None:
    vpc = by_name(vpclink, "aws:ec2/vpc:Vpc", "main")
    assert dict(vpc.props) == {"cidrBlock": "10.0.0.0/16", "enableDnsHostnames": True}
    assert by_name(vpclink, "aws:lb/loadBalancer:LoadBalancer", "nlb").props["loadBalancerType"] == "network"
    version = by_name(vpclink, "aws:secretsmanager/secretVersion:SecretVersion", "db")
    assert is_secret(version.props["secretString"])
    assert version.props["secretString"][SIG_KEY] == SECRET_SIG


def test_root_stack_is_registered_first_and_parents_top_level_resources(vpclink: ProgramRun) -> None:
    stack = vpclink.resources[0]
    assert (stack.type, stack.urn, stack.custom) == (
        "pulumi:pulumi:Stack",
        "urn:pulumi:dev::vpclink::pulumi:pulumi:Stack::vpclink-dev",
        False,
    )
    assert {r.parent for r in vpclink.resources[1:]} == {stack.urn}
    assert stack.outputs == {"vpc_cidr": "10.0.0.0/16", "link": UNKNOWN_STRING}
    assert vpclink.stack_outputs is stack.outputs


def test_resources_come_in_the_order_the_program_constructed_them(vpclink: ProgramRun) -> None:
    # The subnet waits for the VPC's id and reaches the monitor after the secret; the order is still the program's.
    names = [(r.type.rsplit(":", 1)[-1], r.name) for r in vpclink.resources]
    assert names == [
        ("Stack", "vpclink-dev"),
        ("Vpc", "main"),
        ("Subnet", "private"),
        ("LoadBalancer", "nlb"),
        ("VpcLink", "link"),
        ("Secret", "db"),
        ("SecretVersion", "db"),
    ]


def test_program_output_is_kept_apart_from_the_result(vpclink: ProgramRun) -> None:
    assert "hello from the program; the password is [secret]" in vpclink.log
    assert (vpclink.project, vpclink.stack) == ("vpclink", "dev")
    assert vpclink.program_file == (PROGRAMS / "vpclink" / "__main__.py").resolve()


def test_component_children_carry_the_parent_type_chain(components: ProgramRun) -> None:
    urns = [r.urn for r in components.resources]
    prefix = "urn:pulumi:dev::components::"
    assert prefix + "ferpa:net:Network::net" in urns
    assert prefix + "ferpa:net:Network$ferpa:net:Inner::net-inner" in urns
    vpc = by_name(components, "aws:ec2/vpc:Vpc", "net-inner-vpc")
    assert vpc.urn == prefix + "ferpa:net:Network$ferpa:net:Inner$aws:ec2/vpc:Vpc::net-inner-vpc"
    assert vpc.parent == prefix + "ferpa:net:Network$ferpa:net:Inner::net-inner"
    assert by_name(components, "ferpa:net:Network", "net").custom is False


def test_explicit_provider_and_invokes(components: ProgramRun) -> None:
    bucket = by_name(components, "aws:s3/bucket:Bucket", "logs")
    assert bucket.provider == f"urn:pulumi:dev::components::pulumi:providers:aws::east::{UNKNOWN_STRING}"
    assert bucket.props["bucket"] == "logs-123456789012-us-east-1"
    outputs = components.stack_outputs
    assert outputs["zones"] == ["us-east-1a", "us-east-1b", "us-east-1c"]
    assert outputs["partition"] == "aws"
    assert '"Action": [\n        "s3:GetObject"' in outputs["policy"]


def test_two_programs_in_one_process_do_not_mix(vpclink: ProgramRun, components: ProgramRun) -> None:
    again = run_program(PROGRAMS / "vpclink")
    assert [r.urn for r in again.resources] == [r.urn for r in vpclink.resources]
    assert all("::vpclink::" in r.urn for r in again.resources)
    assert all("::components::" in r.urn for r in components.resources)


def test_unexpected_keyword_names_file_line_and_argument() -> None:
    with pytest.raises(ProgramError) as raised:
        run_program(PROGRAMS / "typo")
    assert raised.value.message == (
        "infra/api.py:5: aws.apigateway.VpcLink got an unexpected keyword argument 'target_arns'"
        f" (did you mean 'target_arn'?) (pulumi-aws {version('pulumi-aws')}: ferpaguard's own, the project has no"
        " environment)"
    )


def test_unexpected_keyword_outside_a_resource_stays_a_plain_type_error(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: args\nruntime: python\n")
    (tmp_path / "__main__.py").write_text(
        "import pulumi\nimport pulumi_aws as aws\n\n\nclass Net(pulumi.ComponentResource):\n"
        "    def __init__(self, name: str) -> None:\n        super().__init__('x:y:Net', name)\n"
        "        aws.ec2.VpcArgs(cidr_blocks='10.0.0.0/16')\n\n\nNet('n')\n"
    )
    with pytest.raises(ProgramError) as raised:
        run_program(tmp_path)
    assert raised.value.message == (
        "__main__.py:8: TypeError: VpcArgs.__init__() got an unexpected keyword argument 'cidr_blocks'"
    )


def test_program_exception_is_one_line_without_secrets() -> None:
    with pytest.raises(ProgramError) as raised:
        run_program(PROGRAMS / "raiser")
    message = raised.value.message
    assert message.startswith("program.py:6: ValueError: refusing to deploy: the password ")
    assert "\n" not in message and "Traceback" not in message
    assert "correct-horse-battery-staple" not in message and "[secret]" in message


@pytest.fixture(scope="module")
def configured() -> ProgramRun:
    return run_program(PROGRAMS / "configured")


def test_stack_config_and_project_defaults(configured: ProgramRun) -> None:
    run = configured
    assert run.stack == "prod"
    bucket = by_name(run, "aws:s3/bucket:Bucket", "records")
    assert dict(bucket.props) == {"bucket": "records-eu-west-1", "tags": {"team": "registrar", "retention": "30"}}
    assert run.undecryptable == ("configured:dbPassword",)
    assert "configured:dbPassword" not in run.config
    assert not [r for r in run.resources if r.type == "aws:secretsmanager/secretVersion:SecretVersion"]
    assert run.stack_outputs == {"versioned": True, "region": "eu-west-1"}


def test_plain_config_read_as_secret_is_wrapped_and_redacted(configured: ProgramRun) -> None:
    run = configured
    assert is_secret(by_name(run, "aws:ssm/parameter:Parameter", "token").props["value"])
    assert run.config["configured:apiToken"] == "[secret]"


def test_overrides_win_and_stay_secret_for_secure_keys() -> None:
    run = run_program(PROGRAMS / "configured", "prod", {"bucketPrefix": "x", "dbPassword": "stand-in-pw"})
    assert by_name(run, "aws:s3/bucket:Bucket", "records").props["bucket"] == "x-eu-west-1"
    version = by_name(run, "aws:secretsmanager/secretVersion:SecretVersion", "db")
    assert is_secret(version.props["secretString"])
    assert run.config["configured:dbPassword"] == "[secret]"
    assert run.config["configured:bucketPrefix"] == "x"


def test_missing_required_config_is_one_clear_line(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: needs\nruntime: python\n")
    (tmp_path / "Pulumi.dev.yaml").write_text("config:\n  needs:dbPassword:\n    secure: AAABAG5vdA==\n")
    (tmp_path / "__main__.py").write_text("import pulumi\n\npulumi.Config().require_secret('dbPassword')\n")
    with pytest.raises(ProgramError) as raised:
        run_program(tmp_path)
    assert raised.value.message.startswith("__main__.py:3: Missing required configuration variable 'needs:dbPassword'")
    assert raised.value.message.endswith("pass a stand-in with --config needs:dbPassword=...)")


@pytest.mark.parametrize(
    ("files", "expected"),
    [
        ({}, "no Pulumi.yaml"),
        ({"Pulumi.yaml": "name: js\nruntime: nodejs\n"}, "runtime is 'nodejs'"),
        ({"Pulumi.yaml": "name: p\nruntime: python\nmain: app.py\n"}, "main program app.py does not exist"),
        ({"Pulumi.yaml": "name: [unclosed\n"}, "cannot read"),
    ],
)
def test_unusable_projects_are_refused(tmp_path: Path, files: dict[str, str], expected: str) -> None:
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    with pytest.raises(ProgramError, match="^.*" + expected.replace("(", r"\(")):
        run_program(tmp_path)


def test_default_stack_choice(tmp_path: Path) -> None:
    assert default_stack(tmp_path) == "dev"
    (tmp_path / "Pulumi.prod.yaml").write_text("config: {}\n")
    assert default_stack(tmp_path) == "prod"
    (tmp_path / "Pulumi.test.yaml").write_text("config: {}\n")
    with pytest.raises(ProgramError, match="several stacks"):
        default_stack(tmp_path)
    (tmp_path / "Pulumi.dev.yaml").write_text("config: {}\n")
    assert default_stack(tmp_path) == "dev"


def test_main_file_runs_with_its_directory_on_the_path(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: filemain\nruntime: python\nmain: src/app.py\nstackConfigDir: stacks\n")
    (tmp_path / "stacks").mkdir()
    (tmp_path / "stacks" / "Pulumi.qa.yaml").write_text("config:\n  owner: registrar\n")
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "names.py").write_text("BUCKET = 'from-sibling-module'\n")
    (tmp_path / "src" / "app.py").write_text(
        "import os\n\nimport pulumi\nimport pulumi_aws as aws\n\nfrom names import BUCKET\n\n"
        "tags = {'cwd': os.path.basename(os.getcwd()), 'owner': pulumi.Config().require('owner')}\n"
        "aws.s3.Bucket('b', bucket=BUCKET, tags=tags)\n"
    )
    run = run_program(tmp_path)
    bucket = by_name(run, "aws:s3/bucket:Bucket", "b")
    assert dict(bucket.props) == {"bucket": "from-sibling-module", "tags": {"cwd": tmp_path.name, "owner": "registrar"}}
    assert run.program_file == tmp_path.resolve() / "src" / "app.py"
    assert run.stack == "qa"


SEED_PROGRAMS = sorted(p.parent for p in (REPO_ROOT / "tests" / "programs").glob("*/Pulumi.yaml"))


@pytest.fixture(scope="module")
def seed_runs() -> dict[str, ProgramRun | ProgramError]:
    """Seed programs, two at a time: concurrent runs must stay as separate as sequential ones."""
    results: dict[str, ProgramRun | ProgramError] = {}
    for batch in range(0, len(SEED_PROGRAMS), 2):
        pending = {p.name: start_program(p) for p in SEED_PROGRAMS[batch : batch + 2]}
        for name, run in pending.items():
            try:
                results[name] = run.wait()
            except ProgramError as error:
                results[name] = error
    return results


@pytest.mark.parametrize("program_dir", SEED_PROGRAMS, ids=[p.name for p in SEED_PROGRAMS])
def test_seed_programs_run_or_fail_in_one_line(
    program_dir: Path, seed_runs: dict[str, ProgramRun | ProgramError]
) -> None:
    outcome = seed_runs[program_dir.name]
    if isinstance(outcome, ProgramError):
        assert "\n" not in outcome.message and "Traceback" not in outcome.message
        assert outcome.message.startswith("__main__.py:")
    else:
        assert outcome.resources[0].type == "pulumi:pulumi:Stack" and len(outcome.resources) > 1
        assert all(f"::{outcome.project}::" in r.urn for r in outcome.resources)


def test_seed_typo_names_the_argument() -> None:
    if not (REPO_ROOT / "tests" / "programs" / "target_arns" / "Pulumi.yaml").is_file():
        pytest.skip("seed program not present")
    with pytest.raises(
        ProgramError,
        match=r"^__main__\.py:\d+: aws\.apigateway\.VpcLink got an unexpected keyword "
        r"argument 'target_arns'",
    ):
        run_program(REPO_ROOT / "tests" / "programs" / "target_arns")


def test_a_process_that_dies_or_hangs_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "Pulumi.yaml").write_text("name: dies\nruntime: python\n")
    (tmp_path / "__main__.py").write_text("import os\n\nos._exit(3)\n")
    with pytest.raises(ProgramError, match=r"^__main__\.py: the program process ended abnormally \(exit 3\)"):
        run_program(tmp_path)
    (tmp_path / "__main__.py").write_text("import time\n\ntime.sleep(60)\n")
    with pytest.raises(ProgramError, match=r"^__main__\.py: the program did not finish within 0\.5 s \(--timeout\)"):
        run_program(tmp_path, timeout=0.5)


@pytest.mark.skipif(not (REPO_ROOT / "stack" / "__main__.py").is_file(), reason="reference stack not written yet")
def test_reference_stack_runs() -> None:
    run = run_program(REPO_ROOT)
    assert run.program_file == REPO_ROOT / "stack" / "__main__.py"
    assert len(run.resources) > 20
    assert len({r.urn for r in run.resources}) == len(run.resources)
