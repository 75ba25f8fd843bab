#!/usr/bin/env bash
# Builds the Pulumi CLI (`pulumi`) and a Python language host for the
# end-to-end tests from Go modules, into .tools/bin/ (git-ignored).
#
#   tools/pulumi-cli/build.sh                            # the pinned release (go.mod)
#   PULUMI_CLI_VERSION=v3.252.0 tools/pulumi-cli/build.sh # another release, into .tools/pulumi-v3.252.0/bin/
#
# Cached: a second run with the same inputs only says so. A cold build
# compiles the whole CLI: minutes on 2 cores (see README, "End-to-end with the
# real Pulumi CLI").
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
pinned="$(cd "$here" && go list -m -f '{{.Version}}' github.com/pulumi/pulumi/pkg/v3)"
version="${PULUMI_CLI_VERSION:-$pinned}"

if [[ "$version" == "$pinned" ]]; then
    module_dir="$here"
    bin_dir="$repo/.tools/bin"
else
    # Another release: a scratch copy of the wrapper module, re-pinned.
    module_dir="$repo/.tools/src/pulumi-cli-$version"
    bin_dir="$repo/.tools/pulumi-$version/bin"
    rm -rf "$module_dir"
    mkdir -p "$module_dir"
    cp -r "$here/languagehost" "$module_dir/"
    # The wrapper's module, go, replace and tool lines with only the two pulumi
    # requirements: tidy then takes that release's own dependency versions.
    {
        grep -e '^module ' -e '^go ' -e '^replace ' -e '^tool ' "$here/go.mod"
        echo "require github.com/pulumi/pulumi/pkg/v3 $version"
        echo "require github.com/pulumi/pulumi/sdk/v3 $version"
    } >"$module_dir/go.mod"
    (cd "$module_dir" && GOFLAGS=-mod=mod go mod tidy)
fi

inputs_hash="$(cat "$module_dir/go.mod" "$module_dir/go.sum" "$module_dir/languagehost/main.go" "$0" |
    sha256sum | cut -c1-16)"
stamp="$bin_dir/.built-$version-$inputs_hash"
if [[ -f "$stamp" && -x "$bin_dir/pulumi" && -x "$bin_dir/pulumi-language-python" ]]; then
    echo "pulumi $version: cached in ${bin_dir#"$repo"/} (inputs $inputs_hash unchanged)"
    exit 0
fi

echo "pulumi $version: building into ${bin_dir#"$repo"/} (cold: several minutes on 2 cores)"
mkdir -p "$bin_dir"
rm -f "$bin_dir"/.built-*
ldflags="-s -w -X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$version"
build() {
    (cd "$module_dir" && nice -n 10 env CGO_ENABLED=0 GOFLAGS="-buildvcs=false -p=2 -mod=readonly" \
        go build -trimpath -tags osusergo,grpcnotrace -ldflags "$ldflags" -o "$1" "$2")
}
start=$SECONDS
build "$bin_dir/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
build "$bin_dir/pulumi-language-python" ./languagehost
sdk_dir="$(cd "$module_dir" && go list -m -f '{{.Dir}}' github.com/pulumi/pulumi/sdk/v3)"
install -m 0755 "$sdk_dir/python/cmd/pulumi-language-python-exec" "$bin_dir/pulumi-language-python-exec"
touch "$stamp"
echo "pulumi $version: built in $((SECONDS - start)) s: $("$bin_dir/pulumi" version)"
