package testserver

import "testing"

// LiveEnv is everything a live-mode test talks to, on 127.0.0.1:
//
//   - REAL (Versity Gateway): S3 objects, bucket policies, ownership controls,
//     bucket ACLs, inline user policies (IAM), GetCallerIdentity (STS), and the
//     evaluation of the probe requests made with a user's own keys;
//   - FAKE (httptest, see the fake_*.go files): bucket Block Public Access,
//     default encryption and object ACLs (FakeS3 behind S3Front), account
//     Block Public Access (FakeS3Control), managed policies, groups and
//     boundaries (FakeIAM, which passes inline-user-policy calls through to
//     Versity), KMS key policies (FakeKMS).
type LiveEnv struct {
	Versity   *Versity
	S3        *S3Front
	IAM       *FakeIAM
	S3Control *FakeS3Control
	KMS       *FakeKMS
}

// StartLiveEnv starts Versity and the fakes; everything stops in t.Cleanup.
// Without the versitygw binary it skips (or fails with S3ACCESS_REQUIRE_VERSITY).
func StartLiveEnv(t testing.TB) *LiveEnv {
	t.Helper()
	v := StartVersity(t)
	return &LiveEnv{
		Versity:   v,
		S3:        NewS3Front(t, v.Endpoint),
		IAM:       NewFakeIAM(t, VersityAccount, v.IAMEndpoint),
		S3Control: NewFakeS3Control(t),
		KMS:       NewFakeKMS(t),
	}
}

// Endpoints returns the endpoint per service (the provider's endpoints block
// and awsread.Settings.Endpoints): S3 through the front, IAM through the
// passthrough fake, STS on Versity's IAM port, S3 Control and KMS fakes.
func (e *LiveEnv) Endpoints() map[string]string {
	return map[string]string{
		"s3":        e.S3.URL,
		"iam":       e.IAM.URL,
		"sts":       e.Versity.IAMEndpoint,
		"s3control": e.S3Control.URL,
		"kms":       e.KMS.URL,
	}
}
