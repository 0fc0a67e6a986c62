// Package testserver starts local servers for tests of live reads: the Versity
// Gateway (a real S3 + IAM implementation, see README.md for what it does and
// does not implement) and httptest fakes, speaking the AWS wire protocols, for
// the services Versity lacks. Nothing here contacts AWS.
package testserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
)

// Environment variables read by StartVersity.
const (
	EnvVersityBin     = "VERSITYGW_BIN"
	EnvRequireVersity = "S3ACCESS_REQUIRE_VERSITY"
)

// VersityAccount is the account id Versity reports for every principal.
const VersityAccount = "000000000000"

// Versity is a running Versity Gateway: an S3 gateway and its standalone IAM/STS API.
type Versity struct {
	Endpoint    string // S3, http://127.0.0.1:P2
	IAMEndpoint string // IAM and STS, http://127.0.0.1:P1
	RootAccess  string
	RootSecret  string
	Region      string

	t    testing.TB
	root *s3.Client
	iamc *iam.Client
}

// With returns a copy of v whose helpers report failures to t (use it in subtests).
func (v *Versity) With(t testing.TB) *Versity {
	c := *v
	c.t = t
	return &c
}

// FindVersity returns the versitygw binary: $VERSITYGW_BIN, then PATH, then <repo>/.cache/bin.
func FindVersity() (string, error) {
	if p := os.Getenv(EnvVersityBin); p != "" {
		if st, err := os.Stat(p); err == nil && !st.IsDir() {
			return p, nil
		}
		return "", fmt.Errorf("%s=%q: not an executable file", EnvVersityBin, p)
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	if root := repoRoot(); root != "" {
		p := filepath.Join(root, ".cache", "bin", "versitygw")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("versitygw not found (set VERSITYGW_BIN, put it on PATH, or run scripts/versitygw.sh)")
}

func repoRoot() string {
	_, file, _, ok := runtime.Caller(0)
	if !ok {
		return ""
	}
	// internal/testserver/versity.go -> repo root
	return filepath.Dir(filepath.Dir(filepath.Dir(file)))
}

// FreePort returns a free TCP port on 127.0.0.1.
func FreePort(t testing.TB) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("free port: %v", err)
	}
	defer func() { _ = l.Close() }() // only probed for its port; closing frees it
	a, ok := l.Addr().(*net.TCPAddr)
	if !ok {
		t.Fatalf("free port: listener address %T is not TCP", l.Addr())
	}
	return a.Port
}

// StartVersity starts the IAM API and the S3 gateway on free loopback ports
// with temporary directories, waits until both answer, and stops them in
// t.Cleanup. Without the binary it skips, unless S3ACCESS_REQUIRE_VERSITY is
// set, then it fails.
func StartVersity(t testing.TB) *Versity {
	t.Helper()
	bin, err := FindVersity()
	if err != nil {
		if os.Getenv(EnvRequireVersity) != "" {
			t.Fatalf("%v (%s is set)", err, EnvRequireVersity)
		}
		t.Skipf("%v; set %s=1 to make this a failure", err, EnvRequireVersity)
	}
	dir := t.TempDir()
	// Unix socket paths are limited to ~100 bytes; keep it short.
	sockDir, err := os.MkdirTemp("", "vgw")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := os.RemoveAll(sockDir); err != nil {
			t.Logf("removing %s: %v", sockDir, err)
		}
	})
	sock := filepath.Join(sockDir, "iam.sock")
	iamDir := filepath.Join(dir, "iam")
	data := filepath.Join(dir, "data")
	for _, d := range []string{iamDir, data} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	v := &Versity{RootAccess: "s3accessroot", RootSecret: "s3accessrootsecret", Region: "us-east-1", t: t}

	var lastErr error
	for attempt := 0; attempt < 3; attempt++ {
		p1, p2 := FreePort(t), FreePort(t)
		v.IAMEndpoint = fmt.Sprintf("http://127.0.0.1:%d", p1)
		v.Endpoint = fmt.Sprintf("http://127.0.0.1:%d", p2)
		iamProc := startProc(t, bin, filepath.Join(dir, fmt.Sprintf("iam-%d.log", attempt)),
			"--port", fmt.Sprintf("127.0.0.1:%d", p1), "--access", v.RootAccess, "--secret", v.RootSecret, "--quiet",
			"iam", "--dir", iamDir, "--private-ports", sock)
		if lastErr = waitFile(sock, iamProc, 15*time.Second); lastErr != nil {
			iamProc.stop()
			continue
		}
		s3Proc := startProc(t, bin, filepath.Join(dir, fmt.Sprintf("s3-%d.log", attempt)),
			"--port", fmt.Sprintf("127.0.0.1:%d", p2), "--access", v.RootAccess, "--secret", v.RootSecret, "--quiet",
			"--region", v.Region, "--iam-standalone-endpoint", sock, "posix", data)
		if lastErr = waitTCP(p2, s3Proc, 15*time.Second); lastErr != nil {
			s3Proc.stop()
			iamProc.stop()
			removeStale(t, sock)
			continue
		}
		if lastErr = waitTCP(p1, iamProc, 5*time.Second); lastErr != nil {
			s3Proc.stop()
			iamProc.stop()
			removeStale(t, sock)
			continue
		}
		t.Cleanup(func() { s3Proc.stop(); iamProc.stop() })
		v.root = v.S3Client(v.RootAccess, v.RootSecret)
		v.iamc = v.IAMClient(v.RootAccess, v.RootSecret)
		return v
	}
	t.Fatalf("versitygw did not start: %v (logs in %s)", lastErr, dir)
	return nil
}

