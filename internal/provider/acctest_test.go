package provider

// Test harness shared by every Terraform-driven test of this package.
//
//   - testAccProtoV6ProviderFactories serves the provider in-process (reattach): Terraform never installs
//     or downloads it, so resource.UnitTest needs no network.
//   - TestMain finds Terraform the way scripts/find-terraform.sh does, points TF_ACC_TERRAFORM_PATH at it,
//     and gives Terraform its own empty CLI configuration, so nothing is ever downloaded and a missing
//     ~/.terraformrc or TF_CLI_CONFIG_FILE never matters.
//
// Use resource.UnitTest for tests that need no AWS (everything offline) and resource.Test (which needs
// TF_ACC=1, `make testacc`) only for tests against real services. Tests that need fakes build their own
// factories with testAccProviderFactoriesWith(opts...).

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/hashicorp/terraform-plugin-framework/providerserver"
	"github.com/hashicorp/terraform-plugin-go/tfprotov6"
)

// testAccProtoV6ProviderFactories is the provider as configured by users (no fakes).
var testAccProtoV6ProviderFactories = testAccProviderFactoriesWith()

// testAccProviderFactoriesWith returns provider factories whose provider instances get opts (fakes,
// configure hooks, extra test-only data sources).
func testAccProviderFactoriesWith(opts ...Option) map[string]func() (tfprotov6.ProviderServer, error) {
	return map[string]func() (tfprotov6.ProviderServer, error){
		TypeName: providerserver.NewProtocol6WithError(NewWithOptions("test", opts...)()),
	}
}

func TestMain(m *testing.M) {
	cleanup, err := setUpTerraform()
	if err != nil {
		fmt.Fprintln(os.Stderr, "provider tests:", err)
		os.Exit(2)
	}
	code := m.Run()
	cleanup()
	os.Exit(code)
}

// setUpTerraform sets the environment terraform-plugin-testing reads: TF_ACC_TERRAFORM_PATH,
// TF_CLI_CONFIG_FILE and CHECKPOINT_DISABLE.
func setUpTerraform() (func(), error) {
	tf, err := findTerraform()
	if err != nil {
		return nil, err
	}
	dir, err := os.MkdirTemp("", "s3access-tfcli-")
	if err != nil {
		return nil, err
	}
	cli := filepath.Join(dir, "terraform.tfrc")
	if err := os.WriteFile(cli, []byte("# empty CLI configuration for the provider tests\n"), 0o600); err != nil {
		return nil, err
	}
	for k, v := range map[string]string{
		"TF_ACC_TERRAFORM_PATH": tf,
		"TF_CLI_CONFIG_FILE":    cli,
		"CHECKPOINT_DISABLE":    "1",
		// No test may use real AWS credentials or the instance metadata service.
		"AWS_EC2_METADATA_DISABLED": "true",
	} {
		if err := os.Setenv(k, v); err != nil {
			return nil, err
		}
	}
	return func() { _ = os.RemoveAll(dir) }, nil
}

// findTerraform mirrors scripts/find-terraform.sh without building: TF_ACC_TERRAFORM_PATH, then PATH, then
// the binary the script builds into <repo>/.cache/terraform/bin.
func findTerraform() (string, error) {
	if p := os.Getenv("TF_ACC_TERRAFORM_PATH"); p != "" {
		if isExecutable(p) {
			return p, nil
		}
		return "", fmt.Errorf("TF_ACC_TERRAFORM_PATH=%q is not an executable file", p)
	}
	if p, err := exec.LookPath("terraform"); err == nil {
		return p, nil
	}
	var tried []string
	if root, err := repoRoot(); err == nil {
		p := filepath.Join(root, ".cache", "terraform", "bin", "terraform")
		if isExecutable(p) {
			return p, nil
		}
		tried = append(tried, p)
	}
	return "", fmt.Errorf("no Terraform binary found (TF_ACC_TERRAFORM_PATH unset, none on PATH, none at %v); "+
		"run `make test` from the repository root, which finds or builds Terraform 1.8.5 without downloading a release", tried)
}

func isExecutable(p string) bool {
	st, err := os.Stat(p)
	return err == nil && !st.IsDir() && st.Mode()&0o111 != 0
}

// repoRoot walks up from the working directory to the directory holding go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", fmt.Errorf("go.mod not found above the working directory")
		}
		dir = parent
	}
}
