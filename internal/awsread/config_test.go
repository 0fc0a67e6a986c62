package awsread_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/s3access/terraform-provider-s3access/internal/awsread"
)

func TestSettingsValidate(t *testing.T) {
	cases := []struct {
		name    string
		s       awsread.Settings
		wantErr string // substring naming the field; "" = valid
	}{
		{"empty is valid (offline)", awsread.Settings{}, ""},
		{"all endpoints", awsread.Settings{Endpoints: map[string]string{"s3": "http://127.0.0.1:1", "s3control": "http://x", "iam": "https://iam", "sts": "http://s", "kms": "http://k", "organizations": "http://o"}}, ""},
		{"unknown service", awsread.Settings{Endpoints: map[string]string{"dynamodb": "http://x"}}, "endpoints.dynamodb"},
		{"relative URL", awsread.Settings{Endpoints: map[string]string{"s3": "127.0.0.1:9000"}}, "endpoints.s3"},
		{"assume role without ARN", awsread.Settings{AssumeRole: &awsread.AssumeRole{SessionName: "x"}}, "assume_role.role_arn"},
		{"negative attempts", awsread.Settings{MaxAttempts: -1}, "max_attempts"},
		{"negative timeout", awsread.Settings{HTTPTimeout: -time.Second}, "http_timeout"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := c.s.Validate()
			if c.wantErr == "" && err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)) {
				t.Fatalf("error %v, want one naming %q", err, c.wantErr)
			}
		})
	}
}

// TestClientsLazy: nothing is resolved before the first read (design §2:
// offline use never needs credentials), and invalid settings surface as a
// ReadError on that first read, naming the field.
func TestClientsLazy(t *testing.T) {
	isolate(t)
	c := awsread.NewClients(awsread.Settings{Profile: "does-not-exist"})
	if c.Loaded() {
		t.Fatal("loaded before use")
	}
	r := awsread.NewLive(c)
	_, _, err := r.BucketPolicy(context.Background(), "b")
	re := readErr(t, err, awsread.LayerBucketPolicy, "s3:GetBucketPolicy")
	if re.Code != "Configuration" || !strings.Contains(err.Error(), "does-not-exist") || !c.Loaded() {
		t.Errorf("missing profile: %v (loaded %v)", err, c.Loaded())
	}

	bad := awsread.NewLive(awsread.NewClients(awsread.Settings{Endpoints: map[string]string{"s4": "http://x"}}))
	_, _, err = bad.CallerAccount(context.Background())
	if re := readErr(t, err, awsread.LayerCaller, "sts:GetCallerIdentity"); !strings.Contains(re.Error(), "endpoints.s4") {
		t.Errorf("bad endpoint: %v", re)
	}
}

// TestAssumeRole: with assume_role, reads are signed with the credentials
// STS AssumeRole returned (checked by the fake S3 Control seeing the session
// token), and the role ARN, session name and external id are sent.
func TestAssumeRole(t *testing.T) {
	isolate(t)
	var form atomic.Value
	stsSrv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := r.ParseForm(); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		form.Store(r.Form.Encode())
		exp := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		w.Header().Set("Content-Type", "text/xml")
		_, _ = w.Write([]byte(`<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult><Credentials>` +
			`<AccessKeyId>ASIAASSUMED</AccessKeyId><SecretAccessKey>s</SecretAccessKey><SessionToken>TOKEN123</SessionToken><Expiration>` + exp + `</Expiration>` +
			`</Credentials><AssumedRoleUser><Arn>arn:aws:sts::111111111111:assumed-role/r/sess</Arn><AssumedRoleId>AROA:sess</AssumedRoleId></AssumedRoleUser></AssumeRoleResult></AssumeRoleResponse>`))
	}))
	defer stsSrv.Close()
	var token, auth atomic.Value
	ctl := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		token.Store(r.Header.Get("X-Amz-Security-Token"))
		auth.Store(r.Header.Get("Authorization"))
		w.WriteHeader(404)
		_, _ = w.Write([]byte(`<ErrorResponse><Error><Code>NoSuchPublicAccessBlockConfiguration</Code><Message>none</Message></Error></ErrorResponse>`))
	}))
	defer ctl.Close()
	s := settingsFor(t, "AKIDBASE", "secret", map[string]string{"sts": stsSrv.URL, "s3control": ctl.URL})
	s.AssumeRole = &awsread.AssumeRole{RoleARN: "arn:aws:iam::111111111111:role/r", SessionName: "sess", ExternalID: "ext-1"}
	r := awsread.NewLive(awsread.NewClients(s))
	bpa, _, err := r.AccountPublicAccessBlock(context.Background(), "111111111111")
	if err != nil || bpa != nil {
		t.Fatalf("AccountPublicAccessBlock = %v, %v", bpa, err)
	}
	f, _ := form.Load().(string)
	for _, want := range []string{"Action=AssumeRole", "RoleArn=arn%3Aaws%3Aiam%3A%3A111111111111%3Arole%2Fr", "RoleSessionName=sess", "ExternalId=ext-1"} {
		if !strings.Contains(f, want) {
			t.Errorf("AssumeRole form %q lacks %q", f, want)
		}
	}
	if tok, _ := token.Load().(string); tok != "TOKEN123" {
		t.Errorf("session token sent = %q", tok)
	}
	if a, _ := auth.Load().(string); !strings.Contains(a, "Credential=ASIAASSUMED/") {
		t.Errorf("Authorization = %q", a)
	}
}

// TestHTTPTimeoutBounds: a server that never answers fails the read after
// the bounded timeout and attempts instead of hanging.
func TestHTTPTimeoutBounds(t *testing.T) {
	isolate(t)
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	s := settingsFor(t, "AKID", "secret", map[string]string{"s3": srv.URL})
	s.HTTPTimeout = 200 * time.Millisecond
	s.MaxAttempts = 1
	start := time.Now()
	_, _, err := awsread.NewLive(awsread.NewClients(s)).BucketPolicy(context.Background(), "b")
	_ = readErr(t, err, awsread.LayerBucketPolicy, "s3:GetBucketPolicy") // readErr checks layer and operation
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("took %v", d)
	}
}

// TestSharedFilesAndPathStyle: keys come from the configured shared files and
// S3 requests are path style when s3_use_path_style is set.
func TestSharedFilesAndPathStyle(t *testing.T) {
	isolate(t)
	var path, auth atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		path.Store(r.URL.Path)
		auth.Store(r.Header.Get("Authorization"))
		w.WriteHeader(404)
		_, _ = w.Write([]byte(`<Error><Code>NoSuchBucketPolicy</Code><Message>none</Message></Error>`))
	}))
	defer srv.Close()
	s := settingsFor(t, "AKIDFROMFILE", "secret", map[string]string{"s3": srv.URL})
	p, _, err := awsread.NewLive(awsread.NewClients(s)).BucketPolicy(context.Background(), "my-bkt")
	if err != nil || p != nil {
		t.Fatalf("%v %v", p, err)
	}
	if pa, _ := path.Load().(string); pa != "/my-bkt" {
		t.Errorf("path = %q, want /my-bkt (path style)", pa)
	}
	if a, _ := auth.Load().(string); !strings.Contains(a, "Credential=AKIDFROMFILE/") {
		t.Errorf("Authorization = %q", a)
	}
	// And a profile missing from the files is an error on first read.
	s.Profile = "other"
	_, _, err = awsread.NewLive(awsread.NewClients(s)).BucketPolicy(context.Background(), "my-bkt")
	if err == nil {
		t.Fatal("missing profile accepted")
	}
}