// removeStale removes the IAM socket of a failed start so that the next
// attempt does not find it; one already gone is fine.
func removeStale(t testing.TB, sock string) {
	if err := os.Remove(sock); err != nil && !os.IsNotExist(err) {
		t.Logf("removing %s: %v", sock, err)
	}
}

type proc struct {
	cmd  *exec.Cmd
	done chan struct{}
	once sync.Once
	log  string
}

func startProc(t testing.TB, bin, logPath string, args ...string) *proc {
	t.Helper()
	f, err := os.Create(logPath)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = f, f
	if err := cmd.Start(); err != nil {
		_ = f.Close() // nothing was written: the process did not start
		t.Fatalf("start %s: %v", bin, err)
	}
	p := &proc{cmd: cmd, done: make(chan struct{}), log: logPath}
	go func() {
		// The exit status does not matter: stop kills the process, and a
		// process that dies early is detected by exited() with its log.
		_ = cmd.Wait()
		_ = f.Close() // the log file: read by logTail after done
		close(p.done)
	}()
	return p
}

func (p *proc) stop() {
	p.once.Do(func() {
		_ = p.cmd.Process.Kill()
		select {
		case <-p.done:
		case <-time.After(5 * time.Second):
		}
	})
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

func (p *proc) logTail() string {
	b, _ := os.ReadFile(p.log)
	if len(b) > 2000 {
		b = b[len(b)-2000:]
	}
	return strings.TrimSpace(string(b))
}

func waitFile(path string, p *proc, d time.Duration) error {
	deadline := time.Now().Add(d)
	for time.Now().Before(deadline) {
		if p.exited() {
			return fmt.Errorf("exited: %s", p.logTail())
		}
		if _, err := os.Stat(path); err == nil {
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("timeout waiting for %s: %s", path, p.logTail())
}

func waitTCP(port int, p *proc, d time.Duration) error {
	deadline := time.Now().Add(d)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	for time.Now().Before(deadline) {
		if p.exited() {
			return fmt.Errorf("exited: %s", p.logTail())
		}
		c, err := net.DialTimeout("tcp", addr, 200*time.Millisecond)
		if err == nil {
			_ = c.Close() // a probe connection: accepting it was the point
			return nil
		}
		time.Sleep(50 * time.Millisecond)
	}
	return fmt.Errorf("timeout waiting for %s: %s", addr, p.logTail())
}

func staticCreds(access, secret string) aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(access, secret, "")
}

// S3Client returns an S3 client for the gateway signed with the given keys (path style, no retries).
func (v *Versity) S3Client(access, secret string) *s3.Client {
	return s3.New(s3.Options{
		Region:           v.Region,
		Credentials:      staticCreds(access, secret),
		BaseEndpoint:     aws.String(v.Endpoint),
		UsePathStyle:     true,
		HTTPClient:       &http.Client{Timeout: 20 * time.Second},
		RetryMaxAttempts: 1,
	})
}

// IAMClient returns an IAM client for the IAM API signed with the given keys.
func (v *Versity) IAMClient(access, secret string) *iam.Client {
	return iam.New(iam.Options{
		Region:           v.Region,
		Credentials:      staticCreds(access, secret),
		BaseEndpoint:     aws.String(v.IAMEndpoint),
		HTTPClient:       &http.Client{Timeout: 20 * time.Second},
		RetryMaxAttempts: 1,
	})
}

func ctx() (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.Background(), 30*time.Second)
}

// UserARN returns the ARN Versity gives the IAM user name.
func UserARN(name string) string { return "arn:aws:iam::" + VersityAccount + ":user/" + name }

// CreateUser creates an IAM user with an access key and returns the key pair.
func (v *Versity) CreateUser(name string) (access, secret string) {
	v.t.Helper()
	c, cancel := ctx()
	defer cancel()
	if _, err := v.iamc.CreateUser(c, &iam.CreateUserInput{UserName: aws.String(name)}); err != nil {
		v.t.Fatalf("CreateUser %s: %v", name, err)
	}
	out, err := v.iamc.CreateAccessKey(c, &iam.CreateAccessKeyInput{UserName: aws.String(name)})
	if err != nil {
		v.t.Fatalf("CreateAccessKey %s: %v", name, err)
	}
	return aws.ToString(out.AccessKey.AccessKeyId), aws.ToString(out.AccessKey.SecretAccessKey)
}

// PutUserPolicy puts an inline policy (named "inline") on the user.
func (v *Versity) PutUserPolicy(user, doc string) {
	v.t.Helper()
	v.PutUserPolicyNamed(user, "inline", doc)
}

// PutUserPolicyNamed puts a named inline policy on the user.
func (v *Versity) PutUserPolicyNamed(user, name, doc string) {
	v.t.Helper()
	c, cancel := ctx()
	defer cancel()
	if _, err := v.iamc.PutUserPolicy(c, &iam.PutUserPolicyInput{UserName: aws.String(user), PolicyName: aws.String(name), PolicyDocument: aws.String(doc)}); err != nil {
		v.t.Fatalf("PutUserPolicy %s/%s: %v", user, name, err)
	}
}

// CreateBucket creates a bucket as the root user (names need at least 3 characters).
func (v *Versity) CreateBucket(bucket string) {
	v.t.Helper()
	c, cancel := ctx()
	defer cancel()
	if _, err := v.root.CreateBucket(c, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		v.t.Fatalf("CreateBucket %s: %v", bucket, err)
	}
}

// PutBucketPolicy sets the bucket policy as the root user.
func (v *Versity) PutBucketPolicy(bucket, doc string) {
	v.t.Helper()
	c, cancel := ctx()
	defer cancel()
	if _, err := v.root.PutBucketPolicy(c, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(doc)}); err != nil {
		v.t.Fatalf("PutBucketPolicy %s: %v", bucket, err)
	}
}

