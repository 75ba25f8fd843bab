// Command pulumi-language-python is a test-only stand-in for Pulumi's Python
// language host, built beside the real CLI by ../build.sh.
//
// The real host is the module
// github.com/pulumi/pulumi/sdk/python/cmd/pulumi-language-python/v3, which the
// Go module proxy reachable here refuses (403, "This module version is not
// available"). This program serves the same LanguageRuntime calls that
// `pulumi preview` and `pulumi policy analyze` make, built from the same
// library pieces the real host uses and that sdk/v3 does ship: the Python
// toolchain (virtualenv resolution and activation), the policy-pack proxy
// (ConfigureStack -> PULUMI_* environment) and the plugin output streams.
// What it leaves out is listed in docs/engine-fidelity.md.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"syscall"

	pulumisdk "github.com/pulumi/pulumi/sdk/v3"
	"github.com/pulumi/pulumi/sdk/v3/go/common/apitype"
	"github.com/pulumi/pulumi/sdk/v3/go/common/util/rpcutil"
	"github.com/pulumi/pulumi/sdk/v3/go/common/version"
	pulumirpc "github.com/pulumi/pulumi/sdk/v3/proto/go"
	"github.com/pulumi/pulumi/sdk/v3/python/toolchain"
	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/emptypb"
)

// executorName is the Python script, shipped in sdk/v3 under python/cmd/,
// that runs a Pulumi program; the real host also expects it beside itself.
const executorName = "pulumi-language-python-exec"

// exitAfterUserMessage is the exit code with which pulumi's Python runtime
// says it already printed an actionable error (the engine then bails quietly).
const exitAfterUserMessage = 32

type host struct {
	pulumirpc.UnimplementedLanguageRuntimeServer

	executor string
	mu       sync.Mutex
	engine   string
}

func main() {
	showVersion := flag.Bool("version", false, "print the version and exit")
	flag.String("tracing", "", "accepted for compatibility; ignored")
	flag.Parse()
	if *showVersion {
		fmt.Println(version.Version)
		return
	}

	self, err := os.Executable()
	if err != nil {
		fail(err)
	}
	executor := filepath.Join(filepath.Dir(self), executorName)
	if _, err := os.Stat(executor); err != nil {
		fail(fmt.Errorf("missing executor %s: %w", executor, err))
	}

	h := &host{executor: executor}
	if flag.NArg() > 0 {
		h.engine = flag.Arg(0)
	}
	handle, err := rpcutil.ServeWithOptions(rpcutil.ServeOptions{
		Init: func(srv *grpc.Server) error {
			pulumirpc.RegisterLanguageRuntimeServer(srv, h)
			return nil
		},
	})
	if err != nil {
		fail(err)
	}
	fmt.Printf("%d\n", handle.Port)
	if err := <-handle.Done; err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintf(os.Stderr, "pulumi-language-python (ferpaguard test host): %v\n", err)
	os.Exit(1)
}

func (h *host) Handshake(
	_ context.Context, req *pulumirpc.LanguageHandshakeRequest,
) (*pulumirpc.LanguageHandshakeResponse, error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	h.engine = req.GetEngineAddress()
	return &pulumirpc.LanguageHandshakeResponse{}, nil
}

func (h *host) GetPluginInfo(context.Context, *emptypb.Empty) (*pulumirpc.PluginInfo, error) {
	return &pulumirpc.PluginInfo{Version: version.Version}, nil
}

// GetRequiredPackages answers with no packages: the engine then loads each
// provider when the program first registers one of its resources, with the
// version the SDK package names in that registration.
func (h *host) GetRequiredPackages(
	_ context.Context, req *pulumirpc.GetRequiredPackagesRequest,
) (*pulumirpc.GetRequiredPackagesResponse, error) {
	tc, err := resolveToolchain(req.GetInfo())
	if err != nil {
		return nil, err
	}
	if err := tc.ValidateVenv(context.Background()); err != nil {
		return nil, err
	}
	return &pulumirpc.GetRequiredPackagesResponse{}, nil
}

// InstallDependencies checks the virtualenv instead of installing into it:
// the tests run against the repository's own .venv, made by `make`.
func (h *host) InstallDependencies(
	req *pulumirpc.InstallDependenciesRequest, _ grpc.ServerStreamingServer[pulumirpc.InstallDependenciesResponse],
) error {
	tc, err := resolveToolchain(req.GetInfo())
	if err != nil {
		return err
	}
	return tc.ValidateVenv(context.Background())
}

func (h *host) Run(ctx context.Context, req *pulumirpc.RunRequest) (*pulumirpc.RunResponse, error) {
	tc, err := resolveToolchain(req.GetInfo())
	if err != nil {
		return nil, err
	}
	if err := tc.ValidateVenv(ctx); err != nil {
		return nil, err
	}
	args := append([]string{h.executor}, h.programArguments(req)...)
	cmd, err := tc.Command(ctx, args...)
	if err != nil {
		return nil, err
	}
	config, err := json.Marshal(req.GetConfig())
	if err != nil {
		return nil, err
	}
	secretKeys := req.GetConfigSecretKeys()
	if secretKeys == nil {
		secretKeys = []string{}
	}
	secretKeysJSON, err := json.Marshal(secretKeys)
	if err != nil {
		return nil, err
	}
	env := cmd.Env
	if env == nil {
		env = os.Environ()
	}
	if len(req.GetConfig()) > 0 {
		env = append(env, "PULUMI_CONFIG="+string(config))
	}
	cmd.Env = append(env, "PULUMI_CONFIG_SECRET_KEYS="+string(secretKeysJSON))
	cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr

	if err := cmd.Run(); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if exitErr.ExitCode() == exitAfterUserMessage {
				return &pulumirpc.RunResponse{Bail: true}, nil
			}
			return &pulumirpc.RunResponse{
				Error: fmt.Sprintf("program exited with non-zero exit code: %d", exitErr.ExitCode()),
			}, nil
		}
		return &pulumirpc.RunResponse{Error: fmt.Sprintf("could not run the Python executor: %v", err)}, nil
	}
	return &pulumirpc.RunResponse{}, nil
}

