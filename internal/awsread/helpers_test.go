package awsread_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/s3access/terraform-provider-s3access/internal/awsread"
)

// isolate keeps the SDK's default chain away from the machine's own
// credentials and config: tests pass keys through shared files only.
func isolate(t *testing.T) {
	t.Helper()
	for _, k := range []string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE", "AWS_DEFAULT_PROFILE",
		"AWS_REGION", "AWS_DEFAULT_REGION", "AWS_ROLE_ARN", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI",
		"AWS_CONTAINER_CREDENTIALS_RELATIVE_URI", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL_IAM", "AWS_ENDPOINT_URL_STS"} {
		t.Setenv(k, "") // restores the variable after the test
		if err := os.Unsetenv(k); err != nil {
			t.Fatalf("unset %s: %v", k, err)
		}
	}
	t.Setenv("AWS_EC2_METADATA_DISABLED", "true")
	t.Setenv("AWS_CONFIG_FILE", filepath.Join(t.TempDir(), "none"))
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(t.TempDir(), "none"))
}

// settingsFor returns Settings that authenticate with the given keys through
// a temporary shared credentials file and profile "test".
func settingsFor(t *testing.T, access, secret string, endpoints map[string]string) awsread.Settings {
	t.Helper()
	dir := t.TempDir()
	creds := filepath.Join(dir, "credentials")
	conf := filepath.Join(dir, "config")
	if err := os.WriteFile(creds, []byte("[test]\naws_access_key_id = "+access+"\naws_secret_access_key = "+secret+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(conf, []byte("[profile test]\nregion = us-east-1\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return awsread.Settings{
		Profile:                "test",
		SharedConfigFiles:      []string{conf},
		SharedCredentialsFiles: []string{creds},
		Endpoints:              endpoints,
		S3UsePathStyle:         true,
		HTTPTimeout:            10 * time.Second,
		MaxAttempts:            2,
	}
}

func liveFor(t *testing.T, access, secret string, endpoints map[string]string) *awsread.LiveReader {
	t.Helper()
	return awsread.NewLive(awsread.NewClients(settingsFor(t, access, secret, endpoints)))
}

// sameJSON compares two JSON documents semantically.
func sameJSON(t *testing.T, got, want string) bool {
	t.Helper()
	var g, w any
	if err := json.Unmarshal([]byte(got), &g); err != nil {
		t.Fatalf("got is not JSON: %v: %s", err, got)
	}
	if err := json.Unmarshal([]byte(want), &w); err != nil {
		t.Fatalf("want is not JSON: %v: %s", err, want)
	}
	return reflect.DeepEqual(g, w)
}

// readErr asserts err is a *ReadError for layer and operation and returns it.
func readErr(t *testing.T, err error, layer, op string) *awsread.ReadError {
	t.Helper()
	if err == nil {
		t.Fatalf("want a ReadError for %s (%s), got nil", layer, op)
	}
	re, ok := awsread.AsReadError(err)
	if !ok {
		t.Fatalf("want *ReadError, got %T: %v", err, err)
	}
	if re.Layer != layer || re.Operation != op {
		t.Fatalf("ReadError layer/op = %s/%s, want %s/%s (%v)", re.Layer, re.Operation, layer, op, err)
	}
	return re
}
