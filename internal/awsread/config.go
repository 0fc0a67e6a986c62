// Package awsread reads, with aws-sdk-go-v2, the layers of an S3 authorization
// decision that a check leaves unset (ARCHITECTURE.md section 4). Everything is
// behind the Reader interface so that the engine and the provider can be tested
// with fakes. Nothing here contacts AWS, or even resolves credentials, until the
// first read: offline use never needs credentials.
package awsread

import (
	"context"
	"fmt"
	"net/url"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	smithyendpoints "github.com/aws/smithy-go/endpoints"
)

// AssumeRole mirrors the provider's assume_role block.
type AssumeRole struct {
	RoleARN     string
	SessionName string
	ExternalID  string
}

// Settings mirrors the provider configuration (ARCHITECTURE.md section 2).
type Settings struct {
	Region                 string
	Profile                string
	SharedConfigFiles      []string
	SharedCredentialsFiles []string
	AssumeRole             *AssumeRole
	// Endpoints overrides the endpoint per service; keys: s3, s3control, iam,
	// sts, kms, organizations. Values are URLs such as http://127.0.0.1:7070.
	Endpoints                map[string]string
	S3UsePathStyle           bool
	ReadOrganizationPolicies bool
	// HTTPTimeout bounds one HTTP attempt; 0 means DefaultHTTPTimeout.
	HTTPTimeout time.Duration
	// MaxAttempts bounds the attempts per call (retries included); 0 means DefaultMaxAttempts.
	MaxAttempts int
}

// Defaults used when the corresponding Settings field is zero.
const (
	DefaultHTTPTimeout = 30 * time.Second
	DefaultMaxAttempts = 5
	DefaultRegion      = "us-east-1"
)

// KnownEndpoints lists the services whose endpoint may be overridden.
var KnownEndpoints = []string{"s3", "s3control", "iam", "sts", "kms", "organizations"}

// Validate reports settings that cannot work, naming the field.
func (s Settings) Validate() error {
	known := map[string]bool{}
	for _, k := range KnownEndpoints {
		known[k] = true
	}
	keys := make([]string, 0, len(s.Endpoints))
	for k := range s.Endpoints {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if !known[k] {
			return fmt.Errorf("endpoints.%s: unknown service (known: %s)", k, strings.Join(KnownEndpoints, ", "))
		}
		v := s.Endpoints[k]
		if v == "" {
			continue
		}
		u, err := url.Parse(v)
		if err != nil || u.Scheme == "" || u.Host == "" {
			return fmt.Errorf("endpoints.%s: %q is not an absolute URL", k, v)
		}
	}
	if s.AssumeRole != nil && s.AssumeRole.RoleARN == "" {
		return fmt.Errorf("assume_role.role_arn: required")
	}
	if s.MaxAttempts < 0 {
		return fmt.Errorf("max_attempts: must not be negative")
	}
	if s.HTTPTimeout < 0 {
		return fmt.Errorf("http_timeout: must not be negative")
	}
	return nil
}

// Clients builds the AWS configuration and the service clients lazily, once,
// on first use. It is safe for concurrent use.
type Clients struct {
	settings Settings

	once   sync.Once
	loaded atomic.Bool
	cfg    aws.Config
	err    error

	s3c   *s3.Client
	s3ctl *s3control.Client
	iamc  *iam.Client
	stsc  *sts.Client
	kmsc  *kms.Client
	orgc  *organizations.Client
}

// NewClients records the settings; nothing is resolved or contacted yet.
func NewClients(s Settings) *Clients {
	return &Clients{settings: s}
}

// Settings returns the settings the clients were made with.
func (c *Clients) Settings() Settings { return c.settings }

// Loaded reports whether the configuration has been built (for tests of laziness).
func (c *Clients) Loaded() bool { return c.loaded.Load() }

func (c *Clients) load(ctx context.Context) error {
	c.once.Do(func() {
		c.cfg, c.err = c.build(ctx)
		if c.err == nil {
			c.makeClients()
		}
		c.loaded.Store(true)
	})
	return c.err
}