func (h *host) programArguments(req *pulumirpc.RunRequest) []string {
	h.mu.Lock()
	engine := h.engine
	h.mu.Unlock()
	var args []string
	flagIfSet := func(name, value string) {
		if value != "" {
			args = append(args, "--"+name, value)
		}
	}
	flagIfSet("monitor", req.GetMonitorAddress())
	flagIfSet("engine", engine)
	flagIfSet("project", req.GetProject())
	flagIfSet("root_directory", req.GetInfo().GetRootDirectory())
	flagIfSet("stack", req.GetStack())
	flagIfSet("pwd", req.GetPwd())
	flagIfSet("dry_run", strconv.FormatBool(req.GetDryRun()))
	flagIfSet("parallel", strconv.Itoa(int(req.GetParallel())))
	flagIfSet("organization", req.GetOrganization())
	args = append(args, req.GetInfo().GetEntryPoint())
	return append(args, req.GetArgs()...)
}

// RunPlugin starts a policy pack: `python -u -m pulumi.policy ARGS PACK_DIR` in
// the pack directory, after the engine's ConfigureStack has been caught by the
// SDK's policy proxy and turned into PULUMI_* variables, as pulumi_policy expects.
func (h *host) RunPlugin(
	req *pulumirpc.RunPluginRequest, server grpc.ServerStreamingServer[pulumirpc.RunPluginResponse],
) error {
	if req.GetKind() != string(apitype.AnalyzerPlugin) {
		return fmt.Errorf("this test host runs policy packs only, not %q plugins", req.GetKind())
	}
	ctx := server.Context()
	tc, err := resolveToolchain(req.GetInfo())
	if err != nil {
		return err
	}
	packDir := req.GetInfo().GetProgramDirectory()
	args := append([]string{"-u", "-m", "pulumi.policy"}, req.GetArgs()...)
	cmd, err := tc.Command(ctx, append(args, packDir)...)
	if err != nil {
		return err
	}
	cmd.Dir = packDir

	closer, stdout, stderr, err := rpcutil.MakeRunPluginStreams(server, false)
	if err != nil {
		return err
	}
	defer closer.Close()

	proxy, proxiedStdout, err := pulumisdk.NewPolicyProxy(ctx, stdout)
	if err != nil {
		return fmt.Errorf("could not start the policy proxy: %w", err)
	}
	stackConfig, err := proxy.AwaitConfiguration(ctx)
	if err != nil {
		return fmt.Errorf("no stack configuration from the engine: %w", err)
	}
	cmd.Env = append(cmd.Env, stackEnvironment(stackConfig)...)
	cmd.Env = append(cmd.Env, req.GetEnv()...)
	cmd.Stdout, cmd.Stderr = proxiedStdout, stderr

	if err := cmd.Start(); err != nil {
		return fmt.Errorf("could not start the policy pack: %w", err)
	}
	if err := proxy.Attach(ctx, cmd); err != nil {
		var exitErr *exec.ExitError
		if errors.As(err, &exitErr) {
			if status, ok := exitErr.Sys().(syscall.WaitStatus); ok {
				return server.Send(&pulumirpc.RunPluginResponse{
					Output: &pulumirpc.RunPluginResponse_Exitcode{Exitcode: int32(status.ExitStatus())},
				})
			}
		}
		return err
	}
	return closer.Close()
}

func stackEnvironment(config *pulumirpc.AnalyzerStackConfigureRequest) []string {
	if config == nil {
		return nil
	}
	var env []string
	setIfValue := func(name, value string) {
		if value != "" {
			env = append(env, name+"="+value)
		}
	}
	setIfValue("PULUMI_ORGANIZATION", config.GetOrganization())
	setIfValue("PULUMI_PROJECT", config.GetProject())
	setIfValue("PULUMI_STACK", config.GetStack())
	setIfValue("PULUMI_DRY_RUN", strconv.FormatBool(config.GetDryRun()))
	if config.GetConfig() != nil {
		if encoded, err := json.Marshal(config.GetConfig()); err == nil {
			setIfValue("PULUMI_CONFIG", string(encoded))
		}
	}
	return env
}

func resolveToolchain(info *pulumirpc.ProgramInfo) (toolchain.Toolchain, error) {
	options := toolchain.PythonOptions{
		Root:       info.GetRootDirectory(),
		ProgramDir: info.GetProgramDirectory(),
	}
	if raw, ok := info.GetOptions().AsMap()["virtualenv"]; ok {
		virtualenv, isString := raw.(string)
		if !isString {
			return nil, errors.New("virtualenv option must be a string")
		}
		options.Virtualenv = virtualenv
	}
	return toolchain.ResolveToolchain(options)
}