// PutBucketOwnership sets the bucket's Object Ownership (BucketOwnerEnforced,
// BucketOwnerPreferred, ObjectWriter) as the root user.
func (v *Versity) PutBucketOwnership(bucket, ownership string) {
	v.t.Helper()
	c, cancel := ctx()
	defer cancel()
	if _, err := v.root.PutBucketOwnershipControls(c, &s3.PutBucketOwnershipControlsInput{Bucket: aws.String(bucket),
		OwnershipControls: &s3types.OwnershipControls{Rules: []s3types.OwnershipControlsRule{{ObjectOwnership: s3types.ObjectOwnership(ownership)}}}}); err != nil {
		v.t.Fatalf("PutBucketOwnershipControls %s: %v", bucket, err)
	}
}

// PutBucketCannedACL sets a canned bucket ACL (e.g. public-read) as the root
// user; Versity refuses it (AccessControlListNotSupported) under BucketOwnerEnforced.
func (v *Versity) PutBucketCannedACL(bucket, acl string) {
	v.t.Helper()
	c, cancel := ctx()
	defer cancel()
	if _, err := v.root.PutBucketAcl(c, &s3.PutBucketAclInput{Bucket: aws.String(bucket), ACL: s3types.BucketCannedACL(acl)}); err != nil {
		v.t.Fatalf("PutBucketAcl %s %s: %v", bucket, acl, err)
	}
}

// PutObject writes an object as the root user.
func (v *Versity) PutObject(bucket, key, body string) {
	v.t.Helper()
	c, cancel := ctx()
	defer cancel()
	if _, err := v.root.PutObject(c, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader(body)}); err != nil {
		v.t.Fatalf("PutObject %s/%s: %v", bucket, key, err)
	}
}

// Probe ops.
const (
	OpGetObject       = "s3:GetObject"
	OpPutObject       = "s3:PutObject"
	OpDeleteObject    = "s3:DeleteObject"
	OpListBucket      = "s3:ListBucket"
	OpGetBucketPolicy = "s3:GetBucketPolicy"
	OpHeadObject      = "s3:HeadObject"
)

// Probe makes the real request with the given keys and returns the HTTP
// status (200 for success, 204 for a successful delete). An unknown op or a
// transport failure fails the test.
func (v *Versity) Probe(access, secret, op, bucket, key string) int {
	v.t.Helper()
	cl := v.S3Client(access, secret)
	c, cancel := ctx()
	defer cancel()
	var err error
	ok := 200
	switch op {
	case OpGetObject:
		var out *s3.GetObjectOutput
		out, err = cl.GetObject(c, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
		if err == nil {
			_ = out.Body.Close() // only the status matters for a probe
		}
	case OpHeadObject:
		_, err = cl.HeadObject(c, &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	case OpPutObject:
		_, err = cl.PutObject(c, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader("probe")})
	case OpDeleteObject:
		ok = 204
		_, err = cl.DeleteObject(c, &s3.DeleteObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	case OpListBucket:
		_, err = cl.ListObjectsV2(c, &s3.ListObjectsV2Input{Bucket: aws.String(bucket)})
	case OpGetBucketPolicy:
		_, err = cl.GetBucketPolicy(c, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
	default:
		v.t.Fatalf("Probe: unknown op %q", op)
	}
	if err == nil {
		return ok
	}
	var re interface{ HTTPStatusCode() int }
	if errors.As(err, &re) {
		return re.HTTPStatusCode()
	}
	var ae smithy.APIError
	if errors.As(err, &ae) {
		v.t.Fatalf("Probe %s %s/%s: API error without status: %v", op, bucket, key, err)
	}
	v.t.Fatalf("Probe %s %s/%s: %v", op, bucket, key, err)
	return 0
}
