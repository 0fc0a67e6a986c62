package awsread

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go"
)

// IAM returns policy documents RFC 3986 URL-encoded; '+' arrives as %2B and a
// literal '+' must stay '+'.
func TestDecodePolicyDocument(t *testing.T) {
	cases := []struct {
		name, in, want string
		wantErr        bool
	}{
		{"iam encoded", "%7B%22Version%22%3A%222012-10-17%22%2C%22S%22%3A%22a%20b%2Bc%25%22%7D", `{"Version":"2012-10-17","S":"a b+c%"}`, false},
		{"already JSON", ` {"a":"%41+"}`, `{"a":"%41+"}`, false},
		{"bad escape", "%7B%zz", "", true},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, err := decode(aws.String(c.in), "p")
			if (err != nil) != c.wantErr || got != c.want {
				t.Fatalf("decode = %q, %v; want %q (err %v)", got, err, c.want, c.wantErr)
			}
		})
	}
	if _, err := decode(nil, "p"); err == nil {
		t.Fatal("nil document accepted")
	}
}

func TestClassify(t *testing.T) {
	cases := []struct {
		code                      string
		denied, notImpl, notFound bool
	}{
		{"AccessDenied", true, false, false},
		{"AccessDeniedException", true, false, false},
		{"InvalidAccessKeyId", true, false, false},
		{"NotImplemented", false, true, false},
		{"InvalidAction", false, true, false},
		{"UnknownOperationException", false, true, false},
		{"NoSuchBucket", false, false, true},
		{"NoSuchEntity", false, false, true},
		{"Throttling", false, false, false},
		{"InternalError", false, false, false},
	}
	for _, c := range cases {
		err := classify("l", "op", &smithy.GenericAPIError{Code: c.code})
		var re *ReadError
		if !errors.As(err, &re) || re.Code != c.code || re.AccessDenied != c.denied || re.NotImplemented != c.notImpl || re.NotFound != c.notFound {
			t.Errorf("%s: %+v", c.code, re)
		}
		if !isAbsent(&smithy.GenericAPIError{Code: "NoSuchBucketPolicy"}) || isAbsent(err) {
			t.Errorf("isAbsent wrong")
		}
	}
	// Already classified errors pass through unchanged.
	re := &ReadError{Layer: "x"}
	if classify("l", "op", re) != error(re) {
		t.Error("re-wrapped")
	}
}
