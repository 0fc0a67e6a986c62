package policy

import (
	"errors"
	"testing"
)

var fuzzSeeds = []string{
	bucketPolicy,
	`{"Version":"2012-10-17","Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":"*"}}`,
	`{"Statement":[{"Sid":"a","Effect":"Deny","NotPrincipal":{"AWS":["123456789012","arn:aws:sts::123456789012:assumed-role/r/s1"]},"NotAction":"s3:*","NotResource":"arn:aws:s3:::b/*"}]}`,
	`{"Statement":[{"Effect":"Allow","Principal":{"Service":"s3.amazonaws.com","CanonicalUser":"0000000000000000000000000000000000000000000000000000000000000000"},"Action":"*","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":["a*",1,true]},"IpAddress":{"aws:SourceIp":"10.0.0.0/8"},"DateLessThan":{"aws:CurrentTime":"2030-01-01"}}}]}`,
	`{"Statement":[{"Effect":"Allow","Principal":"*","Action":"*","Resource":"*","Condition":{"Null":{"a":"true"},"NumericLessThan":{"n":1.5},"BinaryEquals":{"b":"QQ=="}}}]}`,
	`{"Statement":[]}`, `{"Version":"2012-10-17","Version":"x"}`, `[`, `{"Statement":{"Effect":"Allow","Action":"*","Resource":"*"}} x`,
}

var fuzzKinds = []Kind{KindIdentity, KindBucket, KindSCP, KindRCP, KindKey}

func FuzzParse(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(s, uint8(i))
	}
	f.Fuzz(func(t *testing.T, doc string, k uint8) {
		kind := fuzzKinds[int(k)%len(fuzzKinds)]
		p, err := Parse(doc, kind)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) || pe.Message == "" {
				t.Fatalf("error is not a *Error with a message: %v", err)
			}
			return
		}
		if len(p.Statements) == 0 {
			t.Fatal("accepted a policy without statements")
		}
		for i, s := range p.Statements {
			if s.Index != i || (s.Effect != Allow && s.Effect != Deny) ||
				(s.Action == nil) == (s.NotAction == nil) || (s.Resource == nil) == (s.NotResource == nil) {
				t.Fatalf("invalid statement accepted: %+v", s)
			}
			if kind.ResourceBased() == (s.Principal == nil && s.NotPrincipal == nil) {
				t.Fatalf("principal rule broken: %+v", s)
			}
			for _, c := range s.Conditions {
				if c.Operator.Base == "" || len(c.Values) == 0 {
					t.Fatalf("bad condition %+v", c)
				}
			}
		}
	})
}

func FuzzCanonicalRoundTrip(f *testing.F) {
	for i, s := range fuzzSeeds {
		f.Add(s, uint8(i))
	}
	f.Fuzz(func(t *testing.T, doc string, k uint8) {
		kind := fuzzKinds[int(k)%len(fuzzKinds)]
		p, err := Parse(doc, kind)
		if err != nil {
			return
		}
		c1, err := p.CanonicalJSON()
		if err != nil {
			t.Fatalf("canonical of a parsed policy failed: %v", err)
		}
		q, err := Parse(string(c1), kind)
		if err != nil {
			// Canonical JSON may only grow past the size limit (arrays for strings).
			var pe *Error
			if errors.As(err, &pe) && pe.Statement == -1 && PackedLength(string(c1)) > SizeLimit(kind) {
				return
			}
			t.Fatalf("canonical JSON does not parse: %v\n%s", err, c1)
		}
		if !Equivalent(p, q) {
			t.Fatalf("round trip not equivalent:\n%s", c1)
		}
		c2, err := q.CanonicalJSON()
		if err != nil || string(c1) != string(c2) {
			t.Fatalf("not a fixed point:\n%s\n%s", c1, c2)
		}
	})
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := Parse(bucketPolicy, KindBucket); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkParseCached(b *testing.B) {
	b.ReportAllocs()
	for i := 0; i < b.N; i++ {
		if _, err := ParseCached(bucketPolicy, KindBucket); err != nil {
			b.Fatal(err)
		}
	}
}