func (c *Clients) build(ctx context.Context) (aws.Config, error) {
	s := c.settings
	if err := s.Validate(); err != nil {
		return aws.Config{}, err
	}
	timeout := s.HTTPTimeout
	if timeout == 0 {
		timeout = DefaultHTTPTimeout
	}
	attempts := s.MaxAttempts
	if attempts == 0 {
		attempts = DefaultMaxAttempts
	}
	opts := []func(*config.LoadOptions) error{
		config.WithHTTPClient(awshttp.NewBuildableClient().WithTimeout(timeout)),
		config.WithRetryer(func() aws.Retryer {
			return retry.NewStandard(func(o *retry.StandardOptions) {
				o.MaxAttempts = attempts
				o.MaxBackoff = 5 * time.Second
			})
		}),
	}
	if s.Region != "" {
		opts = append(opts, config.WithRegion(s.Region))
	}
	if s.Profile != "" {
		opts = append(opts, config.WithSharedConfigProfile(s.Profile))
	}
	if len(s.SharedConfigFiles) > 0 {
		opts = append(opts, config.WithSharedConfigFiles(s.SharedConfigFiles))
	}
	if len(s.SharedCredentialsFiles) > 0 {
		opts = append(opts, config.WithSharedCredentialsFiles(s.SharedCredentialsFiles))
	}
	// Bound the loading itself (IMDS lookups and the like).
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), timeout)
	defer cancel()
	cfg, err := config.LoadDefaultConfig(lctx, opts...)
	if err != nil {
		return aws.Config{}, fmt.Errorf("aws configuration: %w", err)
	}
	if cfg.Region == "" {
		cfg.Region = DefaultRegion
	}
	if ar := s.AssumeRole; ar != nil {
		stsc := sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = c.endpoint("sts") })
		prov := stscreds.NewAssumeRoleProvider(stsc, ar.RoleARN, func(o *stscreds.AssumeRoleOptions) {
			if ar.SessionName != "" {
				o.RoleSessionName = ar.SessionName
			} else {
				o.RoleSessionName = "terraform-provider-s3access"
			}
			if ar.ExternalID != "" {
				o.ExternalID = aws.String(ar.ExternalID)
			}
		})
		cfg.Credentials = aws.NewCredentialsCache(prov)
	}
	return cfg, nil
}

func (c *Clients) endpoint(svc string) *string {
	if v := c.settings.Endpoints[svc]; v != "" {
		return aws.String(v)
	}
	return nil
}

func (c *Clients) makeClients() {
	cfg := c.cfg
	c.s3c = s3.NewFromConfig(cfg, func(o *s3.Options) {
		o.BaseEndpoint = c.endpoint("s3")
		o.UsePathStyle = c.settings.S3UsePathStyle
	})
	c.s3ctl = s3control.NewFromConfig(cfg, func(o *s3control.Options) {
		if ep := c.endpoint("s3control"); ep != nil {
			o.BaseEndpoint = ep
			o.EndpointResolverV2 = fixedHostResolver{inner: s3control.NewDefaultEndpointResolverV2(), base: *ep}
		}
	})
	c.iamc = iam.NewFromConfig(cfg, func(o *iam.Options) { o.BaseEndpoint = c.endpoint("iam") })
	c.stsc = sts.NewFromConfig(cfg, func(o *sts.Options) { o.BaseEndpoint = c.endpoint("sts") })
	c.kmsc = kms.NewFromConfig(cfg, func(o *kms.Options) { o.BaseEndpoint = c.endpoint("kms") })
	c.orgc = organizations.NewFromConfig(cfg, func(o *organizations.Options) { o.BaseEndpoint = c.endpoint("organizations") })
}

// fixedHostResolver keeps S3 Control requests on the overridden endpoint's
// host: the default rules prefix the host with the account id
// ("123456789012.host"), which a local endpoint cannot serve.
type fixedHostResolver struct {
	inner s3control.EndpointResolverV2
	base  string
}

func (r fixedHostResolver) ResolveEndpoint(ctx context.Context, p s3control.EndpointParameters) (smithyendpoints.Endpoint, error) {
	ep, err := r.inner.ResolveEndpoint(ctx, p)
	if err != nil {
		return ep, err
	}
	b, err := url.Parse(r.base)
	if err != nil {
		return ep, fmt.Errorf("endpoints.s3control: %w", err)
	}
	ep.URI.Scheme = b.Scheme
	ep.URI.Host = b.Host
	return ep, nil
}

// S3 returns the S3 client, building the configuration on first use.
func (c *Clients) S3(ctx context.Context) (*s3.Client, error) {
	if err := c.load(ctx); err != nil {
		return nil, err
	}
	return c.s3c, nil
}

// S3Control returns the S3 Control client.
func (c *Clients) S3Control(ctx context.Context) (*s3control.Client, error) {
	if err := c.load(ctx); err != nil {
		return nil, err
	}
	return c.s3ctl, nil
}

// IAM returns the IAM client.
func (c *Clients) IAM(ctx context.Context) (*iam.Client, error) {
	if err := c.load(ctx); err != nil {
		return nil, err
	}
	return c.iamc, nil
}

// STS returns the STS client.
func (c *Clients) STS(ctx context.Context) (*sts.Client, error) {
	if err := c.load(ctx); err != nil {
		return nil, err
	}
	return c.stsc, nil
}

// KMS returns the KMS client.
func (c *Clients) KMS(ctx context.Context) (*kms.Client, error) {
	if err := c.load(ctx); err != nil {
		return nil, err
	}
	return c.kmsc, nil
}

// Organizations returns the Organizations client.
func (c *Clients) Organizations(ctx context.Context) (*organizations.Client, error) {
	if err := c.load(ctx); err != nil {
		return nil, err
	}
	return c.orgc, nil
}

// Config returns the loaded aws.Config.
func (c *Clients) Config(ctx context.Context) (aws.Config, error) {
	if err := c.load(ctx); err != nil {
		return aws.Config{}, err
	}
	return c.cfg, nil
}
